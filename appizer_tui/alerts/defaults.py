"""The alert rules' default thresholds: `AlertConfig` starts from them and the settings table
shows and resolves them. Nothing imported, so `--help` stays light."""

from __future__ import annotations

from typing import Final

FAILURE_RATE: Final = 0.05
"""Failure rate (a fraction) at or above which `failure_rate` fires."""
MIN_ATTEMPTS: Final = 200
"""Sends attempted (sent + failed) before the rate rules apply."""
STALL_AFTER: Final = 120.0
"""Seconds without growth of sent + failed after which a sending campaign is `stalled`."""
