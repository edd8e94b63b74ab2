"""The remaining actions and guarantees: copy, export, time display, palette, welcome, a dying
engine, crash reports without locals, and a thousand campaigns."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from rich.console import Console
from ui_harness import Harness
from ui_screen_text import banner_text, list_rows, text_of

from appizer_tui.sim.scenarios import generated_scenario
from appizer_tui.state import format as fmt
from appizer_tui.ui.screens.export_menu import ExportScreen
from appizer_tui.ui.widgets.campaign_list import CampaignList
from appizer_tui.ui.widgets.detail_header import DetailHeader
from appizer_tui.ui.widgets.timestamps import Timestamps
from appizer_tui.ui.widgets.welcome import Welcome

Factory = Callable[..., Harness]


async def test_copy_puts_id_and_figures_on_the_clipboard(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 20)
        await pilot.press("y")
        view = h.store.get("camp_launch_eu")
        assert view is not None and view.campaign is not None
        copied = h.app.clipboard
        assert copied.startswith("camp_launch_eu\n")
        assert f"sent {fmt.format_count(view.campaign.stats.sent)}" in copied
        assert "delivery" in copied and "failure" in copied


async def test_export_writes_a_file_in_the_export_dir(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 20)
        await pilot.press("e")
        assert isinstance(h.app.screen, ExportScreen)
        await pilot.press("enter")  # the first choice: every campaign, CSV
        await h.wait_for(pilot, lambda: any(h.tmp_path.glob("campaigns-*.csv")))
        written = next(h.tmp_path.glob("campaigns-*.csv")).read_text()
        assert "camp_launch_eu" in written and "camp_promo_br" in written
        await pilot.press("e", "down", "down", "enter")  # the selected campaign's history
        await h.wait_for(pilot, lambda: any(h.tmp_path.glob("camp_launch_eu-history-*.csv")))


async def test_t_cycles_relative_local_and_utc(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 10)
        times = h.app.screen.query_one(Timestamps)
        assert "ago" in text_of(times)
        await pilot.press("t")
        assert "2023-11-14 22:" in text_of(times) and "UTC" not in text_of(times)
        await pilot.press("t")
        assert "2023-11-14 22:" in text_of(times) and "UTC" in text_of(times)
        await pilot.press("t")
        assert "ago" in text_of(times)
        await pilot.pause()
        # Pressed three times: one toast, the latest, not a stack of three.
        toasts = [str(n.message) for n in h.app._notifications if n.title == "Timestamps"]
        assert len(toasts) == 1 and "relative" in toasts[0], toasts


async def test_palette_goes_to_a_campaign_and_runs_actions(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 10)
        await pilot.press("ctrl+p", *"promo")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause()
        assert h.app.screen.query_one(CampaignList).cursor_id == "camp_promo_br"
        await pilot.press("ctrl+p", *"pause")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause()
        assert h.store.global_state().paused


async def test_empty_watchlist_shows_the_welcome(harness_factory: Factory) -> None:
    h = harness_factory(ids=[])
    async with h.app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        welcome = h.app.screen.query_one(Welcome)
        assert welcome.display and h.app.screen.has_class("-empty")
        text = text_of(h.app.screen.query_one("#welcome-text"))
        assert "Press a" in text and "--demo" in text
        assert not h.app.screen.query_one("#panes").display or h.app.screen.has_class("-empty")
        await pilot.press("a", *"camp_launch_eu", "enter")
        await h.advance(pilot, 5)
        assert not h.app.screen.has_class("-empty")
        assert "camp_launch_eu" in list_rows(h.app)


async def test_an_engine_crash_is_a_banner_not_an_exit(harness_factory: Factory) -> None:
    h = harness_factory()

    async def broken_run() -> None:
        secret = "-".join(["sk_live", "do", "not", "show"])  # noqa: F841 - a local to leak
        raise RuntimeError("the scheduler fell over")

    h.poller.run = broken_run  # type: ignore[method-assign]
    async with h.app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        banner = banner_text(h.app, "#global-banner")
        assert "ENGINE STOPPED" in banner and "RuntimeError" in banner
        assert "sk_live-do" not in banner
        assert h.app.is_running
        await pilot.press("q")
    assert h.app.return_value == 1


def test_crash_report_has_no_local_variables(harness_factory: Factory) -> None:
    h = harness_factory()
    app = h.app
    # Built at run time, so the value is in a local but not in the source line a traceback shows.
    api_key = "-".join(["sk_live", "never", "print", "me", str(len(app.title))])
    try:
        raise ValueError(f"boom near a key of length {len(api_key)}")
    except ValueError:
        app._fatal_error()
    out = io.StringIO()
    console = Console(file=out, width=120, force_terminal=False, color_system=None)
    for renderable in app._exit_renderables:
        console.print(renderable)
    report = out.getvalue()
    assert "ValueError" in report
    assert api_key not in report
    assert "sk_live-never" not in report


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_a_thousand_campaigns(harness_factory: Factory, size: tuple[int, int]) -> None:
    scenario = generated_scenario(1000, seed=1)
    h = harness_factory(ids=scenario.ids())
    async with h.app.run_test(size=size) as pilot:
        await h.advance(pilot, 2, step=1)
        campaigns = h.app.screen.query_one(CampaignList)
        assert len(campaigns.visible_ids) == 1000
        await pilot.press("G")
        assert campaigns.cursor_id == campaigns.visible_ids[-1]
        await pilot.press("pageup", "k")
        chosen = campaigns.cursor_id
        await h.advance(pilot, 3, step=1)
        assert campaigns.cursor_id == chosen
        assert chosen in text_of(h.app.screen.query_one(DetailHeader))
        await pilot.press("slash", *"0999")
        assert campaigns.visible_ids == ("load_0999",)
        assert " load_0999 " in campaigns.render_line(1).text


async def test_tiny_terminals_and_resizes_do_not_crash(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(20, 10)) as pilot:
        await h.advance(pilot, 20, step=10)
        await pilot.press("j", "question_mark")
        await pilot.press("escape", "t", "s")
        for size in [(10, 4), (45, 15), (200, 60), (20, 10)]:
            await pilot.resize_terminal(*size)
            await h.advance(pilot, 5)
        assert h.app.is_running
