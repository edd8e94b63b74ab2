"""Markup and escape sequences from the server or the user are shown literally, never acted on.

A mock server answers with hostile ids, statuses, messages and codes; the test reads back every
line the widgets render and checks the payloads appear as text and no control character does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from textual.app import App
from textual.geometry import Region
from textual.widgets import Input
from ui_harness import Harness
from ui_screen_text import banner_text, list_rows, text_of

from appizer_tui.safe_text import safe_text
from appizer_tui.ui.widgets.campaign_list import CampaignList
from appizer_tui.ui.widgets.detail_header import DetailHeader

Factory = Callable[..., Harness]

MARKUP = ["[bold red]x[/]", "[link=https://x]y[/link]", "[/", "x [/] y", "[@click=app.quit]"]
ESCAPES = ["\x1b[2J", "\x1b]52;c;aGk=\x07", "\u202e", "\x9b31m"]
MESSAGE = " ".join(MARKUP + ESCAPES)
# Ids that pass validation (no spaces, slashes or control characters) yet are markup.
HOSTILE_IDS = ["[@click=app.quit]", "[bold]x", "[red]", "camp["]


def _body(campaign_id: str, status: str) -> dict[str, Any]:
    return {
        "success": True,
        "campaign_id": campaign_id,
        "status": status,
        "created_at": "2023-11-14T22:00:00Z",
        "sent_at": "2023-11-14T22:05:00Z",
        "stats": {
            "total_recipients": 100,
            "sent": 50,
            "delivered": 40,
            "opened": 10,
            "clicked": 2,
            "failed": 1,
        },
        "rates": {"delivery_rate": 0.8, "open_rate": 0.25, "click_rate": 0.05},
    }


def _hostile_server(request: httpx.Request) -> httpx.Response:
    campaign_id = httpx.URL(str(request.url)).path.rsplit("/", 1)[-1]
    campaign_id = httpx.QueryParams("x=" + campaign_id)["x"]  # percent-decoded
    if campaign_id == "camp_missing":
        error = {"error": "Not Found", "message": MESSAGE, "code": "[b]NOPE[/b]"}
        return httpx.Response(404, json=error)
    if campaign_id == "camp_broken":
        return httpx.Response(500, json={"error": "[red]boom[/]", "message": MESSAGE})
    status = "sending" if campaign_id in HOSTILE_IDS else MESSAGE
    return httpx.Response(200, content=json.dumps(_body(campaign_id, status)).encode())


def _all_rendered_text(app: App[Any]) -> str:
    """Every line every visible widget renders, through the widgets' own render path."""
    lines = []
    for widget in app.screen.walk_children():
        if not widget.display or not widget.region:
            continue
        width, height = widget.size
        if width <= 0 or height <= 0:
            continue
        for strip in widget.render_lines(Region(0, 0, width, height)):
            lines.append(strip.text)
    return "\n".join(lines)


async def test_server_text_and_ids_are_shown_literally(harness_factory: Factory) -> None:
    ids = ["camp_weird_status", "camp_missing", "camp_broken", *HOSTILE_IDS]
    h = harness_factory(ids=ids, transport=httpx.MockTransport(_hostile_server))
    async with h.app.run_test(size=(200, 50)) as pilot:
        await h.advance(pilot, 10)
        rows = list_rows(h.app)
        assert set(rows) == set(ids)
        # (the list is a line-API widget: each row is drawn from Segments, never markup)
        # An unknown status is shown as the server's word, made safe, as plain text.
        assert "? [bold re\u2026" in rows["camp_weird_status"]  # cut to the column, literally
        campaigns = h.app.screen.query_one(CampaignList)
        campaigns.select("camp_weird_status")
        await pilot.pause()
        assert "? [bold red]x[/] [link=https://x]" in text_of(h.app.screen.query_one(DetailHeader))
        campaigns = h.app.screen.query_one(CampaignList)
        for campaign_id in ["camp_missing", "camp_broken", "camp_weird_status", *HOSTILE_IDS]:
            campaigns.select(campaign_id)
            await pilot.pause()
            text = _all_rendered_text(h.app)
            assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
            assert "\u202e" not in text
            assert campaign_id in text
        campaigns.select("camp_missing")
        await pilot.pause()
        banner = banner_text(h.app, "#campaign-banner")
        for payload in MARKUP:
            assert payload in banner, payload
        assert "[b]NOPE[/b]" in banner
        assert safe_text("\x1b[2J") in banner and safe_text("\x1b]52;c;aGk=\x07") in banner
        campaigns.select("camp_broken")
        await pilot.pause()
        assert "x [/] y" in banner_text(h.app, "#campaign-banner")
        # Clicking the row of an id that is an action in markup selects it and does nothing else.
        campaigns.select("[@click=app.quit]")
        await pilot.pause()
        await pilot.click(
            CampaignList, offset=(5, 1 + campaigns.visible_ids.index("[@click=app.quit]"))
        )
        await pilot.press("enter", "escape", "y")
        assert h.app.is_running
        assert h.app.clipboard.startswith("[@click=app.quit]")


async def test_401_message_with_markup_is_literal(harness_factory: Factory) -> None:
    def unauthorized(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "[b]Unauthorized", "message": MESSAGE})

    h = harness_factory(ids=["camp_a"], transport=httpx.MockTransport(unauthorized))
    async with h.app.run_test(size=(200, 40)) as pilot:
        await h.advance(pilot, 5)
        banner = banner_text(h.app, "#global-banner")
        assert "x [/] y" in banner and "[@click=app.quit]" in banner
        text = _all_rendered_text(h.app)
        assert "\x1b" not in text and "\x07" not in text


async def test_refused_ids_and_palette_never_parse_markup(harness_factory: Factory) -> None:
    h = harness_factory(ids=["[@click=app.quit]"], transport=httpx.MockTransport(_hostile_server))
    async with h.app.run_test(size=(120, 36)) as pilot:
        await h.advance(pilot, 5)
        await pilot.press("a")
        field = h.app.screen.query_one("#add-input", Input)
        field.value = "[bold red]x[/] x [/] y [/ \x1b[2J [link=https://x]y[/link]"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        toasts = " ".join(str(n.message) for n in h.app._notifications)
        assert "red]x[/]" in toasts and "path separator" in toasts
        assert "\\x1b[2J" in toasts and "control characters" in toasts
        # The command palette lists "go to campaign <id>" without interpreting the id.
        await pilot.press("ctrl+p")
        await pilot.press(*"go to")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert h.app.is_running


async def test_filter_text_with_markup_is_literal(harness_factory: Factory) -> None:
    h = harness_factory(ids=["camp_a"], transport=httpx.MockTransport(_hostile_server))
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        await pilot.press("slash")
        h.app.screen.query_one("#filter-input", Input).value = "x [/] y [@click=app.quit] [/"
        await pilot.press("enter")
        await pilot.pause()
        subtitle = str(h.app.screen.query_one("#list-pane").border_subtitle)
        assert "x [/] y" in subtitle or "x \\[/] y" in subtitle
        assert h.app.is_running
