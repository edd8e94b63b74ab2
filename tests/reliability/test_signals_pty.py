"""Ending the viewer from outside, and resizing it, in a real pty.

Ctrl+C (a key in raw mode), SIGTERM, SIGHUP and SIGINT each end the viewer cleanly: the exit
status is the documented one, the terminal gets its modes back (the termios attributes after the
run equal those before it; the alternate screen is left and the cursor shown), and an id added
just before the signal is in the watchlist file. A dropped connection (the pty closed under the
viewer) ends it too, without hanging. A storm of resizes, down to 20x10 and 1x1, never crashes.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from pty_support import EXIT_SEQUENCES, PtyProcess, add_campaign, clean_env, command
from term_screen import TermScreen

from appizer_tui.sim.app import DEMO_API_KEY, Simulator
from appizer_tui.sim.scenarios import demo_scenario
from appizer_tui.sim.server import RunningServer, start_server

IDS = ("camp_launch_eu", "camp_flash_sale")


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    running = start_server(Simulator(demo_scenario()))
    yield running
    running.stop()


def start_viewer(
    server: RunningServer, tmp_path: Path, size: tuple[int, int] = (120, 36)
) -> PtyProcess:
    env = clean_env(tmp_path, APPIZER_API_KEY=DEMO_API_KEY)
    argv = command("--base-url", server.base_url, "--interval", "1", *IDS)
    viewer = PtyProcess(argv, env=env, cwd=tmp_path, size=size)
    viewer.wait_for(b"camp_flash_sale")
    viewer.wait_for(b"sending")
    return viewer


def watchlist(tmp_path: Path) -> list[str]:
    path = tmp_path / "state" / "appizer-tui" / "watchlist.json"
    return list(json.loads(path.read_text())["campaigns"])


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("ctrl+c", 0),
        ("q", 0),
        (signal.SIGTERM, 128 + signal.SIGTERM),
        (signal.SIGHUP, 128 + signal.SIGHUP),
        (signal.SIGINT, 128 + signal.SIGINT),
    ],
    ids=["ctrl+c", "q", "SIGTERM", "SIGHUP", "SIGINT"],
)
def test_the_viewer_ends_cleanly(
    how: str | signal.Signals, expected: int, server: RunningServer, tmp_path: Path
) -> None:
    with start_viewer(server, tmp_path) as viewer:
        add_campaign(viewer, "camp_added_last")
        mark = len(viewer.output)
        if how == "ctrl+c":
            viewer.send(b"\x03")
        elif how == "q":
            viewer.send("q")
        else:
            assert isinstance(how, signal.Signals)
            viewer.signal(how)
        code = viewer.wait()
        tail = viewer.output[mark:]
        assert viewer.final_modes == viewer.initial_modes, "terminal modes not restored"
    assert code == expected, viewer.text()[-2000:]
    for sequence in EXIT_SEQUENCES:
        assert sequence in tail, sequence
    assert b"Traceback" not in viewer.output
    assert watchlist(tmp_path) == [*IDS, "camp_added_last"]


def test_a_dropped_terminal_ends_the_viewer(server: RunningServer, tmp_path: Path) -> None:
    """The SSH connection drops: the pty goes away under the viewer (the kernel sends SIGHUP,
    and every read and write on the terminal fails from then on). It must end, not hang or
    spin, and keep the watchlist."""
    viewer = start_viewer(server, tmp_path)
    try:
        add_campaign(viewer, "camp_before_the_drop")
        viewer.hang_up()
        code = viewer.wait()
    finally:
        viewer.close()
    assert code == 128 + signal.SIGHUP
    assert watchlist(tmp_path) == [*IDS, "camp_before_the_drop"]


def test_resizes_at_any_moment_never_crash(server: RunningServer, tmp_path: Path) -> None:
    sizes = [(20, 10), (200, 60), (1, 1), (80, 24), (10, 5), (300, 100), (20, 10), (81, 25)]
    with start_viewer(server, tmp_path) as viewer:
        for columns, rows in sizes * 3:
            viewer.resize(columns, rows)
        viewer.resize(120, 36)
        # Again with the add dialog open (typing into it meanwhile).
        mark = len(viewer.output)
        viewer.send("a")
        viewer.wait_for(b"Add campaigns", since=mark)
        for columns, rows in sizes * 3:
            viewer.resize(columns, rows)
            viewer.send("x")
        viewer.resize(20, 10)
        mark = len(viewer.output)
        viewer.resize(100, 30)
        viewer.wait_for(b"Add campaigns", since=mark)  # drawn again at the new size
        assert viewer.proc.poll() is None
        viewer.send(b"\x03")  # Ctrl+C quits from anywhere, a dialog included
        code = viewer.wait()
    assert code == 0, TermScreen(120, 36).feed_text(viewer.text())
    assert b"Traceback" not in viewer.output
