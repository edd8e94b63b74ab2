"""Fuzzing what the viewer draws: any campaign the decoder accepts (and NaN rates), after any
previous fetch (counters may go backwards), with any error text, renders in every widget at
80x24 and at 200x60 without an exception and without breaking the layout.

Two depths. `test_every_widget_renders_any_campaign` keeps one viewer running per size and, for
each of 2,000 examples, pushes the campaign through the real store and the main screen's own
update path, then renders every widget directly (its `render()` at the size the layout gave
it, and the list row under the cursor): fast enough for thousands of examples. Each widget's
lines must fit its width and height and hold no control character. `test_whole_screen_...`
goes through the Pilot for fewer examples and renders the whole screen as the terminal would
get it: the panes must sit where they do with an ordinary campaign, with their corners drawn
exactly where Textual's layout puts them (positions from the layout, never found by searching
the text for corner characters, which random banner text may contain).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from fuzz_strategies import EXAMPLES, campaign_pairs, texts
from hypothesis import HealthCheck, given, settings
from payloads import UNSAFE_ON_TERMINALS
from rel_support import Viewer
from rich.cells import cell_len
from term_screen import TermScreen
from textual.content import Content
from textual.geometry import Region
from textual.widget import Widget

from appizer_tui.alerts.rules import AlertConfig
from appizer_tui.api.models import Campaign, CampaignStatus, Stats
from appizer_tui.polling.clock import FakeClock
from appizer_tui.polling.engine import Poller
from appizer_tui.state.model import ErrorInfo
from appizer_tui.state.store import CampaignStore
from appizer_tui.ui.app import AppizerApp
from appizer_tui.ui.options import ViewerOptions
from appizer_tui.ui.widgets.campaign_list import CampaignList
from appizer_tui.ui.widgets.chart import chart_data
from appizer_tui.ui.widgets.section import Section

pytestmark = pytest.mark.soak  # `make soak` runs these with 100,000 examples

SIZES = [(80, 24), (200, 60)]
CID = "camp_fuzz"


class NoNetwork:
    """A client the engine never calls here (the campaign is fed to the store by hand)."""

    rate_limit = None

    async def get_campaign(self, campaign_id: str) -> Campaign:
        raise AssertionError("no request is expected")

    def set_api_key(self, api_key: object) -> None:
        pass


def make_app(tmp_path: Path) -> tuple[AppizerApp, CampaignStore, FakeClock]:
    clock = FakeClock()
    store = CampaignStore(history_seconds=300, interval=5.0, wall=clock.wall)
    poller = Poller(NoNetwork(), store, clock, rng=random.Random(0))  # type: ignore[arg-type]
    store.add(CID)  # after the poller: it is never polled, only fed below
    options = ViewerOptions(
        base_url="http://127.0.0.1:9/v1",
        demo=False,
        key_masked="sk_test_…0000",
        alert_config=AlertConfig(),
        export_dir=tmp_path,
        watchlist_path=None,
    )
    return AppizerApp(store=store, poller=poller, clock=clock, options=options), store, clock


def feed(
    store: CampaignStore, clock: FakeClock, previous: Campaign, current: Campaign, message: str
) -> None:
    store.record_success(CID, previous, at=clock.wall() - 5)
    store.record_success(CID, current, at=clock.wall())
    if len(message) % 2:  # about half the examples carry an error as well
        error = ErrorInfo("server", "Server error", message, code=message[:30], http_status=500)
        store.record_error(CID, error)


def check_content(widget: Widget, content: Content) -> None:
    width, height = widget.content_size.width, widget.content_size.height
    lines = content.plain.split("\n")
    assert UNSAFE_ON_TERMINALS.search(content.plain) is None, type(widget).__name__
    if widget.styles.width is not None and not widget.styles.width.is_auto and width > 0:
        too_wide = [line for line in lines if cell_len(line) > width]
        assert not too_wide, (type(widget).__name__, width, too_wide[:1])
    if widget.styles.height is not None and widget.styles.height.is_cells and height > 0:
        assert len(lines) <= height, (type(widget).__name__, height, len(lines))


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_every_widget_renders_any_campaign(tmp_path: Path, size: tuple[int, int]) -> None:
    app, store, clock = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0)
        screen = app.screen
        main: Any = app.main_screen
        campaigns = screen.query_one(CampaignList)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        @given(pair=campaign_pairs(), message=texts)
        def render_everything(pair: tuple[Campaign, Campaign], message: str) -> None:
            feed(store, clock, *pair, message)
            main.frame = app.presenter.publish()
            for widget in screen.query(Section):
                if widget.display and widget.props is not None:
                    check_content(widget, widget.render())
            row = campaigns.render_line(1).text
            assert cell_len(row) == campaigns.scrollable_content_region.width
            assert UNSAFE_ON_TERMINALS.search(row) is None
            history = store.history(CID)
            chart_data(CID, history, clock.wall())

        render_everything()
        assert app.is_running


PANES = "#list-pane, #detail"
CORNERS = ("\u256d", "\u256e", "\u2570", "\u256f")
"""The rounded corners, top-left, top-right, bottom-left, bottom-right."""


def pane_boxes(app: AppizerApp) -> list[Region]:
    """Where the bordered panes are, by Textual's own layout, never by reading the drawn text
    (random text may well contain a corner character)."""
    return sorted(
        pane.region
        for pane in app.screen.query(PANES)
        if pane.display and pane.styles.border_top[0] == "round"  # stacked at 80x24: no border
    )


def drawn_corners(screen: TermScreen, box: Region) -> tuple[str, str, str, str]:
    """The cells at the four corners of `box` as the terminal shows them."""
    top, bottom, left, right = box.y, box.bottom - 1, box.x, box.right - 1
    grid = screen.grid
    return grid[top][left], grid[top][right], grid[bottom][left], grid[bottom][right]


def check_layout(
    screen: TermScreen, boxes: list[Region], baseline: list[Region], height: int
) -> None:
    """The screen keeps its shape: the top line, the panes (as many, in the same columns and
    as wide as with an ordinary campaign; a banner may push them down), each pane's corners
    drawn exactly where the layout puts them, the campaign's row, the budget line and the
    footer where they belong."""
    lines = screen.lines()
    text = "\n".join(lines)
    assert len(lines) == height, text
    assert lines[0].startswith(" appizer-tui "), text
    assert "req/min" in lines[-2] and "Quit" in lines[-1], text
    assert [(b.x, b.width) for b in boxes] == [(b.x, b.width) for b in baseline], text
    for box in boxes:
        assert box.bottom <= height - 2, (box, text)  # above the budget line and the footer
        assert drawn_corners(screen, box) == CORNERS, (box, text)
    assert any(f" {CID} " in line and "\u2502" in line for line in lines), text


ORDINARY = Campaign(
    campaign_id=CID,
    status=CampaignStatus.SENDING,
    raw_status="sending",
    stats=Stats(total_recipients=1000, sent=400, delivered=380, opened=90, clicked=20, failed=4),
)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_whole_screen_keeps_its_layout_for_any_campaign(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app, store, clock = make_app(tmp_path)
    viewer = Viewer(None, clock, None, None, store, None, app, tmp_path, clock.wall())  # type: ignore[arg-type]
    examples: list[tuple[tuple[Campaign, Campaign], str]] = []

    @settings(max_examples=40 if EXAMPLES < 10_000 else 2_000, deadline=None, database=None)
    @given(pair=campaign_pairs(), message=texts)
    def collect(pair: tuple[Campaign, Campaign], message: str) -> None:
        examples.append((pair, message))

    collect()
    async with app.run_test(size=size) as pilot:
        main: Any = app.main_screen
        feed(store, clock, ORDINARY, ORDINARY, "")
        main.frame = app.presenter.publish()
        await viewer.settle_screen(pilot)
        baseline = pane_boxes(app)
        for (previous, current), message in examples:
            feed(store, clock, previous, current, message)
            await viewer.settle_screen(pilot)
            output = viewer.screen_output()
            assert UNSAFE_ON_TERMINALS.search(output) is None
            screen = TermScreen(*size)
            screen.feed(output)
            check_layout(screen, pane_boxes(app), baseline, size[1])
            assert app.is_running
        await pilot.press("q")
    assert app.return_code == 0


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_corner_characters_in_server_text_do_not_fool_the_layout_check(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """The case that made the whole-screen fuzz flaky: a banner message full of corners."""
    app, store, clock = make_app(tmp_path)
    viewer = Viewer(None, clock, None, None, store, None, app, tmp_path, clock.wall())  # type: ignore[arg-type]
    async with app.run_test(size=size) as pilot:
        main: Any = app.main_screen
        feed(store, clock, ORDINARY, ORDINARY, "")
        main.frame = app.presenter.publish()
        await viewer.settle_screen(pilot)
        baseline = pane_boxes(app)
        feed(store, clock, ORDINARY, ORDINARY, "\u256d\u256e\u2570\u256f \u256f\u2570")  # odd: errs
        await viewer.settle_screen(pilot)
        screen = TermScreen(*size)
        screen.feed(viewer.screen_output())
        assert "\u256f\u2570" in screen.text()  # the text is on screen, corners and all
        check_layout(screen, pane_boxes(app), baseline, size[1])
        await pilot.press("q")
