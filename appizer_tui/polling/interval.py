"""The poll interval's default and range: the engine enforces the range, and the settings table
(`--interval`, the config file) takes the default and checks values against the range. Nothing
imported, so `--help` stays light."""

from __future__ import annotations

DEFAULT_INTERVAL = 5.0
MIN_INTERVAL = 1.0
MAX_INTERVAL = 300.0


def check_interval(seconds: float) -> float:
    """The interval as a float, or ValueError outside 1 to 300 seconds."""
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise ValueError(f"the interval must be {MIN_INTERVAL:g} to {MAX_INTERVAL:g} seconds")
    return float(seconds)
