"""App-wide messages: the store's events, turned into Textual messages by the app's listener.

Only the ui package subclasses Message. A burst of changes to one campaign collapses into one
`CampaignChanged` (and bursts of global changes into one `GlobalChanged`) while the app's queue
is busy, so a slow frame never makes the viewer fall behind the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from appizer_tui.api.models import CampaignStatus


@dataclass
class CampaignChanged(Message):
    """A campaign's view changed in the store (data, error or schedule)."""

    campaign_id: str
    changed: bool = False
    """True when counters or status changed (not only the schedule)."""

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, CampaignChanged)
            and message.campaign_id == self.campaign_id
            and (message.changed or not self.changed)
        )


@dataclass
class WatchlistChanged(Message):
    """Campaigns were added or removed."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, WatchlistChanged)


@dataclass
class GlobalChanged(Message):
    """Pause, auth, 429, offline or budget state changed."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, GlobalChanged)


@dataclass
class CampaignFinished(Message):
    """A campaign's status became terminal."""

    campaign_id: str
    status: CampaignStatus


@dataclass
class FailureAlert(Message):
    """A campaign's failure rate crossed the threshold (raised once per campaign)."""

    campaign_id: str
    failure_rate: float
