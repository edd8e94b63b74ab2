"""`?` / F1: every key, generated from the bindings themselves so the list cannot drift, plus
what the symbols and banners mean."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from appizer_tui.state import format as fmt
from appizer_tui.ui.widgets.section import Section

HelpGroup = tuple[str, Sequence[Binding]]
"""A heading and the bindings listed under it."""

_LEGEND: tuple[tuple[str, str], ...] = (
    ("\u25b6 sending", "being sent"),
    ("\u25cb pending", "queued, not sending yet"),
    ("\u2713 completed", "finished sending (opens and clicks still polled for a while)"),
    ("\u2717 failed", "the campaign failed to send"),
    ("\u2298 cancelled", "stopped by someone before it finished sending"),
    ("? <word>", "a status this version does not know, shown as the server sent it"),
    ("!", "an alert is firing (failure rate, stall, delivery rate): A lists them"),
    ("\u2717 (flag)", "the last poll failed: see the banner in the detail pane"),
    (
        f"{fmt.STALE_MARK} / STALE",
        "no fresh data for twice the poll interval: figures may be behind",
    ),
    ("live / final", "AGE: fresh data / no longer polled, figures are final"),
)

_BANNERS: tuple[tuple[str, str], ...] = (
    ("401", "the API key is missing or wrong: polling pauses until k sets a new one"),
    ("429", "rate limited: polling resumes when the countdown ends"),
    ("OFFLINE", "the API is unreachable: one probe at a time, last good data dimmed"),
    ("404", "no such campaign: d removes it, r asks again"),
    ("5xx", "the server failed: retried with backoff, next retry shown"),
)


def help_groups(
    screen: Sequence[Binding],
    campaign_list: Sequence[BindingType],
    detail: Sequence[BindingType],
) -> list[tuple[str, list[Binding]]]:
    """The main screen's, the list's and the detail pane's bindings, grouped for the sheet."""
    by_id = {b.id: b for b in screen}

    def pick(*ids: str) -> list[Binding]:
        return [by_id[i] for i in ids if i in by_id]

    detail_keys = [b for b in detail if isinstance(b, Binding)] + [
        Binding("pageup,pagedown", "", "Scroll a page"),
        Binding("home,end", "", "To the top or the end"),
        Binding("escape,backspace", "", "Back to the list"),
    ]
    return [
        ("Campaign list", [b for b in campaign_list if isinstance(b, Binding)]),
        ("Detail pane", detail_keys),
        (
            "Watchlist and polling",
            pick("add", "remove", "refresh", "refresh_all", "pause")
            + pick("interval_longer", "interval_shorter"),
        ),
        ("API key", pick("api_key", "api_key_401")),
        ("View", pick("filter", "sort", "time_mode", "back", "copy", "export", "alerts")),
        (
            "App",
            [
                *pick("help", "quit"),
                Binding("ctrl+p", "command_palette", "Command palette: every action by name"),
                Binding("ctrl+c", "quit", "Quit (also Ctrl+Q); with text selected, copy it"),
            ],
        ),
    ]


class KeyGroup(Section[tuple[str, tuple[tuple[str, str], ...]]]):
    """A heading and its "key  what it does" lines, wrapped under the description column."""

    def render_props(self, props: tuple[str, tuple[tuple[str, str], ...]], width: int) -> Content:
        title, pairs = props
        lines = [Content.styled(title, "bold $text-accent")]
        indent = 13
        room = max(10, width - indent)
        for key, text in pairs:
            chunks = textwrap.wrap(text, room) or [""]
            lines.append(Content.assemble((f" {key.ljust(11)} ", "bold"), chunks[0]))
            lines += [Content(" " * indent + chunk) for chunk in chunks[1:]]
        return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """A scrollable sheet of keys and symbols. Esc, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
        Binding("down,j", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("up,k", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium")]

    def __init__(self, groups: Sequence[HelpGroup]) -> None:
        super().__init__()
        self._groups = groups

    def compose(self) -> ComposeResult:
        groups = [
            (
                title,
                [
                    (self._keys(binding), binding.tooltip or binding.description)
                    for binding in bindings
                    if binding.description
                ],
            )
            for title, bindings in self._groups
        ]
        groups += [("Symbols", list(_LEGEND)), ("Banners", list(_BANNERS))]
        half = (len(groups) + 1) // 2
        with Vertical(classes="dialog help-dialog"):
            yield Static(
                Content.assemble(("Keys", "bold"), ("   Esc closes", "$text-muted")),
                classes="dialog-title",
            )
            with VerticalScroll(id="help-body"), Horizontal(id="help-columns"):
                for column in (groups[:half], groups[half:]):
                    with Vertical(classes="help-column"):
                        for title, pairs in column:
                            group = KeyGroup(classes="help-group")
                            group.props = (title, tuple(pairs))
                            yield group

    def _keys(self, binding: Binding) -> str:
        keys = [k.strip() for k in binding.key.split(",")]
        shown = [binding.key_display or self.app.get_key_display(Binding(k, "")) for k in keys]
        return " ".join(dict.fromkeys(shown))

    def action_scroll(self, lines: int) -> None:
        """Scroll the sheet."""
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        """Back to the campaigns."""
        self.dismiss(None)
