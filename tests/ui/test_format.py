"""The shared display formatting: exact texts, and never an exception on hostile values."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appizer_tui.api.models import CampaignStatus
from appizer_tui.state import format as fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "\u2014"), (0, "0"), (7200, "7,200"), (-3, "-3"), (10**16, "1.0e+16")],
)
def test_format_count(value: int | None, text: str) -> None:
    assert fmt.format_count(value) == text


def test_format_delta() -> None:
    assert fmt.format_delta(0) == ""
    assert fmt.format_delta(None) == ""
    assert fmt.format_delta(120) == "+120"
    assert fmt.format_delta(-1500) == "-1,500"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "\u2014"),
        (math.nan, "\u2014"),
        (math.inf, "\u2014"),
        (0.964, "96.4%"),
        (0.0, "0.0%"),
        (1.5, "150.0%"),
        (1e9, ">9999%"),
    ],
)
def test_format_percent(value: float | None, text: str) -> None:
    assert fmt.format_percent(value) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (45.4, "45 s"),
        (192, "3 min 12 s"),
        (720, "12 min"),
        (7500, "2 h 05 min"),
        (3 * 86400 + 4 * 3600, "3 d 4 h"),
        (None, "\u2014"),
        (math.nan, "\u2014"),
    ],
)
def test_format_duration(seconds: float | None, text: str) -> None:
    assert fmt.format_duration(seconds) == text


def test_ages_and_countdowns() -> None:
    assert fmt.format_age(0.2) == "just now"
    assert fmt.format_age(12) == "12 s ago"
    assert fmt.format_age(180) == "3 min ago"
    assert fmt.format_age(192) == "3 min ago"  # no ticking seconds once past a minute
    assert fmt.format_age(7500) == "2 h 05 min ago"
    assert fmt.format_age(-30) == "in 30 s"
    assert fmt.format_countdown(22.1) == "in 23 s"
    assert fmt.format_countdown(0.1) == "now"
    assert fmt.format_duration_short(4.9) == "4s"
    assert fmt.format_duration_short(3700) == "1h"


def test_throughput_and_rates() -> None:
    assert fmt.format_throughput(1230.4) == "1,230/s"
    assert fmt.format_throughput(0.2) == "12/min"
    assert fmt.format_throughput(None) == "\u2014"
    assert fmt.format_per_hour(7200) == "7,200/h"
    assert fmt.format_interval(5) == "5 s"
    assert fmt.format_interval(2.5) == "2.5 s"


def test_timestamps_in_each_mode() -> None:
    when = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
    now = when.timestamp() + 180
    assert fmt.format_timestamp(when, "relative", now) == "3 min ago"
    assert fmt.format_timestamp(when, "utc", now) == "2024-01-15 10:30:00 UTC"
    assert fmt.format_timestamp(None, "utc", now) == "\u2014"
    assert fmt.next_time_mode("relative") == "local"
    assert fmt.next_time_mode("utc") == "relative"
    assert fmt.next_time_mode("bogus") == "relative"


def test_status_badges_read_without_colour() -> None:
    assert fmt.status_badge(CampaignStatus.SENDING) == "\u25b6 sending"
    assert fmt.status_badge(CampaignStatus.COMPLETED) == "\u2713 completed"
    assert fmt.status_badge(CampaignStatus.UNKNOWN, "paused") == "? paused"
    symbols = {fmt.status_symbol(s) for s in CampaignStatus}
    assert len(symbols) == len(CampaignStatus)


def test_bar_and_sparkline() -> None:
    assert fmt.bar(0.5, 4) == "\u2588\u2588  "
    assert fmt.bar(1.0, 3) == "\u2588\u2588\u2588"
    assert fmt.bar(None, 3) == "   "
    assert len(fmt.bar(0.33, 10)) == 10
    line = fmt.sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)
    assert line == "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"
    assert fmt.sparkline([0.5] * 20, 10) == "\u2584" * 10
    assert len(fmt.sparkline(list(range(1000)), 12)) == 12
    assert fmt.sparkline([], 5) == ""
    assert fmt.sparkline([math.nan, 1.0], 5) == "\u2584"


_hostile_floats = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))


@given(value=_hostile_floats)
def test_float_formatters_never_raise(value: float | None) -> None:
    for function in (
        fmt.format_percent,
        fmt.format_duration,
        fmt.format_duration_short,
        fmt.format_age,
        fmt.format_countdown,
        fmt.format_throughput,
        fmt.format_per_hour,
        fmt.format_interval,
        fmt.format_clock_time,
    ):
        text = function(value)
        assert isinstance(text, str)
        assert len(text) < 40
    assert len(fmt.bar(value, 7)) == 7


@given(values=st.lists(_hostile_floats.filter(lambda v: v is not None), max_size=300))
def test_sparkline_never_raises(values: list[float]) -> None:
    assert len(fmt.sparkline(values, 16)) <= 16


@given(value=st.one_of(st.none(), st.integers()))
def test_count_formatters_never_raise(value: int | None) -> None:
    assert len(fmt.format_count(value)) < 30
    assert len(fmt.format_delta(value)) < 30


def test_sparkline_of_huge_values_does_not_overflow() -> None:
    # The span and a bucket's mean of values near the float limit once overflowed to inf/NaN.
    assert fmt.sparkline([1.7e308, -1.7e308, 1.7e308, 1.7e308], 2) == "\u2581\u2588"
    assert fmt.sparkline([1.7e308] * 10, 3) == "\u2584" * 3
