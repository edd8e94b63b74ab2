"""Backoff: full jitter within exponential bounds, capped, reset on success; in the engine too."""

from __future__ import annotations

import random

import pytest
from polling_support import Engine, FakeApi

from appizer_tui.polling.backoff import Backoff, grace_delay
from appizer_tui.polling.clock import FakeClock
from appizer_tui.state.events import CampaignErrored, StoreEvent
from appizer_tui.state.model import Phase


def test_delays_stay_within_the_exponential_bounds_and_the_cap() -> None:
    backoff = Backoff(rng=random.Random(1))
    ceilings = []
    for attempt in range(1, 40):
        delay = backoff.next_delay()
        ceiling = min(60.0, 2.0 ** (attempt - 1))
        assert 0.0 <= delay <= ceiling
        ceilings.append(backoff.ceiling(attempt))
    assert ceilings[:7] == [1, 2, 4, 8, 16, 32, 60]
    assert max(ceilings) == 60.0


def test_full_jitter_spreads_over_the_whole_range() -> None:
    backoff = Backoff(rng=random.Random(2))
    for _ in range(10):
        backoff.next_delay()  # reach the cap
    delays = [backoff.next_delay() for _ in range(2000)]
    assert min(delays) < 3 and max(delays) > 57
    assert 27 < sum(delays) / len(delays) < 33


def test_reset_starts_over() -> None:
    backoff = Backoff(rng=random.Random(3))
    for _ in range(10):
        backoff.next_delay()
    backoff.reset()
    assert backoff.attempts == 0
    assert backoff.next_delay() <= 1.0


def test_same_seed_same_sequence() -> None:
    first = Backoff(rng=random.Random(9))
    second = Backoff(rng=random.Random(9))
    assert [first.next_delay() for _ in range(10)] == [second.next_delay() for _ in range(10)]


def test_huge_attempt_counts_do_not_overflow() -> None:
    assert Backoff().ceiling(100_000) == 60.0


@pytest.mark.parametrize(("base", "cap"), [(0, 60), (-1, 60), (10, 5)])
def test_invalid_settings_are_refused(base: float, cap: float) -> None:
    with pytest.raises(ValueError):
        Backoff(base=base, cap=cap)


def test_grace_delays_never_collapse_to_zero() -> None:
    rng = random.Random(4)
    for attempt in (1, 2, 3):
        for _ in range(100):
            ceiling = 2.0 * 2 ** (attempt - 1)
            assert ceiling / 2 <= grace_delay(attempt, rng) <= ceiling


def test_grace_delays_never_exceed_their_cap() -> None:
    rng = random.Random(4)
    delays = [grace_delay(attempt, rng, cap=5.0) for attempt in range(1, 40)]
    assert max(delays) == 5.0 and min(delays) >= 1.0


async def test_engine_backs_off_one_campaign_and_resets_on_success(
    clock: FakeClock, api: FakeApi
) -> None:
    api.add("bad", total=10**9)
    api.add("good", total=10**9)
    api.faults["bad"].extend([500, 503, 500, 500, 500, 500, 500, 500])
    async with Engine(api.client(), clock, interval=5.0) as engine:
        retries: list[tuple[float, int]] = []

        def on_event(event: StoreEvent) -> None:
            if isinstance(event, CampaignErrored) and event.campaign_id == "bad":
                assert event.error.next_retry_at is not None
                retries.append((event.error.next_retry_at - clock.wall(), event.error.attempts))
                assert engine.phase("bad") is Phase.ERROR_BACKOFF

        engine.store.subscribe(on_event)
        engine.poller.add("bad", "good")
        await clock.run_until(lambda: not api.faults["bad"], 600)
        assert [a for _, a in retries] == list(range(1, 9))
        for delay, attempt in retries:
            assert 0 <= delay <= min(60.0, 2.0 ** (attempt - 1))
        first_error_at = engine.view("bad").error
        assert first_error_at is not None and first_error_at.since <= clock.wall()
        await clock.run_until(lambda: engine.view("bad").error is None, 120)
        assert engine.phase("bad") is Phase.ACTIVE
        # The good campaign went on at its interval the whole time.
        good = api.requests_for("good")
        gaps = [b - a for a, b in zip(good, good[1:], strict=False)]
        assert gaps and max(gaps) <= 5.0 + 60 / 500  # at most one pacing slot late
        # After the success, the next failure starts from the base again.
        api.faults["bad"].append(500)
        await clock.run_until(lambda: engine.view("bad").error is not None, 30)
        error = engine.view("bad").error
        assert error is not None and error.attempts == 1
        assert error.next_retry_at is not None and error.next_retry_at - clock.wall() <= 1.0
