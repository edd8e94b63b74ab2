"""What the budget line says: requests in the last minute against the budget, the server's
remaining count and reset, 429s seen, and, when the watchlist costs more than the budget, the
interval achieved."""

from __future__ import annotations

import msgspec

from appizer_tui.state import format as fmt
from appizer_tui.state.model import BudgetStatus


class BudgetProps(msgspec.Struct, frozen=True):
    """The figures as texts (the countdown already computed for `now`)."""

    used: str
    server: str
    count_429: int
    overrun: str | None
    """The long budget sentence, when the watchlist costs more than the budget."""
    cadence: str
    """The interval really got ("polling every 36 s"), or why nothing is polled."""
    overrun_short: str | None = None
    """The same sentence led by the interval, for lines too narrow for the long one."""
    team: str = ""
    """Team mode (`--redis`): "team: 3 members, leader: host:pid", "solo: Redis unreachable
    (...)"; empty without a Redis URL."""
    problem: str | None = None
    """A failing alert channel (the `--on-alert` hook), already made safe; None when fine."""


def budget_props(
    budget: BudgetStatus,
    interval: float,
    now: float,
    *,
    paused: bool = False,
    auth_paused: bool = False,
) -> BudgetProps:
    """The budget line for `budget` at wall time `now`; `interval` is the configured cadence.
    `paused` is the user's pause (`p`), `auth_paused` a refused key (the 401 banner's pause)."""
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
    if paused or auth_paused:
        # Nothing is polled: the interval and the budget sentence would contradict the banner.
        cadence = "PAUSED \u00b7 p resumes" if paused else "polling paused \u00b7 k enter a key"
        return BudgetProps(used, server, budget.count_429, None, cadence)
    return BudgetProps(
        used,
        server,
        budget.count_429,
        fmt.budget_sentence(budget),
        fmt.polling_interval(budget, interval),
        fmt.budget_sentence(budget, short=True),
    )


def shows_at_once(old: BudgetProps | None, new: BudgetProps) -> bool:
    """True when the line changed in a way that matters now (429s, an overrun, the cadence, the
    server's figures appearing or going, the team state, a channel problem); the counts alone
    are redrawn every `cadence.STATUS_SECONDS`."""
    return old is None or _what_matters(old) != _what_matters(new)


def _what_matters(props: BudgetProps) -> tuple[object, ...]:
    return (
        props.count_429,
        props.overrun,
        props.cadence,
        bool(props.server),
        props.team,
        props.problem,
    )
