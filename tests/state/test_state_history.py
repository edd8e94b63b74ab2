"""The bounded, thinned sample history: memory stays bounded, recent samples keep full detail."""

from __future__ import annotations

import math
from array import array

import pytest

from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats
from appizer_tui.state.history import SERIES, History


def sample(sent: int, *, total: int = 100_000, rates: Rates | None = None) -> Campaign:
    return Campaign(
        campaign_id="c",
        status=CampaignStatus.SENDING,
        raw_status="sending",
        stats=Stats(
            total_recipients=total,
            sent=sent,
            delivered=sent * 9 // 10,
            opened=sent // 4,
            clicked=sent // 10,
            failed=sent // 100,
        ),
        rates=rates or Rates(),
    )


def test_samples_are_kept_in_array_columns() -> None:
    history = History(capacity=10)
    history.append(1.0, sample(10))
    assert isinstance(history._times, array)
    assert all(isinstance(column, array) for column in history._counters.values())


def test_history_never_grows_past_its_capacity() -> None:
    history = History(capacity=100)
    for i in range(10_000):
        history.append(float(i), sample(i))
    assert len(history) <= 100
    assert history.memory_bytes() <= 100 * 80


def test_full_history_thins_the_older_half_and_keeps_recent_samples() -> None:
    history = History(capacity=16)
    for i in range(16):
        history.append(float(i), sample(i))
    history.append(16.0, sample(16))
    times = history.times()
    # Older half 0..7 thinned to every other sample; 8..16 untouched.
    assert times == (0.0, 2.0, 4.0, 6.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0)
    assert history.series("sent") == tuple(float(t) for t in times)


def test_long_runs_keep_the_oldest_sample_and_cover_the_whole_span() -> None:
    history = History(capacity=64)
    for i in range(5_000):
        history.append(float(i), sample(i))
    times = history.times()
    assert times[0] == 0.0
    assert times[-1] == 4999.0
    assert list(times) == sorted(times)
    recent = times[-20:]
    assert all(b - a == 1.0 for a, b in zip(recent, recent[1:], strict=False))


def test_capacity_has_a_floor() -> None:
    assert History(capacity=0).capacity >= 8


def test_times_never_go_backwards() -> None:
    history = History(capacity=10)
    history.append(10.0, sample(1))
    history.append(5.0, sample(2))  # the wall clock stepped back
    assert history.times() == (10.0, 10.0)


def test_derived_series_use_the_same_formulas_as_metrics() -> None:
    history = History(capacity=10)
    history.append(0.0, sample(0, total=1000))
    history.append(30.0, sample(300, total=1000))
    history.append(60.0, sample(600, total=1000, rates=Rates(delivery_rate=0.5)))
    delivery = history.series("delivery_rate")
    assert math.isnan(delivery[0])  # 0 delivered / 0 sent: undefined
    assert delivery[1] == pytest.approx(270 / 300)
    assert delivery[2] == 0.5  # the API's own rate wins
    assert history.series("progress") == pytest.approx((0.0, 303 / 1000, 606 / 1000))
    throughput = history.series("throughput")
    assert math.isnan(throughput[0])
    assert throughput[1:] == pytest.approx((303 / 30, 606 / 60))
    assert history.latest_throughput() == pytest.approx(606 / 60)


def test_every_documented_series_is_available() -> None:
    history = History(capacity=10)
    history.append(0.0, sample(10))
    for name in SERIES:
        assert len(history.series(name)) == 1


def test_unknown_series_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        History().series("bogus")


def test_version_counts_appends() -> None:
    history = History(capacity=10)
    assert history.version == 0
    history.append(0.0, sample(1))
    history.append(1.0, sample(2))
    assert history.version == 2


def test_counters_beyond_int64_are_pinned() -> None:
    history = History(capacity=10)
    history.append(0.0, sample(10**30, total=-(10**30)))
    assert history.series("sent")[0] == float(2**63 - 1)
    assert history.series("total_recipients")[0] == float(-(2**63 - 1))
