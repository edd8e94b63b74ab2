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
    flags = [*against(server), "--history-file", str(history)]
    live = run(["watch", *flags, "--interval", "1", "--format", "jsonl", "camp_ok", "camp_fail"], env)
    assert live.returncode == 0, live.stderr
    return server, history, _events(live.stdout)


def test_replay_jsonl_prints_what_watch_printed_live(
    serve: Callable[..., RunningServer], env: dict[str, str], tmp_path: Path
) -> None:
    server, history, live = _recorded_watch(serve, env, tmp_path)
    assert {e["event"] for e in live} == {"update", "terminal"}
    flags = ["--base-url", server.base_url, "--history-file", str(history)]
    replayed = run(["replay", *flags, "--format", "jsonl"], env)
    assert replayed.returncode == 0, replayed.stderr
