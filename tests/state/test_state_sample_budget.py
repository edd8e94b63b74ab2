"""All histories together stay within the store's sample budget, however many campaigns."""

from __future__ import annotations

from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats
from appizer_tui.state.history import MIN_CAPACITY, History
from appizer_tui.state.store import CampaignStore


def sample(campaign_id: str, sent: int) -> Campaign:
    return Campaign(
        campaign_id=campaign_id,
        status=CampaignStatus.SENDING,
        raw_status="sending",
        stats=Stats(
            total_recipients=1_000_000,
            sent=sent,
            delivered=sent,
            opened=sent // 4,
            clicked=sent // 10,
            failed=0,
        ),
        rates=Rates(),
    )


def test_a_limit_lowers_the_capacity_but_never_below_the_floor() -> None:
    limit = [50]
    history = History(capacity=720, limit=lambda: limit[0])
    assert history.capacity == 50
    limit[0] = 1
    assert history.capacity == MIN_CAPACITY
    limit[0] = 10_000
    assert history.capacity == 720


def test_a_lowered_limit_thins_an_existing_history_at_the_next_sample() -> None:
    limit = [400]
    history = History(capacity=720, limit=lambda: limit[0])
    for second in range(400):
        history.append(float(second), sample("c", second))
    limit[0] = 40
    history.append(400.0, sample("c", 400))
    assert len(history) <= 40
    times = history.times()
    assert times[0] == 0.0 and times[-1] == 400.0  # oldest and newest survive
    assert list(times) == sorted(times)


def test_many_campaigns_share_the_store_budget() -> None:
    store = CampaignStore(history_seconds=3600, interval=5.0, max_samples=2_000)
    ids = [f"c{n}" for n in range(100)]
    for campaign_id in ids:
        store.add(campaign_id)
    for step in range(100):
        for campaign_id in ids:
            store.record_success(campaign_id, sample(campaign_id, step), at=1000.0 + 5 * step)
    total = sum(len(store.history(campaign_id)) for campaign_id in ids)
    assert total <= 2_000
    assert all(store.history(c).times()[-1] == 1000.0 + 5 * 99 for c in ids)


def test_few_campaigns_keep_the_whole_hour() -> None:
    store = CampaignStore(history_seconds=3600, interval=5.0, max_samples=100_000)
    store.add("c")
    assert store.history("c").capacity == 720
