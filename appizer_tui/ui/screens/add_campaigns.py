"""`a`: a modal to add one or more campaign ids, validated as you type."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from appizer_tui.ui.controller import AddPlan, plan_add
from appizer_tui.ui.widgets.in_order_input import InOrderInput


class AddCampaignsScreen(ModalScreen[AddPlan | None]):
    """Returns the AddPlan on Enter (valid ids are added, refused ones reported), None on Esc or
    on Enter with the field empty."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="add.cancel"),
    ]

    def __init__(self, watched: Iterable[str]) -> None:
        super().__init__()
        self._watched = tuple(watched)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.styled("Add campaigns", "bold"), classes="dialog-title")
            yield Static(
                Content(
                    "Campaign ids, separated by spaces or commas"
                    " (Enter adds; Esc, or Enter when empty, cancels)."
                ),
                classes="dialog-help",
            )
            yield InOrderInput(
                placeholder="camp_123 camp_456",
                id="add-input",
                select_on_focus=False,
                on_submit=self._submit,
            )
            yield Static(Content(""), id="add-preview", classes="dialog-preview")

    @on(Input.Changed, "#add-input")
    def _preview(self, event: Input.Changed) -> None:
        plan = plan_add(event.value, self._watched)
        preview = self.query_one("#add-preview", Static)
        style = "$text-error" if plan.refused else "$text-muted"
        preview.update(Content.styled(plan.summary(), style))

    def _submit(self, value: str) -> None:
        if not self.is_active:
            return  # Enter pressed twice: this dialog is already closed
        plan = plan_add(value, self._watched)
        if not (plan.valid or plan.refused or plan.already):
            self.dismiss(None)
            return
        self.dismiss(plan)

    def action_cancel(self) -> None:
        """Close without adding anything."""
        self.dismiss(None)
