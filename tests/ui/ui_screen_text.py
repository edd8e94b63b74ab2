"""Read back what the viewer's widgets show, as plain text, for assertions."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widget import Widget

from appizer_tui.ui.widgets.banners import Banner
from appizer_tui.ui.widgets.campaign_list import CampaignList


def text_of(widget: Widget) -> str:
    """The plain text a widget renders now."""
    text = getattr(widget, "text", None)
    if isinstance(text, str):
        return text
    rendered: Any = widget.render()
    plain = getattr(rendered, "plain", None)
    return plain if isinstance(plain, str) else str(rendered)


def list_rows(app: App[Any]) -> dict[str, str]:
    """Each visible campaign's row as drawn (id -> line text), from the list's own lines."""
    campaigns = app.screen.query_one(CampaignList)
    top = int(campaigns.scroll_offset.y)
    rows = {}
    ids = campaigns.visible_ids
    for y in range(1, campaigns.scrollable_content_region.height):
        index = top + y - 1
        if index >= len(ids):
            break
        rows[ids[index]] = campaigns.render_line(y).text
    return rows


def header_line(app: App[Any]) -> str:
    """The list's column titles."""
    return app.screen.query_one(CampaignList).render_line(0).text


def banner_text(app: App[Any], selector: str) -> str:
    """A banner's text ('' when hidden)."""
    banner = app.screen.query_one(selector, Banner)
    return text_of(banner) if banner.props else ""


def drawn_text(widget: Widget) -> str:
    """What the widget really shows: its lines as laid out on screen (clipped to its height and
    width), not what it would render with unlimited room."""
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))
