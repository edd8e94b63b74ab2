"""The pieces of `watch`'s text output shared by its lines and its final table: colour, status
words, progress, and the summary itself."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Sequence

from appizer_tui.api.models import Campaign, CampaignStatus
from appizer_tui.safe_text import safe_text
from appizer_tui.state.format import (
    MISSING,
    format_count,
    format_duration,
    format_percent,
    status_word,
)
from appizer_tui.state.model import CampaignView, Phase


class EndReason(enum.Enum):
    """Why a watch run ended."""

    ALL_DONE = "every campaign is finished or not found"
    AUTH = "the API key was refused"
    WRONG_BASE_URL = "the base URL is not the Appizer API"
    TIMEOUT = "timed out"
    INTERRUPTED = "interrupted"
    OUTPUT_CLOSED = "the output was closed"


_ANSI = {
    CampaignStatus.COMPLETED: "32",  # green
    CampaignStatus.FAILED: "31",  # red
    CampaignStatus.CANCELLED: "33",  # yellow
    CampaignStatus.SENDING: "36",  # cyan
    CampaignStatus.PENDING: "2",  # dim
    CampaignStatus.UNKNOWN: "35",  # magenta
}


class ColourScheme:
    """ANSI colour for status words and errors, or none at all.

    Colour is decided once per stream by the caller (a terminal, and NO_COLOR unset); the text
    is the same either way, so a reader without colour loses nothing.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def status(self, status: CampaignStatus, text: str) -> str:
        """`text` (already safe) in the colour of `status`."""
        return self._wrap(_ANSI.get(status, "0"), text)

    def error(self, text: str) -> str:
        """`text` (already safe) in the error colour."""
        return self._wrap("31", text)

    def bold(self, text: str) -> str:
        """`text` (already safe) in bold."""
        return self._wrap("1", text)


def status_text(
    status: CampaignStatus, raw_status: str, colour: ColourScheme, width: int = 0
) -> str:
    """The status word, made safe, padded to `width` before colouring (so columns line up)."""
    word = safe_text(status_word(status, raw_status), max_length=30)
    return colour.status(status, word.ljust(width))


def progress_text(campaign: Campaign) -> str:
    """Recipients done (sent + failed) of the total: "1,250/1,250"."""
    stats = campaign.stats
    return f"{format_count(stats.sent + stats.failed)}/{format_count(stats.total_recipients)}"


_HEADER = (
    "CAMPAIGN",
    "STATUS",
    "DONE/TOTAL",
    "PROGRESS",
    "DELIVERED",
    "OPENED",
    "CLICKED",
    "FAILED",
    "DELIVERY",
    "OPEN",
    "CLICK",
    "FAILURE",
)


def _phase_word(view: CampaignView | None) -> str:
    if view is None or view.phase is Phase.WAITING:
        return "not fetched"
    if view.phase is Phase.NOT_FOUND:
        return "not found"
    if view.error is not None:
        return safe_text(view.error.kind.replace("_", " "), max_length=30)
    return MISSING


def _row(campaign_id: str, view: CampaignView | None) -> tuple[list[str], CampaignStatus | None]:
    cid = safe_text(campaign_id, max_length=40)
    campaign = view.campaign if view is not None else None
    if view is None or campaign is None or view.phase is Phase.NOT_FOUND:
        return [cid, _phase_word(view)] + [MISSING] * (len(_HEADER) - 2), None
    stats, m = campaign.stats, view.metrics
    word = safe_text(status_word(campaign.status, campaign.raw_status), max_length=30)
    return [
        cid,
        word,
        progress_text(campaign),
        format_percent(m.progress),
        format_count(stats.delivered),
        format_count(stats.opened),
        format_count(stats.clicked),
        format_count(stats.failed),
        format_percent(m.delivery_rate),
        format_percent(m.open_rate),
        format_percent(m.click_rate),
        format_percent(m.failure_rate),
    ], campaign.status


def _outcome_word(view: CampaignView | None) -> str:
    if view is not None and view.phase is Phase.NOT_FOUND:
        return "not found"
    if view is None or view.campaign is None:
        return "not fetched"
    status = view.campaign.status
    if status.is_terminal:
        return status.value
    return "still " + safe_text(status_word(status, view.campaign.raw_status), max_length=30)


def summary_lines(
    ids: Sequence[str],
    views: Sequence[CampaignView | None],
    colour: ColourScheme,
    reason: EndReason,
    elapsed: float,
) -> list[str]:
    """The final table, one row per campaign in watch order, then a line saying how it ended:
    "3 campaigns: 1 completed, 1 failed, 1 not found · watched 1 min 5 s"."""
    rows = [_row(cid, view) for cid, view in zip(ids, views, strict=True)]
    widths = [len(h) for h in _HEADER]
    for cells, _ in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, cells, strict=True)]

    def render(cells: Sequence[str], status: CampaignStatus | None) -> str:
        out = [cells[0].ljust(widths[0])]
        word = cells[1].ljust(widths[1])
        out.append(colour.status(status, word) if status is not None else word)
        out += [c.rjust(w) for c, w in zip(cells[2:], widths[2:], strict=True)]
        return "  ".join(out).rstrip()

    lines = [colour.bold(render(_HEADER, None))]
    lines += [render(cells, status) for cells, status in rows]
    counts = Counter(_outcome_word(view) for view in views)
    noun = "campaign" if len(ids) == 1 else "campaigns"
    tally = ", ".join(f"{n} {word}" for word, n in counts.items())
    ending = f"watched {format_duration(elapsed)}"
    if reason is not EndReason.ALL_DONE:
        ending += f", {reason.value}"
    lines.append(f"{len(ids)} {noun}: {tally} \u00b7 {ending}")
    return lines
