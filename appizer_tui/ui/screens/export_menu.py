"""`e`: choose what to export (every campaign, or the selected one's history; CSV or JSON)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from appizer_tui.safe_text import safe_text

ExportChoice = tuple[str, str]
"""(what, format): what is "campaigns" or "history", format "csv" or "json"."""


class ExportScreen(ModalScreen[ExportChoice | None]):
    """A short menu; returns the choice, or None on Esc or `q`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # `q` too: under GNU screen a lone Esc is held back while the mouse is on.
        Binding("escape,q", "cancel", "Cancel", id="export.cancel"),
    ]

    def __init__(self, selected: str | None, directory: str) -> None:
        super().__init__()
        self._selected = selected
        self._directory = directory

    def compose(self) -> ComposeResult:
        options = [
            Option(Content("Every campaign, CSV"), id="campaigns:csv"),
            Option(Content("Every campaign, JSON"), id="campaigns:json"),
        ]
        if self._selected is not None:
            name = safe_text(self._selected, max_length=40)
            options += [
                Option(Content(f"History of {name}, CSV"), id="history:csv"),
                Option(Content(f"History of {name}, JSON"), id="history:json"),
            ]
        with Vertical(classes="dialog"):
            yield Static(Content.styled("Export", "bold"), classes="dialog-title")
            yield Static(
                Content(f"Into {safe_text(self._directory, max_length=200)}"),
                classes="dialog-help",
            )
            yield OptionList(*options, id="export-options")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if not self.is_active:
            return  # chosen twice (Enter, Enter): this menu is already closed
        what, _, file_format = (event.option.id or "campaigns:csv").partition(":")
        self.dismiss((what, file_format))

    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss(None)
