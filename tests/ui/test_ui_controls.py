"""The poll interval changed while running, ways back that are not Esc, Ctrl+C with a selection,
and what `y` says it did."""

from __future__ import annotations

import re
from collections.abc import Callable

from textual.selection import Selection
from textual.widgets import Input
from ui_harness import Harness
from ui_screen_text import list_rows, text_of

from appizer_tui.sim.app import DEMO_API_KEY
from appizer_tui.ui.controller import INTERVAL_STEPS, step_interval
from appizer_tui.ui.screens.api_key import ApiKeyScreen
from appizer_tui.ui.screens.confirm import ConfirmScreen
from appizer_tui.ui.screens.export_menu import ExportScreen
from appizer_tui.ui.widgets.detail_header import HeaderTitle
from appizer_tui.ui.widgets.status_line import StatusLine

Factory = Callable[..., Harness]


def test_interval_steps_stay_in_the_engines_range() -> None:
    assert INTERVAL_STEPS[0] == 1 and INTERVAL_STEPS[-1] == 300
    assert step_interval(5, longer=True) == 10 and step_interval(5, longer=False) == 2
    assert step_interval(7, longer=True) == 10 and step_interval(7, longer=False) == 5
    assert step_interval(300, longer=True) == 300 and step_interval(1, longer=False) == 1


async def test_plus_polls_less_often_and_the_status_line_says_so_at_once(
    harness_factory: Factory,
) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(200, 40)) as pilot:
        await h.advance(pilot, 10)
        status = h.app.screen.query_one(StatusLine)
        assert "polling every 5 s" in text_of(status)
        await pilot.press("plus")
        await pilot.pause()
        assert "polling every 10 s" in text_of(status)  # no time has passed
        assert h.poller.interval == 10
        await pilot.press("minus", "minus")
        await pilot.pause()
        assert "polling every 2 s" in text_of(status)
        # The engine really polls at the new pace: a sending campaign is asked every 2 s.
        before = h.simulator.requests_for("camp_launch_eu")
        await h.advance(pilot, 20, step=1)
        assert 8 <= h.simulator.requests_for("camp_launch_eu") - before <= 11


async def test_the_budget_sentence_is_recomputed_after_a_step(harness_factory: Factory) -> None:
    h = harness_factory()
    h.poller.set_max_rpm(20)  # 1,200 an hour
    async with h.app.run_test(size=(200, 40)) as pilot:
        await h.advance(pilot, 20)
        status = h.app.screen.query_one(StatusLine)
        assert re.search(r"campaigns x 5 s.* > 1,200/h budget", text_of(status)), text_of(status)
        await pilot.press("plus", "plus", "plus")  # 10, 15, 30 s
        await pilot.pause()
        text = text_of(status)
        # 8 campaigns at 30 s cost 960 an hour: within the budget, no sentence any more.
        assert "budget:" not in text and "polling every 30 s" in text, text


async def test_palette_changes_the_interval(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        await pilot.press("ctrl+p", *"poll less often")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause()
        assert h.poller.interval == 10


async def test_q_closes_the_confirm_and_export_dialogs(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        await pilot.press("d")
        assert isinstance(h.app.screen, ConfirmScreen)
        await pilot.press("q")
        assert not isinstance(h.app.screen, ConfirmScreen) and h.app.is_running
        assert "camp_launch_eu" in h.store.ids()
        await pilot.press("e")
        assert isinstance(h.app.screen, ExportScreen)
        await pilot.press("q")
        assert not isinstance(h.app.screen, ExportScreen) and h.app.is_running


async def test_backspace_leaves_the_detail_pane(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        await pilot.press("enter")
        assert h.app.focused is h.app.screen.query_one("#detail")
        await pilot.press("backspace")
        assert h.app.focused is h.app.screen.query_one("#campaigns")


async def test_enter_on_an_empty_key_field_closes_the_prompt(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        await pilot.press("K")
        assert isinstance(h.app.screen, ApiKeyScreen)
        await pilot.press("enter")
        assert not isinstance(h.app.screen, ApiKeyScreen)


async def test_y_says_where_the_copy_went_not_that_it_arrived(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 10)
        await pilot.press("y")
        messages = [n.message for n in h.app._notifications]
        assert any("sent to the terminal's clipboard" in m for m in messages), messages
        assert not any(m.startswith("Copied") for m in messages)


async def test_ctrl_c_copies_a_selection_and_quits_without_one(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 10)
        title = h.app.screen.query_one(HeaderTitle)
        # What a mouse drag over the detail pane leaves: a selection on the screen.
        h.app.screen.selections = {title: Selection(None, None)}
        await pilot.press("ctrl+c")
        assert h.app.is_running
        assert "camp_launch_eu" in h.app.clipboard
        assert h.app.screen.get_selected_text() is None  # copied once; the next Ctrl+C quits
        await pilot.press("ctrl+c")
    assert h.app.return_value == 0


async def test_started_without_a_key_the_viewer_asks_for_one(harness_factory: Factory) -> None:
    h = harness_factory(api_key=None, demo=False)
    async with h.app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(h.app.screen, ApiKeyScreen)
        h.app.screen.query_one("#key-input", Input).value = DEMO_API_KEY
        await pilot.press("enter")
        assert not isinstance(h.app.screen, ApiKeyScreen)
        await h.advance(pilot, 10)
        assert h.store.global_state().auth_error is None
        assert "sending" in list_rows(h.app)["camp_launch_eu"]
