"""Faults inside the viewer that must not end it: a campaign task that raises on every poll, and
a dialog asked to close twice (Enter pressed twice before it is gone).

(The engine worker failing is a banner, not an exit: tests/ui/test_ui_actions.py. A crash in a
widget does end the app, as Textual does; that it restores the terminal and shows no secret is
checked in test_secrets.py.)
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from rel_support import make_viewer
from textual import events
from textual.widgets import Input, OptionList

from appizer_tui.api.client import AppizerClient
from appizer_tui.sim.app import Simulator
from appizer_tui.sim.scenarios import demo_scenario
from appizer_tui.state.store import Phase

BROKEN = "camp_flash_sale"


def simulator(clock: Any) -> Simulator:
    return Simulator(demo_scenario(), clock=clock.wall, sleep=clock.sleep)


async def test_a_campaign_task_that_always_raises_stops_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    original = AppizerClient.get_campaign

    async def get_campaign(self: AppizerClient, campaign_id: str) -> Any:
        if campaign_id == BROKEN:
            raise KeyError("a bug in the client for this one campaign")
        return await original(self, campaign_id)

    monkeypatch.setattr(AppizerClient, "get_campaign", get_campaign)
    caplog.set_level(logging.ERROR, logger="appizer_tui")
    viewer = make_viewer(tmp_path, simulator)
    async with viewer.app.run_test(size=(160, 40)) as pilot:
        await viewer.advance(pilot, 600)
        assert viewer.app.is_running and viewer.app.engine_error is None
        broken = viewer.store.get(BROKEN)
        assert broken is not None and broken.error is not None
        assert broken.error.kind == "internal" and "KeyError" in broken.error.message
        assert broken.phase is Phase.ERROR_BACKOFF
        # Backing off, not spinning: ten minutes cost it a few dozen tries at most.
        tries = sum(1 for s in viewer.net.sent if s.url.endswith(BROKEN))
        assert tries == 0  # it never reached the network
        assert broken.failures <= 40
        # Every other campaign is fetched and fresh (or finished).
        now = viewer.clock.wall()
        for view in viewer.store.views():
            if view.campaign_id == BROKEN:
                continue
            assert view.error is None and view.campaign is not None, view.campaign_id
            if not view.phase.is_stopped:
                assert now - (view.last_success_at or 0) <= view.expected_interval
        screen = "\n".join(viewer.screen_lines())
        assert BROKEN in screen
        await pilot.press("q")
    assert viewer.app.return_code == 0
    assert any("KeyError" in r.getMessage() or r.exc_info for r in caplog.records)


@pytest.mark.parametrize("dialog", ["add", "api_key", "export"])
async def test_a_dialog_closed_twice_does_not_crash(tmp_path: Path, dialog: str) -> None:
    """Two Enter presses reach a dialog before it is gone: the second must not pop the main
    screen (Textual raises ScreenStackError, which ended the viewer)."""
    viewer = make_viewer(tmp_path, simulator, ids=["camp_launch_eu"])
    async with viewer.app.run_test(size=(120, 36)) as pilot:
        await viewer.advance(pilot, 5)
        await pilot.press({"add": "a", "api_key": "K", "export": "e"}[dialog])
        await pilot.pause()
        screen = viewer.app.screen
        if dialog == "export":
            options = screen.query_one(OptionList)
            option = options.get_option_at_index(0)
            for _ in range(2):
                options.post_message(OptionList.OptionSelected(options, option, 0))
        else:
            field = screen.query_one(Input)
            field.value = "sk_test_replacement_key_0000" if dialog == "api_key" else "camp_x"
            for _ in range(2):  # one read: both reach the app before either is handled
                viewer.app.post_message(events.Key("enter", "\r"))
        await pilot.pause()
        await pilot.pause()
        assert viewer.app.is_running
        assert len(viewer.app.screen_stack) == 1
        if dialog == "add":
            assert "camp_x" in viewer.store.ids()  # the first Enter did add it
        await pilot.press("q")
    assert viewer.app.return_code == 0
