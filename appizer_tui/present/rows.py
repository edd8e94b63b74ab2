"""What each row of the campaign list says, and how rows filter and sort.

The presenter builds one `RowProps` per campaign (texts already made safe, colours decided, the
alert read from the rule engine); the list widget only picks the columns that fit and paints.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import Enum
from typing import Final

import msgspec

from appizer_tui.api.models import CampaignStatus
from appizer_tui.safe_text import safe_text
from appizer_tui.state import format as fmt
from appizer_tui.state.model import CampaignView, Phase

CELL_KEYS: Final = (
    "flag",
    "id",
    "status",
    "progress",
    "bar",
    "delivery",
    "open",
    "click",
    "failed",
    "age",
)
"""The order of `RowProps.cells`; the list's columns name these keys."""

SORT_KEYS: Final = ("added", "id", "status", "progress", "failure rate")
"""The sort orders `s` cycles through."""

SORT_ARROWS: Final = {
    "added": "",
    "id": "\u2191",
    "status": "\u2191",
    "progress": "\u2191",
    "failure rate": "\u2193",
}
"""How each order reads in the pane title (worst failure rate first, least progress first)."""

# Active work first: what a user watching a launch looks at.
_STATUS_ORDER: Final = {
    CampaignStatus.SENDING: 0,
    CampaignStatus.PENDING: 1,
    CampaignStatus.FAILED: 2,
    CampaignStatus.UNKNOWN: 3,
    CampaignStatus.CANCELLED: 4,
    CampaignStatus.COMPLETED: 5,
}


class RowState(Enum):
    """What colours a row, besides its status."""

    NORMAL = "normal"
    WAITING = "waiting"
    ERROR = "error"
    STALE = "stale"


class RowProps(msgspec.Struct, frozen=True):
    """One campaign's row: the texts of its cells (in CELL_KEYS order, not fitted yet), what
    colours it, and the values it sorts and filters by."""

    campaign_id: str
    cells: tuple[str, ...]
    status: CampaignStatus | None
    state: RowState
    alert: bool
    """A rule fires for this campaign (the rule engine's result)."""
    stale: bool
    """The view was stale when the row was built (its age cell then ticks)."""
    status_word: str
    """The lower-cased status the filter matches ("not found" for a 404)."""
    status_rank: int
    progress: float | None
    failure_rate: float | None
    counts: tuple[int, int, int, int, int, int] | None = None
    """Recipients, sent, delivered, opened, clicked, failed (None before data): the totals
    line sums these."""

    def cell(self, key: str) -> str:
        """The text of the cell `key` (one of CELL_KEYS)."""
        return self.cells[CELL_KEYS.index(key)]


def row_state(view: CampaignView, now: float) -> RowState:
    """Error beats stale beats waiting: the most urgent thing about the row."""
    if view.error is not None and view.error.kind not in ("rate_limited", "auth"):
        return RowState.ERROR
    if view.campaign is None:
        return RowState.WAITING
    if view.is_stale(now):
        return RowState.STALE
    return RowState.NORMAL


def is_final(view: CampaignView) -> bool:
    """The figures will not change: the campaign is done, or its status is terminal (failed
    and cancelled are final at once, like a completed one past its tail)."""
    campaign = view.campaign
    return view.phase is Phase.DONE or (campaign is not None and campaign.status.is_terminal)


def age_text(view: CampaignView, now: float) -> str:
    """The AGE cell: "live" while the data is fresh, the age once it is stale, "final" when the
    campaign is no longer polled. Fresh ages are not shown ticking: the detail pane has the
    exact figure, and a column of counters changing every second is noise (and bandwidth)."""
    if view.last_success_at is None:
        return fmt.MISSING
    if view.recorded:  # from the history file, until the first poll answers
        return "rec" + fmt.format_duration_short(now - view.last_success_at)  # fits AGE: "rec11s"
    if is_final(view):
        return "final"
    if view.is_stale(now):
        return fmt.STALE_MARK + fmt.format_duration_short(now - view.last_success_at)
    return "live"


def status_badge(view: CampaignView, *, upper: bool = False) -> str:
    """The status as symbol and word, or what stands in for it before data: the list's status
    cell and the detail header's badge. `upper` writes known statuses in capitals (a server's
    unknown word stays exactly as it was sent, made safe)."""
    if view.phase is Phase.NOT_FOUND:
        return "\u2717 not found"
    campaign = view.campaign
    if campaign is None:
        if view.not_visible_yet:
            return "\u2026 retry 404"
        if view.error is not None and view.error.kind not in ("auth", "rate_limited"):
            return "\u2717 " + view.error.kind.replace("_", " ")
        return "\u2026 waiting"
    badge = safe_text(fmt.status_badge(campaign.status, campaign.raw_status), max_length=42)
    if upper and campaign.status is not CampaignStatus.UNKNOWN:
        badge = badge.upper()
    return badge


def _flag(state: RowState, alert: bool) -> str:
    if alert:
        return "!"
    if state is RowState.ERROR:
        return "\u2717"
    if state is RowState.STALE:
        return fmt.STALE_MARK
    return " "


def changes_with_time(view: CampaignView, row: RowProps, now: float) -> bool:
    """True when `row` (built from `view` earlier) may read differently at `now`: only
    staleness, and a stale row's age, depend on the clock (see row_state and age_text)."""
    return row.stale or view.is_stale(now)


def _status_rank(view: CampaignView) -> int:
    if view.error is not None:
        return -1
    if view.campaign is None:
        return 9
    return _STATUS_ORDER.get(view.campaign.status, 3)


def row_props(view: CampaignView, now: float, alert: bool) -> RowProps:
    """The row for `view` at wall time `now`; `alert` is the rule engine's verdict."""
    state = row_state(view, now)
    metrics = view.metrics
    campaign = view.campaign
    stats = campaign.stats if campaign is not None else None
    word = ""
    if campaign is not None:
        word = fmt.status_word(campaign.status, campaign.raw_status).lower()
    elif view.phase is Phase.NOT_FOUND:
        word = "not found"
    cells = (
        _flag(state, alert),
        safe_text(view.campaign_id, max_length=200),
        status_badge(view),
        fmt.format_percent(metrics.progress),
        fmt.bar(metrics.progress, 10) if metrics.progress is not None else "",
        fmt.format_percent(metrics.delivery_rate),
        fmt.format_percent(metrics.open_rate),
        fmt.format_percent(metrics.click_rate),
        fmt.format_count(stats.failed) if stats is not None else fmt.MISSING,
        age_text(view, now),
    )
    return RowProps(
        campaign_id=view.campaign_id,
        cells=cells,
        status=campaign.status if campaign is not None else None,
        state=state,
        alert=alert,
        stale=view.is_stale(now),
        status_word=word,
        status_rank=_status_rank(view),
        progress=metrics.progress,
        failure_rate=metrics.failure_rate,
        counts=(
            (
                stats.total_recipients,
                stats.sent,
                stats.delivered,
                stats.opened,
                stats.clicked,
                stats.failed,
            )
            if stats is not None
            else None
        ),
    )


# Words a filter token can name besides a status: they select rows by condition.
_CONDITION_WORDS: Final = ("error", "stale", "alert", "waiting")


def parse_filter(text: str) -> tuple[str, ...]:
    """The filter's tokens, lower-cased; spaces and commas separate them."""
    return tuple(t for t in text.replace(",", " ").lower().split() if t)


def matches(row: RowProps, tokens: Sequence[str]) -> bool:
    """True when every token is in the id, or starts the status word, or names a condition the
    row is in ("error", "stale", "alert", "waiting")."""
    if not tokens:
        return True
    campaign_id = row.campaign_id.lower()
    status = row.status_word
    for token in tokens:
        if token in campaign_id or (status and status.startswith(token)):
            continue
        if any(word.startswith(token) for word in _CONDITION_WORDS) and _in_condition(row, token):
            continue
        return False
    return True


def _in_condition(row: RowProps, token: str) -> bool:
    return (
        ("error".startswith(token) and row.state is RowState.ERROR)
        or ("stale".startswith(token) and row.state is RowState.STALE)
        or ("alert".startswith(token) and row.alert)
        or ("waiting".startswith(token) and row.state is RowState.WAITING)
    )


def sort_key(row: RowProps, order: str, added_index: int) -> tuple[object, ...]:
    """A key for `sorted`; ties keep the order the campaigns were added in."""
    if order == "id":
        return (row.campaign_id.casefold(), added_index)
    if order == "status":
        return (row.status_rank, added_index)
    if order == "progress":
        progress = row.progress
        value = progress if progress is not None and math.isfinite(progress) else 2.0
        return (value, added_index)
    if order == "failure rate":
        rate = row.failure_rate
        value = -rate if rate is not None and math.isfinite(rate) else 1.0
        return (value, added_index)
    return (added_index,)


def next_sort(order: str) -> str:
    """The order after `order` in SORT_KEYS."""
    try:
        return SORT_KEYS[(SORT_KEYS.index(order) + 1) % len(SORT_KEYS)]
    except ValueError:
        return SORT_KEYS[0]
