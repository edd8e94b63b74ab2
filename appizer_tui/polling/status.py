"""The budget counters the UI shows, and the interval each campaign can expect under the budget."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from appizer_tui.polling.budget import MINUTE, RateBudget, stretched_interval
from appizer_tui.polling.lifecycle import Cadence, Track, cost_cadence
from appizer_tui.state.model import BudgetStatus, Phase

HOUR = 3600.0


def cost_counts(tracks: Iterable[Track], cadence: Cadence) -> Counter[float]:
    """How many campaigns cost a request every so many seconds (stopped ones cost nothing)."""
    cadences: Counter[float] = Counter()
    for track in tracks:
        every = cost_cadence(track, cadence)
        if every is not None:
            cadences[every] += 1
    return cadences


def budget_status(
    cadences: Counter[float], budget: RateBudget, now: float, wall: float
) -> BudgetStatus:
    """Requests last minute vs budget, what the server said, and what the watchlist would cost
    at its configured cadence (`cadences`, from `cost_counts`) against what the budget allows."""
    active = sum(cadences.values())
    rpm = budget.display_rpm(wall)
    info = budget.last_info
    return BudgetStatus(
        budget_rpm=round(rpm, 1),
        requests_last_minute=budget.requests_last_minute(now),
        server_limit=None if info is None else info.limit,
        server_window=None if info is None or info.limit is None else budget.server_window(),
        server_remaining=None if info is None else info.remaining,
        server_reset_at=None if info is None else info.reset_at,
        count_429=budget.count_429,
        projected_per_hour=round(sum(HOUR * n / every for every, n in cadences.items()), 1),
        costs=tuple(sorted((every, n) for every, n in cadences.items() if n > 0)),
        budget_per_hour=round(rpm * HOUR / MINUTE, 1),
        # Rounded so a one-campaign change does not ripple through every view.
        achieved_interval=round(stretched_interval(cadences, rpm / MINUTE), 1) if active else None,
        active=active,
    )


def expected_interval(track: Track, cadence: Cadence, achieved: float) -> float:
    """Seconds between polls this campaign should see now: its cadence, stretched."""
    own = cadence.tail_interval if track.phase is Phase.TAIL else cadence.interval
    return max(own, achieved)
