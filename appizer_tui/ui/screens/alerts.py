"""`A`: every alert since the viewer started, newest first, and which are firing now.

The list is the alert engine's own history (`Controller.alert_history`), the same transitions
the toasts, the bell, the hook and `watch` got. Texts were made inert by the rules and are shown
as `Content`, never markup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from appizer_tui.alerts.alert import Alert
from appizer_tui.safe_text import safe_text


def alert_line(alert: Alert, firing_now: bool) -> Content:
    """One transition: time, state, rule, message; a firing alarm still firing is red."""
    if alert.severity == "notice":
        state, style = "notice  ", "$text-muted"
    elif alert.firing:
        state, style = ("FIRING  ", "bold $text-error") if firing_now else ("fired   ", "")
    else:
        state, style = "resolved", "$text-success"
    return Content.assemble(
        (alert.at.replace("T", " ").removesuffix("Z") + "Z  ", "$text-muted"),
        (state, style),
        f"  {alert.rule:<13} ",
        safe_text(alert.message, max_length=300),
    )


class AlertsScreen(ModalScreen[None]):
    """A scrollable list of alert transitions. Esc, q or A closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,A", "close", "Close", id="alerts.close"),
        Binding("down,j", "scroll(1)", "Down", show=False, id="alerts.down"),
        Binding("up,k", "scroll(-1)", "Up", show=False, id="alerts.up"),
    ]

    def __init__(self, history: Sequence[Alert], firing: Sequence[Alert]) -> None:
        super().__init__()
        self._history = history
        self._firing = {id(alert) for alert in firing}
        """The transitions that started an alert still firing (the engine keeps those)."""

    def compose(self) -> ComposeResult:
        count = len(self._firing)
        summary = f"   {count} firing now" if count else "   none firing"
        with Vertical(classes="dialog help-dialog"):
            yield Static(
                Content.assemble(
                    ("Alerts since start", "bold"), (summary, ""), ("   Esc closes", "$text-muted")
                ),
                classes="dialog-title",
            )
            with VerticalScroll(id="alerts-body"):
                lines = [
                    alert_line(alert, id(alert) in self._firing)
                    for alert in reversed(self._history)
                ]
                body = Content("\n").join(lines) if lines else Content("No alert yet.")
                yield Static(body, id="alerts-list")

    def action_scroll(self, lines: int) -> None:
        """Scroll the list."""
        self.query_one("#alerts-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        """Back to the campaigns."""
        self.dismiss(None)
