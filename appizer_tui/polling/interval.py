"""The poll interval's range: the engine enforces it, and the settings table (`--interval`, the
config file) checks values against it. Nothing imported, so `--help` stays light."""

from __future__ import annotations

MIN_INTERVAL = 1.0
MAX_INTERVAL = 300.0


def check_interval(seconds: float) -> float:
    """The interval as a float, or ValueError outside 1 to 300 seconds."""
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise ValueError(f"the interval must be {MIN_INTERVAL:g} to {MAX_INTERVAL:g} seconds")
    return float(seconds)
