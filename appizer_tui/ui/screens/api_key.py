"""`k`: a masked prompt for the API key. The key goes to the engine and is never shown whole."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import constants
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from appizer_tui.api.secret import ApiKey
from appizer_tui.ui.widgets.in_order_input import InOrderInput


class ApiKeyScreen(ModalScreen[ApiKey | None]):
    """Returns the new ApiKey on Enter, None on Esc or on Enter with the field empty (a way out
    that is not Esc, which GNU screen may hold back). The input is a password field."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="key.cancel"),
    ]

    def __init__(self, current_masked: str | None, reason: str | None = None) -> None:
        super().__init__()
        self._current = current_masked
        self._reason = reason
        self._paused_logs: tuple[str | None, Any] | None = None

    def on_mount(self) -> None:
        # Textual's developer log (TEXTUAL_LOG, or the devtools console) records every event,
        # and each keystroke here, and the field's Changed messages, spell the key out. Both
        # are paused while this prompt is open and restored when it closes.
        self._paused_logs = (constants.LOG_FILE, self.app.devtools)
        vars(constants)["LOG_FILE"] = None
        self.app.devtools = None

    def on_unmount(self) -> None:
        if self._paused_logs is not None:
            vars(constants)["LOG_FILE"], self.app.devtools = self._paused_logs
            self._paused_logs = None

    def compose(self) -> ComposeResult:
        current = f"Current key: {self._current}." if self._current else "No key is set."
        with Vertical(classes="dialog"):
            yield Static(Content.styled("API key", "bold"), classes="dialog-title")
            if self._reason:
                yield Static(Content.styled(self._reason, "$text-error"), classes="dialog-help")
            yield Static(
                Content(f"{current}\nThe new key is used from the next request; it is not saved."),
                classes="dialog-help",
            )
            yield InOrderInput(
                placeholder="sk_live_...", password=True, id="key-input", on_submit=self._submit
            )
            yield Static(Content(""), id="key-error", classes="dialog-preview")

    def _submit(self, value: str) -> None:
        if not self.is_active:
            return  # Enter pressed twice: this dialog is already closed
        if not value:
            self.dismiss(None)  # Enter on an empty field closes, as Esc does
            return
        try:
            key = ApiKey(value)
        except ValueError as exc:
            self.query_one("#key-error", Static).update(Content.styled(str(exc), "$text-error"))
            return
        # Clear the field so the key does not linger in a widget's state.
        self.query_one("#key-input", Input).value = ""
        self.dismiss(key)

    def action_cancel(self) -> None:
        """Close without changing the key."""
        self.dismiss(None)
