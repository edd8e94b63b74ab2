"""Helpers for the history tests: campaigns to record, a writer run to completion, the runs a
sequence of polls should come back as."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from polling_support import BASE_URL as ENGINE_BASE_URL
from polling_support import Engine, sim_client

from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats
from appizer_tui.history.recorder import Recorder
from appizer_tui.history.writer import HistoryWriter
from appizer_tui.polling.clock import FakeClock
from appizer_tui.sim.app import Simulator
from appizer_tui.sim.chaos import Chaos
from appizer_tui.sim.scenarios import generated_scenario
from appizer_tui.state.events import CampaignErrored, CampaignUpdated, StoreEvent
from appizer_tui.state.model import ErrorInfo

BASE_URL = "https://api.appizer.test/v1"
KEY = "sk_live_history_test_key_0123456789abcdef"


def campaign(
    campaign_id: str = "camp_1",
    sent: int = 0,
    *,
    total: int = 10_000,
    status: CampaignStatus = CampaignStatus.SENDING,
    rates: Rates | None = None,
) -> Campaign:
    """A campaign whose counters follow `sent`, with the documented rates by default."""
    delivered, failed = sent * 96 // 100, sent // 100
    opened, clicked = delivered * 3 // 10, delivered // 10
    if rates is None:
        rates = Rates(
            delivery_rate=round(delivered / sent, 3) if sent else 0.0,
            open_rate=round(opened / delivered, 3) if delivered else 0.0,
            click_rate=round(clicked / delivered, 3) if delivered else 0.0,
        )
    return Campaign(
        campaign_id=campaign_id,
        status=status,
        raw_status=status.value,
        stats=Stats(
            total_recipients=total,
            sent=sent,
            delivered=delivered,
            opened=opened,
            clicked=clicked,
            failed=failed,
        ),
        rates=rates,
    )


def write_all(
    path: Path, polls: Iterable[tuple[str, float, Campaign]], base_url: str = BASE_URL
) -> HistoryWriter:
    """Record (campaign id, time, campaign) polls through a real writer and close it."""
    warnings: list[str] = []
    writer = HistoryWriter(path, on_warning=warnings.append, batch_seconds=0.01).start()
    for count, (campaign_id, at, fetched) in enumerate(polls, 1):
        writer.record_sample(base_url, campaign_id, at, fetched)
        if count % 10_000 == 0:  # the queue is bounded: let the thread catch up
            assert writer.flush(60), warnings
    assert writer.flush(30), warnings
    writer.close()
    assert warnings == [] and writer.dropped == 0
    return writer


def expected_runs(polls: Sequence[tuple[float, Campaign]]) -> list[tuple[float, float, Campaign]]:
    """(first time, last time, campaign) per run of consecutive equal polls of one campaign."""
    runs: list[tuple[float, float, Campaign]] = []
    for at, fetched in polls:
        if runs and runs[-1][2] == fetched:
            runs[-1] = (runs[-1][0], at, fetched)
        else:
            runs.append((at, at, fetched))
    return runs


class Run:
    """What one recorded polling run saw: per campaign (fetched time, campaign) of each poll,
    the errors, the writer's warnings and the polls the store counted."""

    def __init__(self) -> None:
        self.polls: dict[str, list[tuple[float, Campaign]]] = {}
        self.errors: list[tuple[str, ErrorInfo]] = []
        self.warnings: list[str] = []
        self.store_polls = 0


async def record_run(path: Path, seconds: float, *, chaos: Chaos | None = None) -> Run:
    """Poll six generated campaigns for `seconds` of virtual time with a recorder attached."""
    run = Run()
    clock = FakeClock()
    simulator = Simulator(
        generated_scenario(6, seed=3), clock=clock.wall, chaos=chaos, api_keys=(KEY,)
    )
    writer = HistoryWriter(path, on_warning=run.warnings.append, batch_seconds=0.01).start()
    async with Engine(sim_client(simulator, clock, key=KEY), clock) as engine:
        store = engine.store
        Recorder(store, writer, ENGINE_BASE_URL, wall=clock.wall).attach()

        def remember(event: StoreEvent) -> None:
            view = store.get(event.campaign_id) if isinstance(event, CampaignUpdated) else None
            if view is not None and view.campaign is not None and view.last_success_at:
                polls = run.polls.setdefault(view.campaign_id, [])
                if not polls or polls[-1][0] != view.last_success_at:
                    polls.append((view.last_success_at, view.campaign))
            if isinstance(event, CampaignErrored):
                run.errors.append((event.campaign_id, event.error))

        store.subscribe(remember)
        engine.poller.add(*simulator.campaign_ids())
        await clock.advance(seconds)
        run.store_polls = sum(view.polls for view in store.views())
    writer.flush(30)
    writer.close()
    return run
