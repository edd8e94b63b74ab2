"""The start-up check that the viewer can draw here: the decision as a function, then each case
in a real pty (LANG=C, Latin-1, TERM=dumb, 2>FILE): `watch` instead, or exit 2 with one line
saying what to set, and never a full-screen escape sequence on a terminal that cannot show it."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pty_support import PtyProcess, clean_env, command

from appizer_tui.sim.app import DEMO_API_KEY, Simulator
from appizer_tui.sim.scenarios import demo_scenario
from appizer_tui.sim.server import RunningServer, start_server
from appizer_tui.terminal_check import TerminalStreams, check_terminal

ALT_SCREEN = b"\x1b[?1049h"
"""What the full-screen viewer writes first: switch to the alternate screen."""
UTF8_TERMINAL = {"LANG": "en_GB.UTF-8", "TERM": "xterm-256color"}


class FakeStream(io.StringIO):
    def __init__(self, tty: bool, encoding: str = "utf-8") -> None:
        super().__init__()
        self._tty, self._encoding = tty, encoding

    def isatty(self) -> bool:
        return self._tty

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


def streams(
    stdout: bool = True, stderr: bool = True, encoding: str = "utf-8", locale_was_c: bool = False
) -> TerminalStreams:
    return TerminalStreams(FakeStream(stdout, encoding), FakeStream(stderr), locale_was_c)


def test_a_utf8_terminal_gets_the_viewer() -> None:
    assert check_terminal(UTF8_TERMINAL, streams()).action == "view"
    assert check_terminal({**UTF8_TERMINAL, "LANG": "C.utf8"}, streams()).action == "view"


def test_a_pipe_gets_watch_silently_whatever_else_is_wrong() -> None:
    verdict = check_terminal({"TERM": "dumb", "LANG": "C"}, streams(stdout=False))
    assert (verdict.action, verdict.message) == ("watch", "")


@pytest.mark.parametrize(
    ("env", "locale_was_c", "shown"),
    [
        ({"LANG": "C"}, True, "LANG=C"),  # Python coerced LC_CTYPE to C.UTF-8 itself
        ({"LANG": "C", "LC_CTYPE": "C.UTF-8"}, True, "LANG=C"),
        ({}, True, "no LANG"),
        ({"LC_ALL": "POSIX", "LANG": "en_GB.UTF-8"}, True, "LC_ALL=POSIX"),
        ({"LANG": "de_DE.ISO-8859-1"}, False, "LANG=de_DE.ISO-8859-1"),
        ({"LANG": "en_GB.UTF-8", "LC_CTYPE": "en_GB.ISO-8859-15"}, False, "LC_CTYPE="),
    ],
)
def test_a_terminal_that_is_not_utf8_is_refused_with_what_to_set(
    env: dict[str, str], locale_was_c: bool, shown: str
) -> None:
    verdict = check_terminal({"TERM": "xterm", **env}, streams(locale_was_c=locale_was_c))
    assert verdict.action == "refuse"
    assert shown in verdict.message and "set LANG=C.UTF-8" in verdict.message
    assert "\n" not in verdict.message


def test_an_output_encoding_that_is_not_utf8_is_refused() -> None:
    verdict = check_terminal(UTF8_TERMINAL, streams(encoding="latin-1"))
    assert verdict.action == "refuse"


@pytest.mark.parametrize("term", ["dumb", "", None])
def test_a_terminal_without_cursor_movement_gets_watch(term: str | None) -> None:
    env = {"LANG": "C.UTF-8"} if term is None else {"LANG": "C.UTF-8", "TERM": term}
    verdict = check_terminal(env, streams())
    assert verdict.action == "watch"
    assert "TERM" in verdict.message and "TERM=xterm-256color" in verdict.message


def test_stderr_redirected_to_a_file_gets_watch() -> None:
    verdict = check_terminal(UTF8_TERMINAL, streams(stderr=False))
    assert verdict.action == "watch" and "2>FILE" in verdict.message


# -- in a real pty ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    running = start_server(Simulator(demo_scenario()))
    yield running
    running.stop()


def _argv(server: RunningServer) -> list[str]:
    return command("--base-url", server.base_url, "--interval", "1", "camp_flash_sale")


@pytest.mark.parametrize(
    "locale",
    [{"LANG": "C"}, {"LANG": "de_DE.ISO-8859-1"}, {"LANG": "C.UTF-8", "LC_ALL": "C"}],
    ids=["LANG=C", "Latin-1", "LC_ALL=C"],
)
def test_a_c_or_latin1_locale_exits_2_with_one_line(
    locale: dict[str, str], server: RunningServer, tmp_path: Path
) -> None:
    env = clean_env(tmp_path, APPIZER_API_KEY=DEMO_API_KEY)
    env.pop("PYTHONIOENCODING")
    env.update(locale)
    with PtyProcess(_argv(server), env=env, cwd=tmp_path) as child:
        code = child.wait()
    assert code == 2
    lines = child.text().strip().splitlines()
    assert len(lines) == 1 and "set LANG=C.UTF-8" in lines[0], lines
    assert b"\x1b" not in child.output  # nothing drawn


def test_term_dumb_runs_watch_without_any_escape_sequence(
    server: RunningServer, tmp_path: Path
) -> None:
    env = clean_env(tmp_path, APPIZER_API_KEY=DEMO_API_KEY, TERM="dumb")
    env.pop("COLORTERM")
    with PtyProcess(_argv(server), env=env, cwd=tmp_path) as child:
        child.wait_for(b"camp_flash_sale  sending")
        child.signal(2)
        child.wait()
    assert b"TERM=dumb" in child.output and b"running `watch`" in child.output
    assert b"\x1b" not in child.output


def test_stderr_to_a_file_runs_watch_on_the_terminal(
    server: RunningServer, tmp_path: Path
) -> None:
    env = clean_env(tmp_path, APPIZER_API_KEY=DEMO_API_KEY)
    log = tmp_path / "err.log"
    with (
        log.open("wb") as err,
        PtyProcess(_argv(server), env=env, cwd=tmp_path, stderr=err) as child,
    ):
        child.wait_for(re.compile(rb"camp_flash_sale  \S*sending"))  # watch, on the terminal
        child.signal(2)
        child.wait()
    written = log.read_bytes()
    assert ALT_SCREEN not in written and ALT_SCREEN not in child.output
    assert b"stderr is not a terminal" in written
