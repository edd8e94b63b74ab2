"""What an empty watchlist shows: how to add a campaign, or how to try the demo."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.content import Content
from textual.widgets import Static

_TEXT = Content.assemble(
    ("Nothing to watch yet\n\n", "bold"),
    "Press ",
    ("a", "bold reverse"),
    " and type one or more campaign ids\n(the ids Send Push returned, e.g. ",
    ("camp_123", "bold"),
    "; separate several with spaces).\n\nOr start with ids on the command line:\n  ",
    ("appizer-tui camp_123 camp_456", "bold"),
    "\n\nNo account at hand? Try a simulated launch:\n  ",
    ("appizer-tui --demo", "bold"),
    "\n\n",
    ("?", "bold reverse"),
    " lists every key \u00b7 ",
    ("K", "bold reverse"),
    " sets the API key \u00b7 ",
    ("q", "bold reverse"),
    " quits",
)


class Welcome(Middle):
    """A centred note, shown instead of the panes while the watchlist is empty."""

    DEFAULT_CSS = """
    Welcome {
        height: 1fr;
        & Static {
            width: auto;
            max-width: 64;
            padding: 1 2;
            border: round $primary;
        }
    }
    """

    def compose(self) -> ComposeResult:
        with Center():
            yield Static(_TEXT, id="welcome-text")
