"""What each row of the campaign list says, which columns fit, and how rows filter and sort.

No Textual here: the list widget asks this module for cell texts and draws them, so the
decisions (which words, which order) are testable as plain functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Final

import msgspec

from appizer_tui.api.models import CampaignStatus
from appizer_tui.safe_text import safe_text
from appizer_tui.state import format as fmt
from appizer_tui.state.store import CampaignView, Phase

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


class Column(msgspec.Struct, frozen=True):
    """One list column: key, header, width in cells, right-aligned or not, and how early it is
    dropped when the pane is narrow (higher drops first; 0 never drops)."""

    key: str
    header: str
    width: int
    right: bool = False
    drop: int = 0


_ID_MIN: Final = 18
_ID_MAX: Final = 40
_COLUMNS: Final = (
    Column("flag", " ", 1),
    Column("id", "CAMPAIGN", _ID_MIN),
    Column("status", "STATUS", 11),
    Column("progress", "PROG", 6, right=True),
    Column("bar", "", 10, drop=6),
    Column("delivery", "DELIV", 6, right=True, drop=3),
    Column("open", "OPEN", 6, right=True, drop=4),
    Column("click", "CLICK", 6, right=True, drop=5),
    Column("failed", "FAILED", 7, right=True, drop=2),
    Column("age", "AGE", 6, right=True, drop=1),
)


class Layout(msgspec.Struct, frozen=True):
    """The columns that fit a width, with their x offsets (one space between columns)."""

    columns: tuple[Column, ...]
    offsets: tuple[int, ...]
    width: int

    def index(self, key: str) -> int | None:
        """The position of the column `key`, or None when it was dropped."""
        for position, column in enumerate(self.columns):
            if column.key == key:
                return position
        return None


def layout_for(width: int) -> Layout:
    """Drop low-priority columns until the id gets at least its minimum, then give the id
    the room that is left (up to a cap, beyond which the bar and spacing absorb it)."""
    columns = list(_COLUMNS)

    def fixed(cols: Iterable[Column]) -> int:
        cols = list(cols)
        return sum(c.width for c in cols if c.key != "id") + len(cols) - 1

    while fixed(columns) + _ID_MIN > width:
        droppable = [c for c in columns if c.drop]
        if not droppable:
            break
        columns.remove(max(droppable, key=lambda c: c.drop))
    id_width = min(_ID_MAX, max(_ID_MIN, width - fixed(columns)))
    sized = tuple(Column(c.key, c.header, id_width) if c.key == "id" else c for c in columns)
    offsets = []
    x = 0
    for column in sized:
        offsets.append(x)
        x += column.width + 1
    return Layout(sized, tuple(offsets), max(0, x - 1))


class Row(msgspec.Struct, frozen=True):
    """One row's texts, one per layout column, plus what colours it."""

    cells: tuple[str, ...]
    status: CampaignStatus | None
    state: RowState
    alert: bool
    stale: bool = False
    """The view was stale when the row was built (its age cell then ticks)."""


def _fit(text: str, width: int, right: bool) -> str:
    if len(text) > width:
        text = text[: max(0, width - 1)] + "\u2026" if width > 1 else text[:width]
    return text.rjust(width) if right else text.ljust(width)


def is_alert(view: CampaignView, threshold: float) -> bool:
    """The campaign's failure rate is over the alert threshold."""
    rate = view.metrics.failure_rate
    return rate is not None and math.isfinite(rate) and rate > threshold


def row_state(view: CampaignView, now: float) -> RowState:
    """Error beats stale beats waiting: the most urgent thing about the row."""
    if view.error is not None and view.error.kind not in ("rate_limited", "auth"):
        return RowState.ERROR
    if view.campaign is None:
        return RowState.WAITING
    if view.is_stale(now):
        return RowState.STALE
    return RowState.NORMAL


def age_text(view: CampaignView, now: float) -> str:
    """The AGE cell: "live" while the data is fresh, the age once it is stale, "final" when the
    campaign is no longer polled. Fresh ages are not shown ticking: the detail pane has the
    exact figure, and a column of counters changing every second is noise (and bandwidth)."""
    if view.last_success_at is None:
        return fmt.MISSING
    if view.phase is Phase.DONE:
        return "final"
    if view.is_stale(now):
        return fmt.STALE_MARK + fmt.format_duration_short(now - view.last_success_at)
    return "live"


def _status_cell(view: CampaignView) -> tuple[str, CampaignStatus | None]:
    if view.phase is Phase.NOT_FOUND:
        return "\u2717 not found", None
    if view.campaign is None and view.not_visible_yet:
        return "\u2026 retry 404", None
    if view.campaign is None:
        if view.error is not None:
            return "\u2717 " + view.error.kind.replace("_", " "), None
        return "\u2026 waiting", None
    campaign = view.campaign
    word = safe_text(fmt.status_word(campaign.status, campaign.raw_status), max_length=40)
    return f"{fmt.status_symbol(campaign.status)} {word}", campaign.status


def _flag(view: CampaignView, state: RowState, alert: bool) -> str:
    if alert:
        return "!"
    if state is RowState.ERROR:
        return "\u2717"
    if state is RowState.STALE:
        return fmt.STALE_MARK
    return " "


def changes_with_time(view: CampaignView, row: Row, now: float) -> bool:
    """True when `row` (built from `view` earlier) may read differently at `now`: only
    staleness, and a stale row's age, depend on the clock (see row_state and age_text)."""
    return row.stale or view.is_stale(now)


def build_row(view: CampaignView, layout: Layout, now: float, threshold: float) -> Row:
    """The row for `view` under `layout`, every text already made safe and fitted."""
    stale = view.is_stale(now)
    state = row_state(view, now)
    alert = is_alert(view, threshold)
    status_text, status = _status_cell(view)
    metrics = view.metrics
    stats = view.campaign.stats if view.campaign is not None else None
    values = {
        "flag": _flag(view, state, alert),
        "id": safe_text(view.campaign_id, max_length=200),
        "status": status_text,
        "progress": fmt.format_percent(metrics.progress),
        "bar": fmt.bar(metrics.progress, 10) if metrics.progress is not None else "",
        "delivery": fmt.format_percent(metrics.delivery_rate),
        "open": fmt.format_percent(metrics.open_rate),
        "click": fmt.format_percent(metrics.click_rate),
        "failed": fmt.format_count(stats.failed) if stats is not None else fmt.MISSING,
        "age": age_text(view, now),
    }
    cells = tuple(_fit(values[c.key], c.width, c.right) for c in layout.columns)
    return Row(cells, status, state, alert, stale)


def header_cells(layout: Layout) -> tuple[str, ...]:
    """The column titles, fitted like the cells below them."""
    return tuple(_fit(c.header, c.width, c.right) for c in layout.columns)


# Words a filter token can name besides a status: they select rows by condition.
_CONDITION_WORDS: Final = ("error", "stale", "alert", "waiting")


def parse_filter(text: str) -> tuple[str, ...]:
    """The filter's tokens, lower-cased; spaces and commas separate them."""
    return tuple(t for t in text.replace(",", " ").lower().split() if t)


def matches(view: CampaignView, tokens: Sequence[str], now: float, threshold: float) -> bool:
    """True when every token is in the id, or starts the status word, or names a condition the
    row is in ("error", "stale", "alert", "waiting")."""
    if not tokens:
        return True
    campaign_id = view.campaign_id.lower()
    status = ""
    if view.campaign is not None:
        status = fmt.status_word(view.campaign.status, view.campaign.raw_status).lower()
    elif view.phase is Phase.NOT_FOUND:
        status = "not found"
    for token in tokens:
        if token in campaign_id or (status and status.startswith(token)):
            continue
        if any(word.startswith(token) for word in _CONDITION_WORDS) and _in_condition(
            view, token, now, threshold
        ):
            continue
        return False
    return True


def _in_condition(view: CampaignView, token: str, now: float, threshold: float) -> bool:
    state = row_state(view, now)
    return (
        ("error".startswith(token) and state is RowState.ERROR)
        or ("stale".startswith(token) and state is RowState.STALE)
        or ("alert".startswith(token) and is_alert(view, threshold))
        or ("waiting".startswith(token) and state is RowState.WAITING)
    )


def sort_key(view: CampaignView, order: str, added_index: int) -> tuple[object, ...]:
    """A key for `sorted`; ties keep the order the campaigns were added in."""
    if order == "id":
        return (view.campaign_id.casefold(), added_index)
    if order == "status":
        rank = -1 if view.error is not None else 9
        if view.campaign is not None and view.error is None:
            rank = _STATUS_ORDER.get(view.campaign.status, 3)
        return (rank, added_index)
    if order == "progress":
        progress = view.metrics.progress
        value = progress if progress is not None and math.isfinite(progress) else 2.0
        return (value, added_index)
    if order == "failure rate":
        rate = view.metrics.failure_rate
        value = -rate if rate is not None and math.isfinite(rate) else 1.0
        return (value, added_index)
    return (added_index,)


def next_sort(order: str) -> str:
    """The order after `order` in SORT_KEYS."""
    try:
        return SORT_KEYS[(SORT_KEYS.index(order) + 1) % len(SORT_KEYS)]
    except ValueError:
        return SORT_KEYS[0]
