"""What the command line tells the viewer, as one frozen value (no Textual here, so the CLI can
build it without importing the UI). `appizer_tui.viewer` builds it from the resolved `Settings`;
every field without a default must be given, so no setting's default is written twice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from appizer_tui.alerts.rules import AlertConfig


@dataclass(frozen=True, kw_only=True)
class ViewerOptions:
    """The viewer's settings that are not the engine's business."""

    base_url: str
    """The API base URL, shown in the header in demo mode (so a user can curl it)."""
    demo: bool
    """True when watching the built-in simulator: the header says DEMO."""
    polls: bool = True
    """False for a replay: nothing is fetched, so no key is asked for."""
    key_masked: str | None
    """The API key as it may be shown (`ApiKey.masked`), or None when no key is set."""
    alert_config: AlertConfig
    """The alert rules' settings (`--alert-failure-rate`, `--min-attempts`, ... and the
    config file's `[alerts]` table)."""
    export_dir: Path
    """Where `e` writes exports."""
    watchlist_path: Path | None
    """The watchlist file that adds and removes are saved to; None for --no-persist."""
    time_mode: str = "relative"
    """How timestamps start out: "relative", "local" or "utc" (`t` cycles)."""
    notify: str = "off"
    """Desktop notifications through the terminal (`--notify`): auto, osc9, osc777, bell, off."""
    on_alert: str | None = None
    """The `--on-alert` command, run once per alert with its JSON on stdin."""
    startup_warning: str | None = None
    """Something the user should read once the viewer is up (a corrupt watchlist, say)."""
