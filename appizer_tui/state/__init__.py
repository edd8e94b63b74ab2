"""What we know about each watched campaign: snapshots, bounded history, errors, derived
metrics, and the watchlist file. No Textual, no HTTP: the engine writes the store, everybody else
reads it."""

from appizer_tui.state.events import (
    CampaignAdded,
    CampaignErrored,
    CampaignFinished,
    CampaignRemoved,
    CampaignUpdated,
    FailureAlert,
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
    "FailureAlert",
    "GlobalChanged",
    "GlobalState",
    "History",
    "Metrics",
    "Phase",
    "StoreEvent",
]
