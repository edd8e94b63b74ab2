"""Colours that keep their meaning: the terminal's own green, yellow and red on 16 colours, and
an alert marked by more than colour under NO_COLOR."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from ui_harness import Harness

from appizer_tui.ui.widgets.campaign_list import CampaignList

Factory = Callable[..., Harness]


def _colour_of(campaigns: CampaignList, word: str) -> object:
    for y in range(1, campaigns.size.height):
        for segment in campaigns.render_line(y):
            if word in segment.text and segment.style is not None:
                return segment.style.color
    raise AssertionError(f"{word!r} not drawn")


async def test_sixteen_colour_terminals_get_their_own_green_and_red(
    harness_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    h = harness_factory(ids=["camp_weekly_digest", "camp_push_cert_fail"])
    assert h.app.console.color_system == "standard"
    async with h.app.run_test(size=(120, 36)) as pilot:
        await h.advance(pilot, 120, step=10)
        campaigns = h.app.screen.query_one(CampaignList)
        completed = _colour_of(campaigns, "completed")
        failed = _colour_of(campaigns, "failed")
        # ANSI colour numbers: the terminal's own palette, not an RGB rounded to grey.
        assert getattr(completed, "number", None) == 2, completed  # green
        assert getattr(failed, "number", None) == 1, failed  # red


async def test_no_color_marks_an_alert_by_reverse_not_by_a_dimmer_grey(
    harness_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    h = harness_factory(ids=["camp_promo_br", "camp_launch_eu"])
    async with h.app.run_test(size=(120, 36)) as pilot:
        await h.advance(pilot, 60, step=10)
        campaigns = h.app.screen.query_one(CampaignList)
        styles = {}
        for y in range(1, 3):
            for segment in campaigns.render_line(y):
                found = re.search(r"camp_\w+", segment.text)
                if found:
                    styles[found.group()] = segment.style
        alert, normal = styles["camp_promo_br"], styles["camp_launch_eu"]
        assert alert is not None and alert.reverse and not (normal and normal.reverse)
