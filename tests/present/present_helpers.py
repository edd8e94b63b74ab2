"""Helpers for the presenter tests: a campaign as the API sends it, and the rig under test."""

from __future__ import annotations

from dataclasses import dataclass, field

from appizer_tui.api.models import Campaign, CampaignStatus, Stats
from appizer_tui.polling.clock import FakeClock
from appizer_tui.present.frame import Frame
from appizer_tui.present.presenter import Presenter
from appizer_tui.state.store import CampaignStore


def campaign(
    campaign_id: str,
    status: CampaignStatus = CampaignStatus.SENDING,
    *,
    sent: int = 100,
    failed: int = 0,
    total: int = 1000,
) -> Campaign:
    """A campaign as the API would send it."""
    return Campaign(
        campaign_id=campaign_id,
        status=status,
        raw_status=status.value,
        stats=Stats(total_recipients=total, sent=sent, delivered=sent, failed=failed),
    )


@dataclass
class Rig:
    """The store the engine would write, the presenter reading it, and every frame it built."""

    clock: FakeClock
    store: CampaignStore
    presenter: Presenter
    frames: list[Frame] = field(default_factory=list)

    @property
    def frame(self) -> Frame:
        """The latest frame."""
        assert self.frames, "no frame yet"
        return self.frames[-1]

    async def settle(self) -> None:
        """Let what is due now happen (urgent frames), without moving time."""
        await self.clock.advance(0)

    def poll(self, campaign_id: str, data: Campaign) -> None:
        """What the engine does after a successful fetch."""
        self.store.record_success(campaign_id, data, at=self.clock.wall())
