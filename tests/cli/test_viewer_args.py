"""The plain viewer invocation read without click gives `view` exactly what click gives it, and
everything it does not fully understand goes to click unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import appizer_tui.viewer_args as viewer_args
import appizer_tui.viewer_command as viewer_command
from appizer_tui.cli import main
from appizer_tui.terminal_check import TerminalVerdict

VIEW, WATCH = TerminalVerdict("view"), TerminalVerdict("watch")

KEY = "sk_test_args_000000000000000001"
URL = "http://127.0.0.1:9/v1"


class Called(Exception):
    """Raised by the stand-in for `view`, with what it was given."""

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__()
        self.params = params


def _record(campaign_ids: tuple[str, ...], no_persist: bool, **options: Any) -> None:
    raise Called({"campaign_ids": campaign_ids, "no_persist": no_persist, **options})


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("APPIZER_API_KEY", "APPIZER_BASE_URL", "APPIZER_TUI_CONFIG", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr(viewer_command, "view", _record)
    monkeypatch.setattr(viewer_args, "view", _record)
    monkeypatch.setattr(viewer_args, "check_terminal", lambda env, streams: VIEW)


def through_click(args: list[str]) -> dict[str, Any] | int:
    """What click hands `view`, or its exit code when it never gets there."""
    result = CliRunner().invoke(main, args)
    if isinstance(result.exception, Called):
        return result.exception.params
    return result.exit_code


def without_click(args: list[str]) -> dict[str, Any] | None:
    """What the click-free reading hands `view`, or None when it leaves `args` to click."""
    try:
        viewer_args.run_viewer_without_click(args)
    except Called as called:
        return called.params
    return None


UNDERSTOOD = [
    ["--demo"],
    ["--api-key", KEY, "c1"],
    ["--api-key=" + KEY, "--base-url=" + URL, "c1", "c2,c3", "c1"],
    ["c1", "--api-key", KEY, "--no-persist", "c2"],
    ["--base-url", URL, "--api-key", KEY, "--no-persist", "--interval", "5", "load_0001"],
    ["--demo", "--interval", "2.5", "--max-rpm", "120", "--budget-share", "0.5"],
    ["--demo", "--alert-failure-rate=0.1", "--watchlist", "/tmp/w.json", "--export-dir", "/tmp"],
    ["--demo", "--insecure", "--base-url", "http://example.test/v1"],
    ["--demo", "--interval", "1", "--interval", "7"],
    ["--demo", "--api-key="],
    ["--demo", "stauts_1"],
]


@pytest.mark.parametrize("args", UNDERSTOOD)
def test_a_plain_viewer_invocation_reaches_view_as_through_click(args: list[str]) -> None:
    by_click = through_click(args)
    assert isinstance(by_click, dict), f"click refused {args}: exit {by_click}"
    assert without_click(args) == by_click


LEFT_TO_CLICK = [
    ["--help"],
    ["-h"],
    ["--demo", "--help"],
    ["--version"],
    ["--demo", "--version"],
    ["view", "--demo"],
    ["status", "--demo"],
    ["stauts", "--demo"],
    ["--demo", "--"],
    ["--demo", "--colour"],
    ["--demo=yes"],
    ["--demo", "--interval"],
    ["--demo", "--interval", "soon"],
    ["--demo", "--interval", "0.5"],
    ["--demo", "--interval", "-5"],
    ["--demo", "--budget-share", "2"],
    ["--demo", "c1", "a/b"],
    ["--api-key", KEY, "--base-url", "http://example.test/v1", "c1"],
    ["c1"],
]


@pytest.mark.parametrize("args", LEFT_TO_CLICK)
def test_anything_else_is_left_to_click(args: list[str]) -> None:
    assert without_click(args) is None


@pytest.mark.parametrize("args", [[], ["c1"]])
def test_a_missing_key_is_left_to_click(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert without_click(args) is None
    monkeypatch.setenv("APPIZER_API_KEY", KEY)
    by_click = through_click(args)
    assert isinstance(by_click, dict)
    assert without_click(args) == by_click


def test_a_pipe_or_a_completion_request_is_left_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_APPIZER_TUI_COMPLETE", "bash_complete")
    assert without_click(["--demo"]) is None
    monkeypatch.delenv("_APPIZER_TUI_COMPLETE")
    monkeypatch.setattr(viewer_args, "check_terminal", lambda env, streams: WATCH)
    assert without_click(["--demo"]) is None


def test_click_still_refuses_what_is_left_to_it() -> None:
    for args in (["stauts", "c1"], ["--demo", "--colour"], ["--demo", "--interval", "soon"]):
        assert through_click(args) == 2


def test_the_viewer_from_the_entry_point_loads_no_click(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "import appizer_tui.viewer as viewer, appizer_tui.viewer_args as args\n"
        "def stop(*a, **k): raise SystemExit(sorted(m for m in sys.modules if 'click' in m))\n"
        "args.view = stop\n"
        "from appizer_tui.terminal_check import TerminalVerdict\n"
        "args.check_terminal = lambda env, streams: TerminalVerdict('view')\n"
        "sys.argv = ['appizer-tui', '--demo', 'c1']\n"
        "from appizer_tui.__main__ import run\n"
        "run()\n"
    )
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stderr.strip() == "[]"


def test_an_interrupt_before_the_viewer_starts_reads_as_through_click(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(viewer_command, "view", interrupted)
    monkeypatch.setattr(viewer_args, "view", interrupted)
    by_click = CliRunner().invoke(main, ["--demo"])
    with pytest.raises(SystemExit) as exited:
        viewer_args.run_viewer_without_click(["--demo"])
    assert (exited.value.code, capsys.readouterr().err) == (by_click.exit_code, by_click.stderr)
