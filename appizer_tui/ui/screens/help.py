"""`?` / F1: every key, generated from the bindings themselves so the list cannot drift, plus
what the symbols and banners mean."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

HelpGroup = tuple[str, Sequence[Binding]]
"""A heading and the bindings listed under it."""

_LEGEND: tuple[tuple[str, str], ...] = (
    ("\u25b6 sending", "being sent"),
    ("\u25cb pending", "queued, not sending yet"),
    ("\u2713 completed", "finished sending (opens and clicks still polled for a while)"),
    ("\u2717 failed", "the campaign failed to send"),
    ("\u2298 cancelled", "cancelled before completion"),
    ("? <word>", "a status this version does not know, shown as the server sent it"),
    ("!", "failure rate over the alert threshold"),
    ("\u2717 (flag)", "the last poll failed: see the banner in the detail pane"),
    ("\u29d7 / STALE", "no fresh data for twice the poll interval: figures may be behind"),
    ("live / final", "AGE: fresh data / no longer polled, figures are final"),
)

_BANNERS: tuple[tuple[str, str], ...] = (
    ("401", "the API key is missing or wrong: polling pauses until k sets a new one"),
    ("429", "rate limited: polling resumes when the countdown ends"),
    ("OFFLINE", "the API is unreachable: one probe at a time, last good data dimmed"),
    ("404", "no such campaign: d removes it, r asks again"),
    ("5xx", "the server failed: retried with backoff, next retry shown"),
)


def _rows(pairs: Sequence[tuple[str, str]], width: int, key_style: str) -> Content:
    lines = [
        Content.assemble((f"  {key.ljust(width)}", key_style), "  ", text) for key, text in pairs
    ]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """A scrollable sheet of keys and symbols. Esc, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
        Binding("down,j", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("up,k", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def __init__(self, groups: Sequence[HelpGroup]) -> None:
        super().__init__()
        self._groups = groups

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            yield Static(
                Content.assemble(("Keys", "bold"), ("   Esc closes", "$text-muted")),
                classes="dialog-title",
            )
            with VerticalScroll(id="help-body"):
                for title, bindings in self._groups:
                    yield Static(Content.styled(title, "bold $text-accent"), classes="help-heading")
                    pairs = [
                        (self._keys(binding), binding.tooltip or binding.description)
                        for binding in bindings
                        if binding.description
                    ]
                    yield Static(_rows(pairs, 14, "bold"), classes="help-rows")
                yield Static(Content.styled("Symbols", "bold $text-accent"), classes="help-heading")
                yield Static(_rows(_LEGEND, 14, "bold"), classes="help-rows")
                yield Static(Content.styled("Banners", "bold $text-accent"), classes="help-heading")
                yield Static(_rows(_BANNERS, 14, "bold"), classes="help-rows")

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
