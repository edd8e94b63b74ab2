"""What the store tells its listeners. Each event is a small frozen fact; read the store for more.

Order for one successful poll: `CampaignUpdated`, then `CampaignFinished` if the status just became
terminal, then `FailureAlert` if the failure rate just crossed the threshold. A failed poll sends
`CampaignErrored`. Schedule-only changes (phase, next poll time, expected interval) send
`CampaignUpdated(changed=False)`. Nothing is sent for a campaign after its `CampaignRemoved`.
"""

from __future__ import annotations

import msgspec

from appizer_tui.api.models import CampaignStatus
from appizer_tui.state.model import ErrorInfo


class _CampaignEvent(msgspec.Struct, frozen=True):
    campaign_id: str


class CampaignAdded(_CampaignEvent, frozen=True):
    """A campaign joined the watchlist."""


class CampaignRemoved(_CampaignEvent, frozen=True):
    """A campaign left the watchlist; its view and history are gone."""


class CampaignUpdated(_CampaignEvent, frozen=True):
    """The campaign's view changed. `changed` is True when status or counters differ from the
    previous fetch (a new poll with the same numbers, or a schedule change, has False)."""

    changed: bool = False


class CampaignErrored(_CampaignEvent, frozen=True):
    """A poll of this campaign failed; `error` is now on its view."""

    error: ErrorInfo


class CampaignFinished(_CampaignEvent, frozen=True):
    """The campaign's status became terminal (completed, failed or cancelled)."""

    status: CampaignStatus


class FailureAlert(_CampaignEvent, frozen=True):
    """The failure rate (failed / total) reached the store's alert threshold; raised once."""

    failure_rate: float


class GlobalChanged(msgspec.Struct, frozen=True):
    """`store.global_state()` changed: pause, auth error, 429 pause, offline, or budget."""


StoreEvent = (
    CampaignAdded
    | CampaignRemoved
    | CampaignUpdated
    | CampaignErrored
    | CampaignFinished
    | FailureAlert
    | GlobalChanged
)
"""Everything a store listener can receive."""
