"""What the command line tells the viewer, as one frozen value (no Textual here, so the CLI can
build it without importing the UI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from appizer_tui.present.rules import DEFAULT_FAILURE_RATE_THRESHOLD


@dataclass(frozen=True, kw_only=True)
class ViewerOptions:
    """The viewer's settings that are not the engine's business."""

    base_url: str
    """The API base URL, shown in the header in demo mode (so a user can curl it)."""
    demo: bool
    """True when watching the built-in simulator: the header says DEMO."""
    key_masked: str | None
    """The API key as it may be shown (`ApiKey.masked`), or None when no key is set."""
    alert_failure_rate: float = DEFAULT_FAILURE_RATE_THRESHOLD
    """A campaign whose failure rate is at or above this is highlighted and alerted."""
    export_dir: Path
    """Where `e` writes exports."""
    watchlist_path: Path | None
    """The watchlist file that adds and removes are saved to; None for --no-persist."""
    time_mode: str = "relative"
    """How timestamps start out: "relative", "local" or "utc" (`t` cycles)."""
    startup_warning: str | None = None
    """Something the user should read once the viewer is up (a corrupt watchlist, say)."""
