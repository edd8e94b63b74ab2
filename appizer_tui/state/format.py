"""How numbers, rates, durations, ages and statuses are written, for every front end.

The viewer and the plain `status`/`watch` printers show the same figure the same way because
they all call these functions. Everything here is a pure function of its arguments: no Textual,
no clock reads (callers pass `now`), no I/O. Values may come from a misbehaving server, so every
function accepts None, NaN, infinities, negatives and huge numbers and still returns short text.

Conventions: a missing value is an em dash; percentages have one decimal and no space ("96.4%");
counts use thousands separators ("7,200"); durations are compact ("3 min 12 s").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Final

from appizer_tui.api.models import CampaignStatus
from appizer_tui.state.model import BudgetStatus

MISSING: Final = "\u2014"
"""What a value that is not known (yet) looks like."""

STALE_MARK: Final = "\u25f7"
"""Marks late data ("\u25f712s"): a clock-face circle, one cell wide and drawn by DejaVu Sans Mono
(the hourglass U+29D7 it replaces is missing from common terminal fonts and showed as a box)."""

TIME_MODES: Final = ("relative", "local", "utc")
"""The ways timestamps can be shown; `t` in the viewer cycles through them."""

_SPARK_LEVELS: Final = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"
_BAR_PARTIALS: Final = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589"
_FULL_BLOCK: Final = "\u2588"

_STATUS_SYMBOLS: Final = {
    CampaignStatus.PENDING: "\u25cb",  # white circle: not started
    CampaignStatus.SENDING: "\u25b6",  # play
    CampaignStatus.COMPLETED: "\u2713",  # check mark
    CampaignStatus.FAILED: "\u2717",  # ballot x
    CampaignStatus.CANCELLED: "\u2298",  # circled slash
    CampaignStatus.UNKNOWN: "?",
}


def _finite(value: float | None) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def format_count(value: int | None) -> str:
    """A counter with thousands separators: "12,500"; huge values are shortened ("1.2e+15")."""
    if value is None or isinstance(value, bool):
        return MISSING
    if abs(value) >= 10**15:
        return f"{value:.1e}"
    return f"{value:,}"


def format_delta(value: int | None) -> str:
    """A change since the previous poll: "+120", "-3"; empty when nothing changed."""
    if not value or isinstance(value, bool):
        return ""
    if abs(value) >= 10**12:
        return f"{value:+.1e}"
    return f"{value:+,}"


def format_percent(fraction: float | None, *, digits: int = 1) -> str:
    """A fraction 0..1 as "96.4%"; out-of-range values are shown as they are, not clamped."""
    number = _finite(fraction)
    if number is None:
        return MISSING
    percent = number * 100
    if abs(percent) >= 10_000:
        return ">9999%" if percent > 0 else "<-9999%"
    return f"{percent:.{digits}f}%"


def format_duration(seconds: float | None) -> str:
    """A span of time, compact and coarse enough to read at a glance: "45 s", "3 min 12 s",
    "2 h 05 min", "3 d 4 h"."""
    number = _finite(seconds)
    if number is None:
        return MISSING
    total = int(round(abs(number)))
    sign = "-" if number < 0 and total else ""
    if total < 60:
        return f"{sign}{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{sign}{minutes} min {secs} s" if secs and minutes < 10 else f"{sign}{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{sign}{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    if days > 9999:
        return f"{sign}>9999 d"
    return f"{sign}{days} d {hours} h"


def format_duration_short(seconds: float | None) -> str:
    """The tightest form, for table cells: "4s", "3m", "2h", "3d"."""
    number = _finite(seconds)
    if number is None:
        return MISSING
    total = int(abs(number))
    if total < 60:
        return f"{total}s"
    if total < 3600:
        return f"{total // 60}m"
    if total < 86400:
        return f"{total // 3600}h"
    return f"{min(total // 86400, 9999)}d"


def format_age(seconds: float | None) -> str:
    """How long ago something happened, coarser as it recedes: "just now", "12 s ago",
    "3 min ago", "2 h 05 min ago", "3 d 4 h ago". Minutes drop the seconds, so a label showing
    an older time changes once a minute, not every second."""
    number = _finite(seconds)
    if number is None:
        return MISSING
    if number < -1:
        # A server clock ahead of ours: say so rather than show a negative age.
        return f"in {format_duration(-number)}"
    if number < 1:
        return "just now"
    if 60 <= number < 3600:
        return f"{int(number // 60)} min ago"
    return f"{format_duration(number)} ago"


def format_countdown(seconds: float | None) -> str:
    """Time left until something happens: "in 23 s", "now"."""
    number = _finite(seconds)
    if number is None:
        return MISSING
    if number < 0.5:
        return "now"
    # Round up, so a countdown never shows "in 0 s" while still waiting.
    return f"in {format_duration(math.ceil(number))}"


def format_throughput(per_second: float | None) -> str:
    """Recipients per second, or per minute when slower than one a second: "1,230/s", "12/min"."""
    number = _finite(per_second)
    if number is None or number < 0:
        return MISSING
    if number == 0:
        return "0/s"
    if number < 1:
        return f"{number * 60:,.0f}/min"
    if number >= 1e12:
        return f"{number:.1e}/s"
    return f"{number:,.0f}/s"


def format_per_hour(value: float | None) -> str:
    """A request rate per hour: "7,200/h"."""
    number = _finite(value)
    if number is None:
        return MISSING
    if abs(number) >= 1e12:
        return f"{number:.1e}/h"
    return f"{number:,.0f}/h"


def format_interval(seconds: float | None) -> str:
    """A polling interval: "5 s", "36 s", "2 min"."""
    number = _finite(seconds)
    if number is None:
        return MISSING
    if number < 10 and number != int(number):
        return f"{number:.1f} s"
    return format_duration(number)


def format_timestamp(value: datetime | None, mode: str, now: float) -> str:
    """A server timestamp as the user chose to see it (`mode` is one of TIME_MODES).

    "relative" gives "3 min ago", "local" the local wall time, "utc" the ISO-like UTC time.
    `now` is the wall clock in Unix seconds (injected, so tests and screenshots are stable).
    """
    if value is None:
        return MISSING
    try:
        stamp = value.timestamp()
    except (OverflowError, OSError, ValueError):
        return MISSING
    if mode == "relative":
        return format_age(now - stamp)
    try:
        if mode == "utc":
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return MISSING


def format_clock_time(wall: float | None, mode: str = "local") -> str:
    """A wall-clock instant of our own (not the server's) as "HH:MM:SS", local or UTC."""
    number = _finite(wall)
    if number is None:
        return MISSING
    try:
        moment = datetime.fromtimestamp(number, tz=UTC)
        if mode != "utc":
            moment = moment.astimezone()
    except (OverflowError, OSError, ValueError):
        return MISSING
    return moment.strftime("%H:%M:%S")


def next_time_mode(mode: str) -> str:
    """The mode after `mode` in TIME_MODES (wrapping round)."""
    try:
        index = TIME_MODES.index(mode)
    except ValueError:
        return TIME_MODES[0]
    return TIME_MODES[(index + 1) % len(TIME_MODES)]


def status_symbol(status: CampaignStatus) -> str:
    """A one-cell symbol for the status, readable without colour next to its word."""
    return _STATUS_SYMBOLS.get(status, "?")


def status_word(status: CampaignStatus, raw_status: str | None = None) -> str:
    """The status as a word. For UNKNOWN the server's own word, which the caller must pass
    through safe_text before display (it is untrusted)."""
    if status is CampaignStatus.UNKNOWN and raw_status:
        return raw_status
    return status.value


def status_badge(status: CampaignStatus, raw_status: str | None = None) -> str:
    """Symbol and word: "\u25b6 sending". Untrusted for UNKNOWN statuses, see status_word."""
    return f"{status_symbol(status)} {status_word(status, raw_status)}"


def bar(fraction: float | None, width: int) -> str:
    """A horizontal bar `width` cells wide filled to `fraction` (0..1) with eighth blocks."""
    if width <= 0:
        return ""
    number = _finite(fraction)
    if number is None:
        return " " * width
    eighths = int(round(min(max(number, 0.0), 1.0) * width * 8))
    full, partial = divmod(eighths, 8)
    text = _FULL_BLOCK * full
    if full < width:
        text += _BAR_PARTIALS[partial] if partial else " "
    return text.ljust(width)


def sparkline(
    values: Sequence[float],
    width: int,
    *,
    low: float | None = None,
    high: float | None = None,
) -> str:
    """A one-line sparkline of the last values, at most `width` cells, one cell per bucket.

    Longer series are split into `width` buckets and each bucket shows its mean. The scale is
    the data's own range unless `low`/`high` fix it; a flat series is drawn mid-height so it
    reads as "steady", not "zero". Non-finite values are skipped.
    """
    if width <= 0:
        return ""
    clean = [v for v in (_finite(x) for x in values) if v is not None]
    if not clean:
        return ""
    points = _buckets(clean, width)
    lo = min(points) if low is None else low
    hi = max(points) if high is None else high
    top = len(_SPARK_LEVELS) - 1
    # Halved, so the difference of two huge finite floats cannot overflow to infinity.
    span = hi / 2 - lo / 2
    if span <= 5e-13:
        return _SPARK_LEVELS[top // 2] * len(points)
    chars = []
    for point in points:
        level = (min(max(point, lo), hi) / 2 - lo / 2) / span
        chars.append(_SPARK_LEVELS[int(round(level * top))])
    return "".join(chars)


def _buckets(values: list[float], width: int) -> list[float]:
    if len(values) <= width:
        return values
    size = len(values) / width
    result = []
    for index in range(width):
        start = int(index * size)
        end = max(start + 1, int((index + 1) * size))
        chunk = values[start:end]
        # Each term divided first: the mean of huge values must not overflow to infinity.
        result.append(sum(v / len(chunk) for v in chunk))
    return result


def _cost_terms(costs: Sequence[tuple[float, int]]) -> str:
    """ "8 campaigns x 5 s + 2 x 1 min": the watchlist's cadences, as a sum of products."""
    terms: list[str] = []
    for every, count in costs:
        noun = "" if terms else (" campaign" if count == 1 else " campaigns")
        terms.append(f"{count:,}{noun} x {format_interval(every)}")
    return " + ".join(terms)


def budget_sentence(budget: BudgetStatus, *, short: bool = False) -> str | None:
    """Why the watchlist is polled slower than asked, when it costs more than the budget; None
    when it fits (or nothing is planned, as during a 429 pause).

    Long: "8 campaigns x 5 s + 2 x 1 min = 5,880/h > 1,000/h budget: polling every 36 s" (the
    terms are `budget.costs`, so the sum is the total shown). Short, for narrow lines, leads with
    the interval really got: "polling every 36 s: 5,880/h > 1,000/h budget".
    """
    projected = _finite(budget.projected_per_hour)
    allowed = _finite(budget.budget_per_hour)
    if projected is None or allowed is None or allowed <= 0 or projected <= allowed:
        return None
    if not budget.costs:
        return None
    over = f"{format_per_hour(projected)} > {format_per_hour(allowed)} budget"
    polling = polling_interval(budget, budget.costs[0][0])
    if short:
        return f"{polling}: {over}"
    return f"{_cost_terms(budget.costs)} = {over}: {polling}"


def polling_interval(budget: BudgetStatus, interval: float) -> str:
    """The interval active campaigns really get, always short enough for an 80-column line:
    "polling every 36 s" (the configured `interval` stretched by the budget), or "polling on
    hold" while the budget allows nothing."""
    achieved = budget.achieved_interval
    if budget.budget_rpm <= 0 or (achieved is not None and not math.isfinite(achieved)):
        return "polling on hold"
    return f"polling every {format_interval(max(interval, achieved or interval))}"


_WINDOW_WORDS: Final = {1.0: "a second", 60.0: "a minute", 3600.0: "an hour", 86400.0: "a day"}


def server_allowance(budget: BudgetStatus) -> str | None:
    """The server's limit with its window, for the 429 banner: "the server allows 1,000 an
    hour"; None before the server said its limit."""
    limit = budget.server_limit
    if limit is None:
        return None
    text = f"the server allows {format_count(limit)}"
    window = _finite(budget.server_window)
    if window is None or window <= 0:
        return text
    words = _WINDOW_WORDS.get(window)
    return f"{text} {words}" if words else f"{text} every {format_interval(window)}"


def join_parts(parts: Iterable[str | None], separator: str = " \u00b7 ") -> str:
    """The non-empty parts joined with a middle dot."""
    return separator.join(part for part in parts if part)


def iso_time(wall: float) -> str:
    """A wall-clock instant as ISO 8601 UTC with milliseconds: 2024-01-15T10:30:05.123Z."""
    moment = datetime.fromtimestamp(wall, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
