"""The command line as a user types it, read by click from the settings table: a bare
`appizer-tui ID...` opens the viewer with the settings it was given, a word close to a command is
refused, a pipe gets `watch`, and each command's --help lists exactly its settings' flags."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import appizer_tui.plain.commands as plain_commands
import appizer_tui.viewer as viewer
from appizer_tui.cli import main
from appizer_tui.settings_table import settings_for
from appizer_tui.state.watchlist import save_watchlist
from appizer_tui.terminal_check import TerminalVerdict

KEY = "sk_test_cmdline_000000000000001"


class Started(Exception):
    """Raised instead of starting the viewer or watch, with what they were given."""

    def __init__(self, what: str, settings: Any, ids: list[str], **extra: Any) -> None:
        super().__init__(what)
        self.what, self.settings, self.ids, self.extra = what, settings, ids, extra


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("APPIZER_API_KEY", "APPIZER_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "empty.toml").write_text("")
    monkeypatch.setenv("APPIZER_TUI_CONFIG", str(tmp_path / "empty.toml"))

    def start_viewer(conn: Any, ids: list[str], *, persist: bool) -> int:
        raise Started("viewer", conn.settings, ids, persist=persist, demo_ids=conn.demo_ids)

    def start_watch(conn: Any, ids: list[str], **kwargs: Any) -> int:
        raise Started("watch", conn.settings, list(ids))

    monkeypatch.setattr(viewer, "_run_viewer", start_viewer)
    monkeypatch.setattr(plain_commands, "watch_main", start_watch)


def run(args: list[str], *, terminal: bool = True) -> Started | tuple[int, str]:
    """What `appizer-tui ARGS` starts, or its exit status and output when it starts nothing."""
    with pytest.MonkeyPatch.context() as patch:
        verdict = TerminalVerdict("view" if terminal else "watch")
        patch.setattr(viewer, "check_terminal", lambda env, streams: verdict)
        result = CliRunner().invoke(main, args)
    if isinstance(result.exception, Started):
        return result.exception
    return result.exit_code, result.output


def test_bare_ids_open_the_viewer_with_the_flags_settings(tmp_path: Path) -> None:
    args = [
        *("--api-key", KEY, "--interval", "7", "--max-rpm", "120", "--budget-share", "0.5"),
        *("--alert-failure-rate", "0.1", "--watchlist", str(tmp_path / "w.json")),
        *("--export-dir", str(tmp_path), "c1", "c2,c3", "c1"),
    ]
    started = run(args)
    assert isinstance(started, Started) and started.what == "viewer"
    assert started.ids == ["c1", "c2", "c3"]
    assert started.extra["persist"] is True
    s = started.settings
    assert s.api_key.reveal() == KEY
    assert (s.interval, s.max_rpm, s.budget_share, s.alert_failure_rate) == (7, 120, 0.5, 0.1)
    assert (s.watchlist_path, s.export_dir) == (tmp_path / "w.json", tmp_path)
    explicit = run(["view", *args])
    assert isinstance(explicit, Started) and explicit.settings == started.settings


def test_no_persist_and_the_demo_keep_the_watchlist_alone() -> None:
    started = run(["--api-key", KEY, "--no-persist", "c1"])
    assert isinstance(started, Started) and started.extra["persist"] is False
    demo = run(["--demo"])
    assert isinstance(demo, Started) and demo.extra["persist"] is False
    assert demo.ids == list(demo.extra["demo_ids"]) and demo.ids


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stauts", "c1"], "no such command 'stauts'; did you mean 'status'?"),
        (["--api-key", KEY, "--interval", "0.5", "c1"], "interval must be between 1 and 300"),
        (["--api-key", KEY, "--interval", "soon"], "'soon' is not a valid float"),
        (["--demo", "--colour"], "No such option '--colour'"),
        (["--api-key", KEY, "c1", "a/b"], "path separator"),
    ],
)
def test_mistakes_are_usage_errors_that_say_what_is_wrong(args: list[str], message: str) -> None:
    code, output = run(args)  # type: ignore[misc]
    assert code == 2
    assert message in " ".join(output.split())


def test_no_key_opens_the_viewer_which_asks_for_one(tmp_path: Path) -> None:
    started = run(["c1"])
    assert isinstance(started, Started) and started.what == "viewer"
    assert started.ids == ["c1"] and started.settings.api_key is None
    saved = tmp_path / "w.json"
    save_watchlist(saved, ["s1"])
    from_list = run(["--watchlist", str(saved)])
    assert isinstance(from_list, Started) and from_list.settings.api_key is None


@pytest.mark.parametrize(
    "args",
    [["c1"], ["status", "c1"], ["watch", "c1"], ["export", "c1"]],
    ids=["piped viewer", "status", "watch", "export"],
)
def test_without_a_terminal_no_key_is_still_a_one_line_usage_error(args: list[str]) -> None:
    code, output = run(args, terminal=False)  # type: ignore[misc]
    assert code == 2
    assert "no API key: set APPIZER_API_KEY" in " ".join(output.split())


def test_an_id_with_an_underscore_is_never_taken_for_a_command() -> None:
    started = run(["--api-key", KEY, "stauts_1"])
    assert isinstance(started, Started) and started.ids == ["stauts_1"]


def test_a_pipe_gets_watch_on_the_ids_or_else_the_saved_watchlist(tmp_path: Path) -> None:
    started = run(["--api-key", KEY, "--interval", "9", "c1"], terminal=False)
    assert isinstance(started, Started) and started.what == "watch"
    assert (started.ids, started.settings.interval) == (["c1"], 9)
    saved = tmp_path / "w.json"
    save_watchlist(saved, ["s1", "s2"])
    from_list = run(["--api-key", KEY, "--watchlist", str(saved)], terminal=False)
    assert isinstance(from_list, Started) and from_list.ids == ["s1", "s2"]
    code, output = run(["--api-key", KEY, "--no-persist"], terminal=False)  # type: ignore[misc]
    assert code == 2 and "no campaign to watch" in output


@pytest.mark.parametrize("command", ["view", "status", "watch", "export"])
def test_each_commands_help_lists_exactly_its_settings(command: str) -> None:
    output = CliRunner().invoke(main, [command, "--help"]).output
    mine = {setting.flag for setting in settings_for(command)}
    everyone = {setting.flag for command in ("view", "watch") for setting in settings_for(command)}
    assert {flag for flag in everyone if f"{flag} " in output or f"{flag}\n" in output} == mine


def test_the_entry_point_refuses_a_mistyped_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "appizer_tui", "stauts", "c1"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "did you mean 'status'?" in done.stderr
