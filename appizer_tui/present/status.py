"""What the budget line says: requests in the last minute against the budget, the server's
remaining count and reset, 429s seen, and, when the watchlist costs more than the budget, the
interval achieved."""

from __future__ import annotations

import math

import msgspec

from appizer_tui.state import format as fmt
from appizer_tui.state.model import BudgetStatus


class BudgetProps(msgspec.Struct, frozen=True):
    """The figures as texts (the countdown already computed for `now`)."""

    used: str
    server: str
    count_429: int
    overrun: str | None
    cadence: str
    problem: str | None = None
    """A failing alert channel (the `--on-alert` hook), already made safe; None when fine."""


def budget_props(
    budget: BudgetStatus, interval: float, now: float, *, paused: bool = False
) -> BudgetProps:
    """The budget line for `budget` at wall time `now`; `interval` is the configured cadence."""
    if budget.budget_rpm > 0:
        used = f"{budget.requests_last_minute:,}/{budget.budget_rpm:,.0f} req/min"
    else:
        # The engine plans nothing while a 429 pause lasts: say that, not "x/0".
        used = f"{budget.requests_last_minute:,} req in the last min (on hold)"
    server = ""
    if budget.server_remaining is not None:
        limit = f"/{budget.server_limit:,}" if budget.server_limit is not None else ""
        server = f"server {budget.server_remaining:,}{limit} left"
        if budget.server_reset_at is not None:
            server += f", resets {fmt.format_countdown(budget.server_reset_at - now)}"
    overrun = (
        None
        if budget.budget_per_hour <= 0
        else fmt.budget_overrun(
            campaigns=budget.active,
            interval=interval,
            projected_per_hour=budget.projected_per_hour,
            budget_per_hour=budget.budget_per_hour,
            achieved_interval=budget.achieved_interval,
        )
    )
    achieved = budget.achieved_interval
    if paused:
        cadence = "PAUSED \u00b7 p resumes"
    elif budget.budget_rpm <= 0 or (achieved is not None and not math.isfinite(achieved)):
        cadence = "polling on hold"
    else:
        cadence = f"polling every {fmt.format_interval(achieved or interval)}"
    return BudgetProps(used, server, budget.count_429, overrun, cadence)
