"""`watch` records to a history file; `replay --format jsonl`, `history` and `export --history`
read it back: subprocesses against a real simulator on 127.0.0.1 and a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from plain_helpers import against, run

from appizer_tui.sim.scenarios import CampaignSpec
from appizer_tui.sim.server import RunningServer

FAST = (
    CampaignSpec("camp_ok", 4000, send_duration=12, created_ago=30),
    CampaignSpec("camp_fail", 2000, outcome="failed", send_duration=10, stop_fraction=0.5),
)
"""Two campaigns that finish in seconds of simulated time (the simulator runs 10x)."""


def _events(stdout: str, kinds: tuple[str, ...] = ("update", "terminal")) -> list[dict[str, Any]]:
    events = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return [e for e in events if e["event"] in kinds]


def _recorded_watch(
    serve: Callable[..., RunningServer], env: dict[str, str], tmp_path: Path
) -> tuple[RunningServer, Path, list[dict[str, Any]]]:
    server = serve(*FAST, speed=10.0)
    history = tmp_path / "history.sqlite3"
    flags = [*against(server), "--history-file", str(history), "--interval", "1"]
    live = run(["watch", *flags, "--format", "jsonl", "camp_ok", "camp_fail"], env)
    assert live.returncode == 0, live.stderr
    return server, history, _events(live.stdout)


def _of(events: list[dict[str, Any]], campaign_id: str) -> list[dict[str, Any]]:
    return [e for e in events if e["campaign"]["campaign_id"] == campaign_id]


def test_replay_jsonl_prints_what_watch_printed_live(
    serve: Callable[..., RunningServer], env: dict[str, str], tmp_path: Path
) -> None:
    server, history, live = _recorded_watch(serve, env, tmp_path)
    assert {e["event"] for e in live} == {"update", "terminal"}
    flags = ["--base-url", server.base_url, "--history-file", str(history)]
    replayed = run(["replay", *flags, "--format", "jsonl"], env)
    assert replayed.returncode == 0, replayed.stderr
    assert _events(replayed.stdout) == live
    # One campaign only; and nothing is recorded for another base URL.
    one = run(["replay", *flags, "--format", "jsonl", "camp_ok"], env)
    assert _events(one.stdout) == _of(live, "camp_ok")
    other = run(["replay", "--history-file", str(history), "--format", "jsonl"], env)
    assert other.returncode == 1
    assert "nothing recorded" in other.stderr


def test_history_lists_and_forgets_and_export_history_reads_the_file(
    serve: Callable[..., RunningServer], env: dict[str, str], tmp_path: Path
) -> None:
    server, history, live = _recorded_watch(serve, env, tmp_path)
    flags = ["--base-url", server.base_url, "--history-file", str(history)]
    listed = run(["history", *flags], env)
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line.split() for line in listed.stdout.splitlines()[2:]}
    assert set(rows) == {"camp_ok", "camp_fail"}
    ok_events = _of(live, "camp_ok")
    assert rows["camp_ok"][1] == ok_events[0]["at"]

    served = server.simulator.requests_served
    exported = run(["export", *flags, "--history", "camp_ok"], env)  # no key: no request
    assert exported.returncode == 0, exported.stderr
    assert server.simulator.requests_served == served
    table = list(csv.DictReader(io.StringIO(exported.stdout, newline="")))
    sent = [int(row["sent"]) for row in table]
    assert sent == sorted(sent) and sent[-1] == ok_events[-1]["campaign"]["stats"]["sent"]
    assert {e["at"] for e in ok_events} <= {row["time"] for row in table}

    forgot = run(["history", *flags, "--forget", "camp_ok"], env)
    assert forgot.returncode == 0, forgot.stderr
    listed = run(["history", *flags], env)
    assert "camp_ok" not in listed.stdout and "camp_fail" in listed.stdout


def test_a_missing_history_file_is_a_message_not_a_new_file(
    env: dict[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "none.sqlite3"
    result = run(["history", "--history-file", str(missing)], env)
    assert result.returncode == 1
    assert "no history file" in result.stderr
    assert not missing.exists()


def test_export_offline_falls_back_on_the_last_recorded_sample(
    serve: Callable[..., RunningServer], env: dict[str, str], tmp_path: Path
) -> None:
    server, history, live = _recorded_watch(serve, env, tmp_path)
    server.simulator.set_down(True)
    flags = [*against(server), "--history-file", str(history), "--format", "json"]
    down = run(["export", *flags, "camp_ok"], env)
    assert down.returncode == 6
    offline = run(["export", *flags, "--offline", "camp_ok"], env)
    assert offline.returncode == 0, offline.stderr
    (row,) = json.loads(offline.stdout)
    last = _of(live, "camp_ok")[-1]
    assert row["sent"] == last["campaign"]["stats"]["sent"]
    assert row["status"] == last["campaign"]["status"]
    assert "offline, recorded at" in offline.stderr


def test_watch_records_to_the_default_file_on_a_first_run(
    serve: Callable[..., RunningServer], env: dict[str, str], tmp_path: Path
) -> None:
    server = serve(*FAST, speed=10.0)
    live = run(["watch", *against(server), "--interval", "1", "camp_ok"], env)
    assert live.returncode == 0, live.stderr
    assert "not recorded" not in live.stderr
    assert (tmp_path / "state" / "appizer-tui" / "history.sqlite3").is_file()
    listed = run(["history", "--base-url", server.base_url], env)
    assert listed.returncode == 0 and "camp_ok" in listed.stdout, listed.stderr
