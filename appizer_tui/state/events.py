"""What the store tells its listeners. Each event is a small frozen fact; read the store for more.

Order for one successful poll: `CampaignUpdated`, then `CampaignFinished` if the status just became
terminal. A failed poll sends `CampaignErrored`. Schedule-only changes (phase, next poll time,
expected interval) send `CampaignUpdated(changed=False)`. Nothing is sent for a campaign after
its `CampaignRemoved`. Alerts are not the store's business: the presenter's rule engine decides
them (`appizer_tui.alerts.rules`, run by the presenter).
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


class GlobalChanged(msgspec.Struct, frozen=True):
    """`store.global_state()` changed: pause, auth error, 429 pause, offline, or budget."""


StoreEvent = (
    CampaignAdded
    | CampaignRemoved
    | CampaignUpdated
    | CampaignErrored
    | CampaignFinished
    | GlobalChanged
)
"""Everything a store listener can receive."""
