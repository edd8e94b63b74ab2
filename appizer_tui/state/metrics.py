"""The one place campaign numbers are divided: rates, progress, throughput, ETA, durations.

Every function returns None rather than dividing by zero, and None for results that are not finite
numbers (NaN, infinity, or too large for a float). Nobody else in the code base divides counters.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from datetime import datetime

from appizer_tui.api.models import Campaign, CampaignStatus
from appizer_tui.state.model import Metrics

THROUGHPUT_WINDOW = 60.0
"""Seconds of samples the send throughput is measured over."""


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the denominator is not positive or the result is
    not a finite float."""
    try:
        if denominator <= 0:
            return None
        value = numerator / denominator
    except (OverflowError, ZeroDivisionError, TypeError):
        return None
    return value if math.isfinite(value) else None


def finite(value: float | None) -> float | None:
    """`value` when it is a finite number, else None (a NaN rate from the API counts as missing)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def progress(total: int, sent: int, failed: int) -> float | None:
    """Share of recipients processed: (sent + failed) / total."""
    return ratio(sent + failed, total)


def failure_rate(failed: int, sent: int) -> float | None:
    """Share of attempted sends that failed: failed / (sent + failed).

    Over attempts, not over all recipients, so mid-send it reads what is happening now: 12 % of
    attempts failing reads 12 %, not 12 % of the share sent so far.
    """
    return ratio(failed, sent + failed)


def _reported_or_ratio(api_rate: float | None, numerator: int, denominator: int) -> float | None:
    """The API's rate, else numerator / denominator; None while the denominator is 0 whatever
    the API says (a pending campaign's "delivery_rate": 0.0 is 0/0, not 0 %)."""
    if denominator <= 0:
        return None
    reported = finite(api_rate)
    return reported if reported is not None else ratio(numerator, denominator)


def delivery_rate(api_rate: float | None, delivered: int, sent: int) -> float | None:
    """The API's delivery rate, else delivered / sent (the docs' formula); None before any send."""
    return _reported_or_ratio(api_rate, delivered, sent)


def open_rate(api_rate: float | None, opened: int, delivered: int) -> float | None:
    """The API's open rate, else opened / delivered; None before any delivery."""
    return _reported_or_ratio(api_rate, opened, delivered)


def click_rate(api_rate: float | None, clicked: int, delivered: int) -> float | None:
    """The API's click rate, else clicked / delivered (not clicked / opened, per the docs); None
    before any delivery."""
    return _reported_or_ratio(api_rate, clicked, delivered)


def window_start(times: Sequence[float], end: int, window: float = THROUGHPUT_WINDOW) -> int:
    """Index of the sample a rate ending at sample `end` is measured from.

    The earliest sample within `window` seconds of `times[end]`; when that is `end` itself (polls
    further apart than the window), the sample just before, so a slow cadence still has a rate.
    """
    start = bisect.bisect_left(times, times[end] - window, 0, end + 1)
    return end - 1 if start >= end and end > 0 else start


def throughput(
    times: Sequence[float],
    processed: Sequence[float],
    end: int | None = None,
    window: float = THROUGHPUT_WINDOW,
) -> float | None:
    """Recipients processed per second over the `window` seconds ending at sample `end` (default:
    the newest). `processed` holds sent + failed per sample. Counters that went backwards give 0."""
    if not times:
        return None
    last = len(times) - 1 if end is None else end
    first = window_start(times, last, window)
    if first >= last:
        return None
    rate = ratio(processed[last] - processed[first], times[last] - times[first])
    return None if rate is None else max(0.0, rate)


def eta_seconds(
    status: CampaignStatus, total: int, sent: int, failed: int, rate: float | None
) -> float | None:
    """Seconds until every recipient is processed at `rate`, while sending; else None."""
    if status is not CampaignStatus.SENDING:
        return None
    remaining = total - (sent + failed)
    if remaining <= 0:
        return 0.0
    if rate is None:
        return None
    return ratio(remaining, rate)


def duration(start: datetime | None, end: datetime | None) -> float | None:
    """Seconds from `start` to `end`; None when either is missing or end is before start."""
    if start is None or end is None:
        return None
    seconds = (end - start).total_seconds()
    return seconds if seconds >= 0 else None


def queue_seconds(campaign: Campaign) -> float | None:
    """Time the campaign waited before sending: sent_at - created_at."""
    return duration(campaign.created_at, campaign.sent_at)


def send_seconds(campaign: Campaign) -> float | None:
    """Time sending took: completed_at - sent_at."""
    return duration(campaign.sent_at, campaign.completed_at)


def compute_metrics(campaign: Campaign | None, speed: float | None = None) -> Metrics:
    """All derived values for the latest fetch; `speed` is the throughput from its history."""
    if campaign is None:
        return Metrics()
    stats, rates = campaign.stats, campaign.rates
    return Metrics(
        progress=progress(stats.total_recipients, stats.sent, stats.failed),
        failure_rate=failure_rate(stats.failed, stats.sent),
        delivery_rate=delivery_rate(rates.delivery_rate, stats.delivered, stats.sent),
        open_rate=open_rate(rates.open_rate, stats.opened, stats.delivered),
        click_rate=click_rate(rates.click_rate, stats.clicked, stats.delivered),
        throughput=speed,
        eta_seconds=eta_seconds(
            campaign.status, stats.total_recipients, stats.sent, stats.failed, speed
        ),
        queue_seconds=queue_seconds(campaign),
        send_seconds=send_seconds(campaign),
    )
