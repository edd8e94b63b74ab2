"""Test support for the alert rules: a real CampaignStore on the fake clock, fed with one campaign's
truth at each poll the way the engine feeds it, and the AlertEngine evaluated after each write."""

from __future__ import annotations

from collections.abc import Callable

from appizer_tui.alerts.alert import Alert
from appizer_tui.alerts.rules import AlertConfig, AlertEngine
from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats
from appizer_tui.polling.clock import FakeClock
from appizer_tui.state.model import ErrorInfo, GlobalState
from appizer_tui.state.store import CampaignStore

CID = "camp_launch"
INTERVAL = 5.0


def campaign(
    sent: int,
    failed: int = 0,
    *,
    status: CampaignStatus = CampaignStatus.SENDING,
    total: int | None = None,
    delivery_rate: float | None = None,
    campaign_id: str = CID,
) -> Campaign:
    """A campaign as fetched. Without `total`, total = sent + failed: the store's failure rate is
    then the same under failed / total and failed / (sent + failed), so these tests hold on either
    side of issue 13's change of formula."""
    return Campaign(
        campaign_id=campaign_id,
        status=status,
        raw_status=status.value,
        stats=Stats(
            total_recipients=sent + failed if total is None else total,
            sent=sent,
            delivered=sent,
            failed=failed,
        ),
        rates=Rates(delivery_rate=delivery_rate),
    )


class Feed:
    """One store, one engine, one clock: `poll` records a fetch and evaluates, as a presenter
    would after the engine's write."""

    def __init__(self, config: AlertConfig | None = None, *ids: str) -> None:
        self.clock = FakeClock()
        self.start = self.clock.wall()
        self.store = CampaignStore(interval=INTERVAL, wall=self.clock.wall)
        self.engine = AlertEngine(config)
        self.seen: list[tuple[float, Alert]] = []
        """(seconds since start, alert) for every transition."""
        for campaign_id in ids or (CID,):
            self.store.add(campaign_id)

    @property
    def elapsed(self) -> float:
        return self.clock.wall() - self.start

    def evaluate(self, *ids: str) -> list[Alert]:
        views = [view for cid in ids if (view := self.store.get(cid)) is not None]
        alerts = self.engine.evaluate(views, self.store.global_state(), self.clock.wall())
        self.seen.extend((self.elapsed, alert) for alert in alerts)
        return alerts

    def poll(self, fetched: Campaign) -> list[Alert]:
        self.store.record_success(fetched.campaign_id, fetched, at=self.clock.wall())
        return self.evaluate(fetched.campaign_id)

    def fail(self, campaign_id: str = CID) -> list[Alert]:
        error = ErrorInfo(kind="server", title="server error", message="503")
        self.store.record_error(campaign_id, error)
        return self.evaluate(campaign_id)

    def set_global(self, state: GlobalState) -> list[Alert]:
        self.store.set_global(state)
        return self.evaluate()

    async def run(
        self, truth: Callable[[float], Campaign | None], until: float, step: float = INTERVAL
    ) -> None:
        """Poll `truth(elapsed)` every `step` seconds from now until `until` (None: a failed
        poll)."""
        while self.elapsed <= until:
            fetched = truth(self.elapsed)
            if fetched is None:
                self.fail()
            else:
                self.poll(fetched)
            await self.clock.advance(step)

    def transitions(self, rule: str) -> list[tuple[float, str]]:
        """(seconds since start, state) of `rule`'s transitions."""
        return [(at, alert.state) for at, alert in self.seen if alert.rule == rule]
