"""What we know about each watched campaign: snapshots, bounded history, errors, derived
metrics, and the watchlist file. No Textual, no HTTP: the engine writes the store, everybody else
reads it.

The names below are imported on first use, so `from appizer_tui.state import format` (the plain
printers, `status`) does not pay for the store, its events and their dataclasses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from appizer_tui._lazy import lazy_exports

if TYPE_CHECKING:
    from appizer_tui.state.events import (
        CampaignAdded,
        CampaignErrored,
        CampaignFinished,
        CampaignRemoved,
        CampaignUpdated,
        GlobalChanged,
        StoreEvent,
    )
    from appizer_tui.state.history import History
    from appizer_tui.state.model import (
        BudgetStatus,
        CampaignView,
        ErrorInfo,
        GlobalState,
        Metrics,
        Phase,
    )
    from appizer_tui.state.store import CampaignStore

_WHERE = {
    "BudgetStatus": "model",
    "CampaignAdded": "events",
    "CampaignErrored": "events",
    "CampaignFinished": "events",
    "CampaignRemoved": "events",
    "CampaignStore": "store",
    "CampaignUpdated": "events",
    "CampaignView": "model",
    "ErrorInfo": "model",
    "GlobalChanged": "events",
    "GlobalState": "model",
    "History": "history",
    "Metrics": "model",
    "Phase": "model",
    "StoreEvent": "events",
}

__all__ = [
    "BudgetStatus",
    "CampaignAdded",
    "CampaignErrored",
    "CampaignFinished",
    "CampaignRemoved",
    "CampaignStore",
    "CampaignUpdated",
    "CampaignView",
    "ErrorInfo",
    "GlobalChanged",
    "GlobalState",
    "History",
    "Metrics",
    "Phase",
    "StoreEvent",
]


__getattr__ = lazy_exports(__name__, _WHERE)
