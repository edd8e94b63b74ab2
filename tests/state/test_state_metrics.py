"""The one place numbers are divided: hand-computed values, missing rates, zero denominators."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats
from appizer_tui.state import metrics

T0 = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)


def campaign(
    status: CampaignStatus = CampaignStatus.COMPLETED,
    *,
    stats: Stats | None = None,
    rates: Rates | None = None,
    created: datetime | None = T0,
    sent: datetime | None = T0 + timedelta(seconds=90),
    completed: datetime | None = T0 + timedelta(seconds=690),
) -> Campaign:
    return Campaign(
        campaign_id="camp_123",
        status=status,
        raw_status=status.value,
        created_at=created,
        sent_at=sent,
        completed_at=completed,
        stats=stats
        or Stats(
            total_recipients=1250, sent=1245, delivered=1200, opened=450, clicked=120, failed=5
        ),
        rates=rates or Rates(),
    )


def test_the_docs_example_without_api_rates_gives_the_docs_rates() -> None:
    result = metrics.compute_metrics(campaign())
    assert result.delivery_rate is not None and round(result.delivery_rate, 3) == 0.964
    assert result.delivery_rate == pytest.approx(1200 / 1245)
    assert result.open_rate == pytest.approx(0.375)
    assert result.click_rate == pytest.approx(0.10)  # clicked / delivered, not / opened
    assert result.progress == pytest.approx(1.0)  # (1245 + 5) / 1250
    assert result.failure_rate == pytest.approx(5 / (1245 + 5))
    assert result.queue_seconds == 90.0
    assert result.send_seconds == 600.0
    assert result.eta_seconds is None  # not sending


def test_failure_rate_is_the_share_of_attempted_sends_that_failed() -> None:
    # Mid-send: 1,000 of 10,000 recipients attempted, 120 of them failed. A person reads 12 %,
    # not the 1.2 % that failed / total gives while most recipients are still to come.
    mid_send = Stats(
        total_recipients=10_000, sent=880, delivered=850, opened=0, clicked=0, failed=120
    )
    result = metrics.compute_metrics(campaign(CampaignStatus.SENDING, stats=mid_send))
    assert result.failure_rate == pytest.approx(0.12)
    assert metrics.failure_rate(0, 0) is None  # nothing attempted yet: unknown, not 0 %


def test_the_failure_rate_series_of_the_history_uses_the_same_formula() -> None:
    from appizer_tui.state.history import History

    history = History()
    mid_send = Stats(
        total_recipients=10_000, sent=880, delivered=850, opened=0, clicked=0, failed=120
    )
    history.append(0.0, campaign(CampaignStatus.SENDING, stats=mid_send))
    assert history.series("failure_rate") == pytest.approx((0.12,))


def test_api_rates_win_over_derived_ones() -> None:
    rates = Rates(delivery_rate=0.5, open_rate=0.25, click_rate=0.125)
    result = metrics.compute_metrics(campaign(rates=rates))
    assert (result.delivery_rate, result.open_rate, result.click_rate) == (0.5, 0.25, 0.125)


def test_nan_or_infinite_api_rates_count_as_missing() -> None:
    rates = Rates(delivery_rate=math.nan, open_rate=math.inf, click_rate=None)
    result = metrics.compute_metrics(campaign(rates=rates))
    assert result.delivery_rate == pytest.approx(1200 / 1245)
    assert result.open_rate == pytest.approx(0.375)
    assert result.click_rate == pytest.approx(0.10)


def test_zero_denominators_give_none_never_an_error() -> None:
    zero = Stats(total_recipients=0, sent=0, delivered=0, opened=0, clicked=0, failed=0)
    result = metrics.compute_metrics(campaign(CampaignStatus.SENDING, stats=zero))
    assert result.progress is None
    assert result.failure_rate is None
    assert result.delivery_rate is None
    assert result.open_rate is None
    assert result.click_rate is None
    assert result.eta_seconds == 0.0  # nothing left to send


def test_a_pending_campaign_has_no_rates_even_when_the_api_says_zero() -> None:
    # The simulator and the docs' API send "delivery_rate": 0.0 before anything was sent: that
    # is 0/0, shown as a dash, not as 0.0 %.
    zero = Stats(total_recipients=5000, sent=0, delivered=0, opened=0, clicked=0, failed=0)
    rates = Rates(delivery_rate=0.0, open_rate=0.0, click_rate=0.0)
    result = metrics.compute_metrics(campaign(CampaignStatus.PENDING, stats=zero, rates=rates))
    assert (result.delivery_rate, result.open_rate, result.click_rate) == (None, None, None)
    assert result.failure_rate is None and result.progress == 0.0
    from appizer_tui.state import format as fmt

    assert fmt.format_percent(result.delivery_rate) == fmt.MISSING


def test_ratio_rejects_what_is_not_a_finite_number() -> None:
    assert metrics.ratio(1, 0) is None
    assert metrics.ratio(1, -3) is None
    assert metrics.ratio(10**400, 3) is None  # too large for a float
    assert metrics.ratio(3, 4) == 0.75


def test_huge_and_negative_counters_do_not_crash() -> None:
    odd = Stats(
        total_recipients=10**30, sent=-5, delivered=10**30, opened=-1, clicked=2**70, failed=0
    )
    result = metrics.compute_metrics(campaign(CampaignStatus.SENDING, stats=odd))
    assert result.progress is not None and result.progress < 0
    assert result.delivery_rate is None  # sent is negative


def test_durations_missing_or_backwards_are_none() -> None:
    assert metrics.compute_metrics(campaign(sent=None)).queue_seconds is None
    backwards = campaign(created=T0, sent=T0 - timedelta(seconds=5))
    assert metrics.compute_metrics(backwards).queue_seconds is None
    assert metrics.compute_metrics(campaign(completed=None)).send_seconds is None


def test_throughput_over_the_last_minute_of_samples() -> None:
    times = [0.0, 30.0, 60.0, 90.0, 120.0]
    processed = [0, 300, 600, 900, 1500]
    # From the earliest sample within 60 s of the newest (t=60) to t=120: 900 in 60 s.
    assert metrics.throughput(times, processed) == pytest.approx(15.0)
    assert metrics.throughput(times, processed, end=2) == pytest.approx(10.0)
    assert metrics.throughput([5.0], [100]) is None
    assert metrics.throughput([], []) is None


def test_throughput_with_polls_further_apart_than_the_window_uses_the_previous_sample() -> None:
    assert metrics.throughput([0.0, 120.0], [0, 240]) == pytest.approx(2.0)


def test_throughput_of_counters_going_backwards_is_zero() -> None:
    assert metrics.throughput([0.0, 10.0], [500, 100]) == 0.0


def test_throughput_of_samples_at_the_same_instant_is_none() -> None:
    assert metrics.throughput([5.0, 5.0], [0, 100]) is None


def test_eta_while_sending_from_throughput() -> None:
    assert metrics.eta_seconds(CampaignStatus.SENDING, 1000, 400, 100, 10.0) == 50.0
    assert metrics.eta_seconds(CampaignStatus.SENDING, 1000, 400, 100, 0.0) is None
    assert metrics.eta_seconds(CampaignStatus.SENDING, 1000, 400, 100, None) is None
    assert metrics.eta_seconds(CampaignStatus.PENDING, 1000, 0, 0, 10.0) is None


def test_no_campaign_gives_empty_metrics() -> None:
    assert metrics.compute_metrics(None) == metrics.Metrics()
