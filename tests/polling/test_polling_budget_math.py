"""RateBudget arithmetic: limits from headers, pacing, the sliding minute, spent windows."""

from __future__ import annotations

import pytest

from appizer_tui.api.ratelimit import RateLimitInfo
from appizer_tui.polling.budget import (
    DEFAULT_MAX_RPM,
    RESET_GRACE,
    RateBudget,
    stretched_interval,
    window_from_reset,
)

WALL = 1_700_000_000.0


def info(limit: int | None, remaining: int | None, reset_in: float | None, at: float = WALL):
    reset = None if reset_in is None else at + reset_in
    return RateLimitInfo(limit=limit, remaining=remaining, reset_at=reset, observed_at=at)


def test_before_any_header_the_documented_500_a_minute() -> None:
    budget = RateBudget()
    assert budget.ceiling_rpm() == DEFAULT_MAX_RPM == 500.0
    assert budget.rate_rpm(WALL) == 500.0


def test_max_rpm_follows_the_server_limit_converted_from_its_window() -> None:
    minute = RateBudget()
    minute.observe(info(600, 599, 59))
    assert minute.ceiling_rpm() == 600.0
    hour = RateBudget()
    hour.observe(info(1000, 990, 3000))  # Free plan: 1,000 an hour
    assert hour.ceiling_rpm() == pytest.approx(1000 / 60)


def test_share_and_user_cap_apply() -> None:
    budget = RateBudget(max_rpm=300, share=0.5)
    assert budget.ceiling_rpm() == 150.0
    budget.observe(info(200, 200, 60))
    assert budget.ceiling_rpm() == 100.0  # the server's limit is lower than ours


def test_remaining_limits_the_pace_until_the_reset() -> None:
    budget = RateBudget()
    budget.observe(info(500, 10, 30))  # someone else spent most of this window
    assert budget.allowance_rpm(WALL) == pytest.approx(20.0)
    assert budget.rate_rpm(WALL) == pytest.approx(20.0)
    assert budget.display_rpm(WALL) == pytest.approx(20.0)
    # At our own pace the small wobble is not shown.
    steady = RateBudget()
    steady.observe(info(500, 240, 30))
    assert steady.display_rpm(WALL) == 500.0


def test_requests_in_flight_count_against_what_remains() -> None:
    budget = RateBudget()
    budget.observe(info(500, 10, 30), in_flight_others=4)
    assert budget.allowance_rpm(WALL) == pytest.approx(12.0)


def test_pacing_spaces_grants_evenly() -> None:
    budget = RateBudget(max_rpm=120)
    budget.record_grant(100.0)
    assert budget.next_grant_at(100.0, WALL) == pytest.approx(100.5)


def test_never_more_than_the_ceiling_in_any_sliding_minute() -> None:
    budget = RateBudget(max_rpm=10)
    for i in range(10):
        budget.record_grant(100.0 + i * 0.01)
    assert budget.requests_last_minute(100.1) == 10
    assert budget.next_grant_at(100.1, WALL) == pytest.approx(160.0)
    assert budget.requests_last_minute(160.045) == 5  # those of 100.00 to 100.04 left


def test_a_spent_window_waits_for_the_reset_plus_grace() -> None:
    budget = RateBudget()
    budget.observe(info(500, 0, 20))
    assert budget.next_grant_at(100.0, WALL) == pytest.approx(100.0 + 20 + RESET_GRACE)
    # Once the window has surely reset, the estimate is forgotten and requests flow again.
    later = WALL + 20 + RESET_GRACE + 0.5
    assert budget.next_grant_at(121.5, later) == pytest.approx(121.5)


def test_a_429_spends_the_window() -> None:
    budget = RateBudget()
    budget.observe(info(500, 100, 10))
    budget.exhaust()
    assert budget.count_429 == 1
    assert budget.next_grant_at(0.0, WALL) == pytest.approx(10 + RESET_GRACE)


def test_older_headers_do_not_replace_newer_ones() -> None:
    budget = RateBudget()
    newer = info(500, 100, 30, at=WALL + 5)
    budget.observe(newer)
    budget.observe(info(500, 400, 35, at=WALL))
    assert budget.last_info is newer


def test_windows_implied_by_reset() -> None:
    assert window_from_reset(0.3) == 60.0
    assert window_from_reset(60.0) == 60.0
    assert window_from_reset(61.0) == 60.0
    assert window_from_reset(1800) == 3600.0
    assert window_from_reset(50_000) == 86400.0


@pytest.mark.parametrize(("rpm", "share"), [(0, 1.0), (-5, 1.0), (100, 0.0), (100, 1.5)])
def test_invalid_settings(rpm: float, share: float) -> None:
    with pytest.raises(ValueError):
        RateBudget(max_rpm=rpm, share=share)


def test_stretched_interval_fits_the_watchlist_into_the_budget() -> None:
    per_second = 500 / 60
    assert stretched_interval({5.0: 10}, per_second) == 5.0  # fits: no stretch
    assert stretched_interval({5.0: 200}, per_second) == pytest.approx(24.0)
    # Ten campaigns at 5 s on a Free plan (1,000 an hour): 36 s each.
    assert stretched_interval({5.0: 10}, 1000 / 3600) == pytest.approx(36.0)
    # Tail campaigns at 60 s keep their cadence while the fast ones stretch.
    x = stretched_interval({5.0: 100, 60.0: 60}, 10.0)
    assert 100 / x + 60 / max(60.0, x) == pytest.approx(10.0)
    assert stretched_interval({}, 1.0) == 0.0
    assert stretched_interval({5.0: 1}, 0.0) == float("inf")
