"""The key footer, without the command palette's key on narrow screens.

Textual docks the palette's "^p palette" to the right over the bindings; under 80 columns it
lands on them and leaves a stray letter in the bottom-right corner. There it is dropped (the
help sheet and Ctrl+P itself still work)."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

PALETTE_MIN_WIDTH = 80
"""Columns from which the palette's key is shown in the footer."""


class AppFooter(Footer):
    """A compact Footer that shows the palette's key only from PALETTE_MIN_WIDTH columns."""

    def on_resize(self, event: events.Resize) -> None:
        wanted = event.size.width >= PALETTE_MIN_WIDTH
        if self.show_command_palette != wanted:
            self.show_command_palette = wanted
            self.refresh(recompose=True)  # the Footer composes its keys once otherwise
