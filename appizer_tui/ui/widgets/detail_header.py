"""The detail pane's first line: campaign id, status badge, and how fresh the data is."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content

from appizer_tui.api.models import CampaignStatus
from appizer_tui.safe_text import safe_text
from appizer_tui.state import format as fmt
from appizer_tui.state.store import CampaignView, Phase
from appizer_tui.ui.widgets.section import Section

STATUS_STYLES = {
    CampaignStatus.PENDING: "bold $text-muted",
    CampaignStatus.SENDING: "bold $text-accent",
    CampaignStatus.COMPLETED: "bold $text-success",
    CampaignStatus.FAILED: "bold $text-error",
    CampaignStatus.CANCELLED: "bold $text-warning",
    CampaignStatus.UNKNOWN: "bold $text-warning",
}
"""Status colours, always next to the status word so they are never the only signal."""


@dataclass(frozen=True, slots=True)
class HeaderProps:
    """What the header line says."""

    campaign_id: str
    badge: str
    status: CampaignStatus | None
    freshness: str
    short_freshness: str
    stale: bool


def header_props(view: CampaignView, now: float) -> HeaderProps:
    """The header for `view` at wall time `now` (only the freshness text depends on time)."""
    campaign = view.campaign
    if campaign is None:
        badge = "\u2717 not found" if view.phase is Phase.NOT_FOUND else "\u2026 waiting"
        status = None
    else:
        word = safe_text(fmt.status_word(campaign.status, campaign.raw_status), max_length=40)
        # Known statuses in capitals; a server's unknown word exactly as it was sent.
        shown = word if campaign.status is CampaignStatus.UNKNOWN else word.upper()
        badge = f"{fmt.status_symbol(campaign.status)} {shown}"
        status = campaign.status
    stale = view.is_stale(now)
    if view.last_success_at is None:
        freshness = short = "no data yet"
    else:
        age = fmt.format_age(now - view.last_success_at)
        short_age = fmt.format_duration_short(now - view.last_success_at)
        if view.phase is Phase.DONE:
            freshness, short = f"final \u00b7 fetched {age}", "final"
        elif stale:
            freshness, short = f"STALE \u00b7 updated {age}", f"STALE {short_age}"
        else:
            recent = now - view.last_success_at < 1
            freshness, short = f"updated {age}", "now" if recent else f"{short_age} ago"
    return HeaderProps(
        campaign_id=safe_text(view.campaign_id, max_length=200),
        badge=badge,
        status=status,
        freshness=freshness,
        short_freshness=short,
        stale=stale,
    )


class DetailHeader(Section[HeaderProps]):
    """Id, status badge and "updated N s ago"; STALE in warning colours when data is old."""

    DEFAULT_CSS = """
    DetailHeader {
        height: 1;
    }
    """

    def render_props(self, props: HeaderProps, width: int) -> Content:
        badge_style = (
            STATUS_STYLES.get(props.status, "bold $text-error")
            if props.status
            else ("bold $text-error" if props.badge.startswith("\u2717") else "$text-muted")
        )
        fresh_style = "bold $text-warning" if props.stale else "$text-muted"
        badge = Content.styled(props.badge, badge_style)
        name_length = len(props.campaign_id)
        freshness = props.freshness
        if name_length + badge.cell_length + len(freshness) + 4 > width:
            # The id matters most: shorten the age before cutting the id.
            freshness = props.short_freshness
        right = Content.styled(freshness, fresh_style)
        room = width - right.cell_length - badge.cell_length - 4
        name = Content.styled(props.campaign_id, "bold").truncate(max(4, room), ellipsis=True)
        left = Content.assemble(name, "  ", badge)
        gap = max(1, width - left.cell_length - right.cell_length)
        return Content.assemble(left, " " * gap, right)
