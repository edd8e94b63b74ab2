"""The watchlist through the viewer: nothing is lost at exit, a corrupt file is kept aside with a
warning at start, and two viewers on one file keep each other's additions.

(The file format, atomic writes, fsync, corrupt-file handling and merging under a lock are
tested on their own in tests/state/test_state_watchlist.py; here it is the viewer's use of them.)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pty_support import PtyProcess, add_campaign, clean_env, command
from rel_support import make_viewer
from textual.widgets import Input

from appizer_tui.alerts.rules import AlertConfig
from appizer_tui.sim.app import DEMO_API_KEY, Simulator
from appizer_tui.sim.scenarios import demo_scenario
from appizer_tui.sim.server import RunningServer, start_server
from appizer_tui.state import watchlist
from appizer_tui.ui.controller import Controller
from appizer_tui.ui.options import ViewerOptions
from appizer_tui.ui.screens.main_actions import MainActions

IDS = ("camp_launch_eu", "camp_flash_sale")


def saved(path: Path) -> list[str]:
    return list(json.loads(path.read_text())["campaigns"])


# -- nothing lost at exit ------------------------------------------------------------------------


def controller(tmp_path: Path) -> Controller:
    options = ViewerOptions(
        base_url="http://127.0.0.1:9/v1",
        demo=False,
        key_masked=None,
        alert_config=AlertConfig(),
        export_dir=tmp_path,
        watchlist_path=tmp_path / "watchlist.json",
    )
    return Controller(store=None, poller=None, presenter=None, options=options)  # type: ignore[arg-type]


def test_flush_writes_what_was_recorded_and_never_saved(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.json"
    ctl = controller(tmp_path)
    watchlist.save_watchlist(path, ["a", "b", "x"])
    # Removing x: recorded, and its save ran.
    done = ctl.record_change(("x",))
    assert ctl.persist(["a", "b"], ("x",), done) is None
    # Another viewer adds x back meanwhile; that must survive our exit.
    watchlist.merge_save(path, ["x"])
    # Adding c and removing b: recorded, but the viewer ends before those saves run.
    ctl.record_change()
    ctl.record_change(("b",))
    assert ctl.flush(["a", "c"]) is None
    assert saved(path) == ["a", "x", "c"]
    # Nothing left to write.
    path.unlink()
    assert ctl.flush(["a", "c"]) is None and not path.exists()


async def test_an_add_whose_save_never_ran_is_on_disk_after_quitting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The save runs in a thread worker; quitting at once can cancel it before it starts."""
    started = threading.Event()

    def never_runs(self: Any, *args: Any) -> None:
        started.set()  # the worker was asked for, and does nothing (as if cancelled)

    monkeypatch.setattr(MainActions, "_persist", never_runs)
    viewer = make_viewer(
        tmp_path,
        lambda clock: Simulator(demo_scenario(), clock=clock.wall, sleep=clock.sleep),
        ids=IDS,
        persist=True,
    )
    path = tmp_path / "watchlist.json"
    async with viewer.app.run_test(size=(120, 36)) as pilot:
        await viewer.advance(pilot, 6)
        await pilot.press("a")
        await pilot.pause(0)
        viewer.app.screen.query_one("#add-input", Input).value = "camp_added_then_quit"
        await pilot.press("enter")
        await pilot.pause(0)
        assert "camp_added_then_quit" in viewer.store
        assert started.is_set()
        await pilot.press("q")
    assert saved(path) == [*IDS, "camp_added_then_quit"]


# -- corrupt file at start, two viewers at once (real processes in a pty) ------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    running = start_server(Simulator(demo_scenario()))
    yield running
    running.stop()


def viewer_argv(server: RunningServer, *ids: str) -> list[str]:
    return command("--base-url", server.base_url, "--interval", "1", *ids)


def test_a_corrupt_watchlist_is_kept_aside_with_a_warning(
    server: RunningServer, tmp_path: Path
) -> None:
    path = tmp_path / "state" / "appizer-tui" / "watchlist.json"
    path.parent.mkdir(parents=True)
    broken = b'{"campaigns": ["camp_launch_eu", "camp_from_bef'
    path.write_bytes(broken)
    env = clean_env(tmp_path, APPIZER_API_KEY=DEMO_API_KEY)
    argv = viewer_argv(server, "camp_flash_sale")
    with PtyProcess(argv, env=env, cwd=tmp_path, size=(160, 40)) as viewer:
        viewer.wait_for(b"corrupt")
        viewer.wait_for(b"camp_flash_sale")
        assert viewer.proc.poll() is None
        viewer.send("q")
        assert viewer.wait() == 0
    backups = list(path.parent.glob("watchlist.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == broken
    assert backups[0].name.encode() in viewer.output  # the warning says where it went
    assert saved(path) == ["camp_flash_sale"]


def test_two_viewers_on_one_watchlist_keep_each_others_additions(
    server: RunningServer, tmp_path: Path
) -> None:
    path = tmp_path / "state" / "appizer-tui" / "watchlist.json"
    env = clean_env(tmp_path, APPIZER_API_KEY=DEMO_API_KEY)
    first = PtyProcess(viewer_argv(server, "camp_launch_eu"), env=env, cwd=tmp_path)
    second = PtyProcess(viewer_argv(server, "camp_flash_sale"), env=env, cwd=tmp_path)
    try:
        for viewer in (first, second):
            viewer.wait_for(b"sending")
        add_campaign(first, "camp_first_added")
        add_campaign(second, "camp_second_added")
        add_campaign(first, "camp_first_again")
        for viewer in (first, second):
            viewer.send("q")
            assert viewer.wait() == 0
    finally:
        first.close()
        second.close()
    assert set(saved(path)) == {
        "camp_launch_eu",
        "camp_flash_sale",
        "camp_first_added",
        "camp_second_added",
        "camp_first_again",
    }
