"""The detail pane's first line: campaign id, status badge, and how fresh the data is.

Two widgets side by side: the freshness text changes every second, and Textual repaints a
widget's whole line, so keeping it apart means a tick writes ~20 cells, not the full width.
"""

from __future__ import annotations

import msgspec
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content

from appizer_tui.api.models import CampaignStatus
from appizer_tui.present.rows import is_final, status_badge
from appizer_tui.safe_text import safe_text
from appizer_tui.state import format as fmt
from appizer_tui.state.model import CampaignView
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


class HeaderProps(msgspec.Struct, frozen=True):
    """What the header line says."""

    campaign_id: str
    badge: str
    status: CampaignStatus | None
    freshness: str
    short_freshness: str
    stale: bool


def header_props(view: CampaignView, now: float, time_mode: str = "relative") -> HeaderProps:
    """The header for `view` at wall time `now` (only the freshness text depends on time).

    Fresh data says "live" and the clock time of its last update, which moves with each poll;
    an age that counts up every second is kept for stale data, where it is a warning. (A
    counting age redrew the header each second, and that frame took in the whole screen.)"""
    # The list's status cell, in capitals: one badge for both widgets.
    badge = status_badge(view, upper=True)
    status = view.campaign.status if view.campaign is not None else None
    stale = view.is_stale(now)
    if view.last_success_at is None:
        freshness, short = "no data yet", "no data"
    else:
        age = fmt.format_age(now - view.last_success_at)
        short_age = fmt.format_duration_short(now - view.last_success_at)
        if view.recorded:
            freshness, short = f"recorded {age} \u00b7 waiting for a poll", f"rec {short_age}"
        elif is_final(view):
            freshness, short = f"final \u00b7 {age}", "final"
        elif stale:
            freshness, short = f"STALE \u00b7 {age}", f"STALE {short_age}"
        else:
            clock = fmt.format_clock_time(
                view.last_success_at, "utc" if time_mode == "utc" else "local"
            )
            freshness, short = f"live \u00b7 updated {clock}", "live"
    return HeaderProps(
        campaign_id=safe_text(view.campaign_id, max_length=200),
        badge=badge,
        status=status,
        freshness=freshness,
        short_freshness=short,
        stale=stale,
    )


class _Title(msgspec.Struct, frozen=True):
    campaign_id: str
    badge: str
    status: CampaignStatus | None


class _Freshness(msgspec.Struct, frozen=True):
    text: str
    stale: bool


class HeaderTitle(Section[_Title]):
    """The id (cut only when it cannot fit) and the status badge."""

    DEFAULT_CSS = """
    HeaderTitle {
        width: 1fr;
        height: 1;
    }
    """

    def render_props(self, props: _Title, width: int) -> Content:
        if props.status is not None:
            badge_style = STATUS_STYLES.get(props.status, "bold")
        elif props.badge.startswith("\u2717"):
            badge_style = "bold $text-error"
        else:
            badge_style = "$text-muted"
        # A status the server made up can be 40 wide characters: it gets at most half the line.
        badge = Content.styled(props.badge, badge_style).truncate(max(2, width // 2), ellipsis=True)
        room = max(4, width - badge.cell_length - 2)
        name = Content.styled(props.campaign_id, "bold").truncate(room, ellipsis=True)
        return Content.assemble(name, "  ", badge).truncate(width, ellipsis=True)


LONG_WIDTH = 24
"""Cells for "live · updated 14:02:31" and a blank before it; fixed, so a new text never
moves the title."""
SHORT_WIDTH = 10
"""Cells for "STALE 12m", "12s ago", "final"."""


class HeaderFreshness(Section[_Freshness]):
    """How fresh the data is ("updated 3 s ago"; STALE in warning colours), right-aligned in a
    fixed width so a tick repaints only these cells."""

    DEFAULT_CSS = """
    HeaderFreshness {
        width: 24;
        height: 1;
    }
    """

    def render_props(self, props: _Freshness, width: int) -> Content:
        style = "bold $text-warning" if props.stale else "$text-muted"
        # At least one blank cell before it: never "SENDINGlive" against a long id.
        text = Content.styled(props.text, style).truncate(max(1, width - 1), ellipsis=True)
        return Content.assemble(" " * max(0, width - text.cell_length), text)


class DetailHeader(Horizontal):
    """Id, status badge and freshness on one line."""

    DEFAULT_CSS = """
    DetailHeader {
        height: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.props: HeaderProps | None = None

    def compose(self) -> ComposeResult:
        yield HeaderTitle()
        yield HeaderFreshness()

    def show(self, props: HeaderProps) -> None:
        """Show `props`; the age shortens before the id is cut."""
        self.props = props
        width = self.size.width or 80
        long = len(props.campaign_id) + len(props.badge) + 2 + LONG_WIDTH <= width
        fresh = self.query_one(HeaderFreshness)
        wanted = LONG_WIDTH if long else SHORT_WIDTH
        if fresh.styles.width is None or fresh.styles.width.value != wanted:
            fresh.styles.width = wanted  # a layout only when the id's room changes
        self.query_one(HeaderTitle).props = _Title(props.campaign_id, props.badge, props.status)
        fresh.props = _Freshness(props.freshness if long else props.short_freshness, props.stale)

    def on_resize(self) -> None:
        if self.props is not None:
            self.show(self.props)

    @property
    def text(self) -> str:
        """The whole line as plain text (for tests and copy)."""
        title = self.query_one(HeaderTitle)
        fresh = self.query_one(HeaderFreshness)
        return f"{title.render().plain}  {fresh.render().plain.strip()}"
