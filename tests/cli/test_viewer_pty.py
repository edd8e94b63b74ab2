"""The viewer in a real pseudo-terminal, typed at as a person over SSH types: a word in one
write after `/` or `a`, no key at start, and `--no-mouse`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The pty helpers live with the reliability tests.
sys.path.insert(0, str(Path(__file__).parents[1] / "reliability"))

from pty_support import PtyProcess, campaign_count, clean_env, command  # noqa: E402
from term_screen import TermScreen  # noqa: E402

from appizer_tui.sim.app import DEMO_API_KEY, Simulator  # noqa: E402
from appizer_tui.sim.scenarios import demo_scenario  # noqa: E402
from appizer_tui.sim.server import RunningServer, start_server  # noqa: E402

SIZE = (100, 30)
MOUSE_ON = b"\x1b[?1000h"
"""What a terminal gets to start reporting the mouse (Textual turns on 1000, 1003, 1006...)."""


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    running = start_server(Simulator(demo_scenario()))
    yield running
    running.stop()


def viewer(server: RunningServer, tmp_path: Path, *args: str, key: bool = True) -> PtyProcess:
    env = clean_env(tmp_path, **({"APPIZER_API_KEY": DEMO_API_KEY} if key else {}))
    argv = command("--base-url", server.base_url, "--no-persist", *args)
    return PtyProcess(argv, env=env, cwd=tmp_path, size=SIZE)


def screen(process: PtyProcess) -> str:
    return TermScreen(*SIZE).feed_text(process.text())


def test_a_word_typed_in_one_write_after_slash_is_the_filter(
    server: RunningServer, tmp_path: Path
) -> None:
    with viewer(server, tmp_path, "camp_launch_eu", "camp_promo_br") as process:
        process.wait_for(b"sending")
        mark = len(process.output)
        process.send("/promo")  # one write: the keys arrive in one read
        process.wait_for(b"filter: promo (1)", since=mark)
        process.send("\ra")  # Enter ends the filter; the `a` that follows opens Add
        process.wait_for(b"Add campaigns", since=mark)
        mark = len(process.output)
        process.send("camp_flash_sale\r")
        process.wait_for(lambda out: campaign_count(out) == 3, since=mark)
        assert "PAUSED" not in screen(process)
        process.send(b"\x03")
        assert process.wait() == 0


def test_keys_typed_after_the_enter_that_closes_a_dialog_reach_the_list(
    server: RunningServer, tmp_path: Path
) -> None:
    with viewer(server, tmp_path, "camp_launch_eu", "camp_promo_br") as process:
        process.wait_for(b"sending")
        mark = len(process.output)
        # One write: add a campaign, then filter, as a fast typist over SSH sends it.
        process.send("acamp_flash_sale\r/promo")
        process.wait_for(lambda out: campaign_count(out) == 3, since=mark)
        process.wait_for(b"filter: promo (1)", since=mark)
        process.send(b"\x03")
        assert process.wait() == 0


def test_no_key_opens_the_viewer_on_the_key_prompt(server: RunningServer, tmp_path: Path) -> None:
    with viewer(server, tmp_path, "camp_launch_eu", key=False) as process:
        process.wait_for(b"API key")
        process.wait_for(b"No key is set")
        mark = len(process.output)
        process.send(DEMO_API_KEY + "\r/launch")  # the keys after Enter reach the list
        process.wait_for(b"sending", since=mark)
        process.wait_for(b"filter: launch (1)", since=mark)
        assert DEMO_API_KEY not in process.text()
        process.send(b"\x03")
        assert process.wait() == 0


def test_no_mouse_leaves_the_mouse_to_the_terminal(server: RunningServer, tmp_path: Path) -> None:
    with viewer(server, tmp_path, "--no-mouse", "camp_launch_eu") as process:
        process.wait_for(b"sending")
        process.send("q")
        assert process.wait() == 0
        assert MOUSE_ON not in process.output
    with viewer(server, tmp_path, "camp_launch_eu") as process:
        process.wait_for(b"sending")
        process.send("q")
        assert process.wait() == 0
        assert MOUSE_ON in process.output  # the test can see the difference
