"""`appizer-tui watch` as a subprocess against a real simulator server on 127.0.0.1.

Where lines are compared with the simulator's truth, the simulator runs on a clock the test moves
by hand: between moves its truth stands still, so every printed line must equal it exactly, and a
campaign whose truth did not change must print nothing (one line per change, not per poll).
"""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from plain_helpers import (
    FINISHED,
    UPDATE,
    WAIT,
    Lines,
    ManualClock,
    against,
    api_fields,
    command,
    run,
    text_matches_truth,
)

from appizer_tui.sim.app import Simulator
from appizer_tui.sim.scenarios import CampaignSpec, demo_scenario
from appizer_tui.sim.server import RunningServer

TERMINAL = ("completed", "failed", "cancelled")
STEPPED = (
    CampaignSpec("camp_ok", 5000, start_after=20, send_duration=90, created_ago=60),
    CampaignSpec("camp_fail", 3000, outcome="failed", send_duration=90, stop_fraction=0.5),
)


def _truth(sim: Simulator, campaign_id: str) -> dict[str, Any]:
    truth = sim.truth(campaign_id)
    assert truth is not None
    return truth


class Follower:
    """Checks each stdout line of a running watch against the simulator's (frozen) truth."""

    def __init__(self, sim: Simulator, lines: Lines, fmt: str, ids: list[str]) -> None:
        self.sim, self.lines, self.fmt, self.ids = sim, lines, fmt, ids
        self.last: dict[str, dict[str, Any]] = {}
        self.finished: set[str] = set()
        self.awaiting_terminal: set[str] = set()

    def changed(self) -> set[str]:
        """Campaigns whose truth differs from what was last printed (and are still followed)."""
        return {
            cid
            for cid in self.ids
            if cid not in self.finished and api_fields(_truth(self.sim, cid)) != self.last.get(cid)
        }

    def read_until_printed(self, expected: set[str]) -> None:
        """Read lines until every campaign in `expected` printed its update (and, when terminal,
        its terminal line). Every line must equal the truth; no other campaign may print."""
        while expected or self.awaiting_terminal:
            line = self.lines.next()
            assert line is not None, f"watch ended early; waiting for {expected}"
            cid, kind, status = self._check(line)
            if kind == "alert":
                continue  # the rule engine's verdict: checked in test_watch_virtual
            if kind == "update":
                assert cid in expected, f"a line for {cid} although it did not change: {line}"
                expected.discard(cid)
                self.last[cid] = api_fields(_truth(self.sim, cid))
                if status in TERMINAL:
                    self.awaiting_terminal.add(cid)
            else:
                assert cid in self.awaiting_terminal, line
                self.awaiting_terminal.discard(cid)
                self.finished.add(cid)

    def _check(self, line: str) -> tuple[str, str, str]:
        if self.fmt == "jsonl":
            event = json.loads(line)
            if event["event"] == "alert":
                return event["campaign_id"], "alert", ""
            assert event["event"] in ("update", "terminal"), line
            campaign = event["campaign"]
            cid = campaign["campaign_id"]
            assert campaign == api_fields(_truth(self.sim, cid))
            return cid, event["event"], campaign["status"]
        if match := UPDATE.match(line):
            assert text_matches_truth(match, _truth(self.sim, match["id"])), line
            return match["id"], "update", match["status"]
        finished = FINISHED.match(line)
        assert finished is not None, f"unexpected line: {line!r}"
        assert finished["status"] == _truth(self.sim, finished["id"])["status"]
        return finished["id"], "terminal", finished["status"]


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_every_line_matches_the_truth_step_by_step(
    fmt: str,
    serve: Callable[..., RunningServer],
    manual_clock: ManualClock,
    env: dict[str, str],
) -> None:
    server = serve(*STEPPED, clock=manual_clock)
    ids = ["camp_ok", "camp_fail"]
    args = ["watch", *against(server), "--interval", "1", "--exit-status", "--format", fmt, *ids]
    proc = subprocess.Popen(
        command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        follower = Follower(server.simulator, Lines(proc.stdout), fmt, ids)  # type: ignore[arg-type]
        for _ in range(8):
            follower.read_until_printed(follower.changed())
            if follower.finished == set(ids):
                break
            manual_clock.advance(40)
        rest = follower.lines.rest()
        code = proc.wait(timeout=WAIT)
    finally:
        proc.kill()
    assert follower.finished == set(ids)
    assert code == 1, proc.stderr.read() if proc.stderr else ""  # camp_fail failed
    if fmt == "jsonl":
        # After the last terminal line: only the presenter's last frame's alerts (notices).
        assert {json.loads(line)["event"] for line in rest} <= {"alert"}
        return
    # The summary: header, one row per campaign with the final truth, and the tally.
    assert rest[0] == ""
    rows = {r.split()[0]: r.split() for r in rest[2:4]}
    for cid in ids:
        stats = _truth(server.simulator, cid)["stats"]
        row = rows[cid]
        assert row[1] == _truth(server.simulator, cid)["status"]
        assert row[2] == f"{stats['sent'] + stats['failed']:,}/{stats['total_recipients']:,}"
    assert rest[-1].startswith("2 campaigns: 1 completed, 1 failed · watched")


FAST = (
    CampaignSpec("camp_ok", 2000, send_duration=30),
    CampaignSpec("camp_fail", 2000, outcome="failed", send_duration=30, stop_fraction=0.5),
    CampaignSpec("camp_cancel", 2000, outcome="cancelled", send_duration=30, stop_fraction=0.3),
    CampaignSpec("camp_slow", 2000, send_duration=1_000_000),
    CampaignSpec("camp_busy", 10_000_000, send_duration=100_000),  # changes at every poll
)
WRONG_KEY = "sk_test_not_the_right_key_0000"


@pytest.mark.parametrize(
    ("ids", "flags", "key", "expected", "says"),
    [
        (["camp_ok"], ["--exit-status"], None, 0, "1 campaign: 1 completed"),
        (["camp_ok", "camp_fail"], ["--exit-status"], None, 1, "1 completed, 1 failed"),
        (["camp_ok", "camp_cancel"], ["--exit-status"], None, 1, "1 completed, 1 cancelled"),
        # Exit 4 comes only after the 404's first-minute grace: tested on virtual time in
        # test_watch_virtual.py and tests/polling/test_polling_not_found_grace.py.
        (["camp_ok"], ["--exit-status"], WRONG_KEY, 3, "1 not fetched"),
        (["camp_slow"], ["--exit-status", "--timeout", "1.5"], None, 124, "1 still sending"),
        (["camp_fail", "camp_cancel"], [], None, 0, "1 failed, 1 cancelled"),
        (["camp_slow"], ["--timeout", "1"], None, 0, "timed out"),
        (["camp_ok"], [], WRONG_KEY, 3, "the API key was refused"),
    ],
)
def test_exit_status(
    ids: list[str],
    flags: list[str],
    key: str | None,
    expected: int,
    says: str,
    serve: Callable[..., RunningServer],
    env: dict[str, str],
) -> None:
    server = serve(*FAST, speed=30.0)
    connection = against(server, key) if key else against(server)
    result = run(["watch", *connection, "--interval", "1", *flags, *ids], env)
    assert result.returncode == expected, result.stderr
    assert says in result.stdout.splitlines()[-1]
    if expected == 3:
        assert "unauthorized (HTTP 401, INVALID_API_KEY)" in result.stderr
        assert WRONG_KEY not in result.stdout + result.stderr
    if expected == 4:
        assert "camp_missing  not found (HTTP 404" in result.stderr
    if expected == 124:
        assert "timed out with 1 still running" in result.stderr


def test_usage_errors_exit_2(env: dict[str, str]) -> None:
    key = ["--api-key", "sk_test_whatever_0000", "--base-url", "http://127.0.0.1:9/v1"]
    assert run(["watch", *key, "bad/id"], env).returncode == 2
    assert run(["watch", *key], env).returncode == 2
    assert run(["watch", *key, "--format", "xml", "c1"], env).returncode == 2
    assert run(["watch", *key, "--interval", "0.1", "c1"], env).returncode == 2
    no_key = run(["watch", "c1"], env)
    assert no_key.returncode == 2 and "APPIZER_API_KEY" in no_key.stderr


@pytest.mark.parametrize(("sig", "expected"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_ends_with_the_summary(
    sig: signal.Signals,
    expected: int,
    serve: Callable[..., RunningServer],
    env: dict[str, str],
) -> None:
    server = serve(*FAST)
    args = ["watch", *against(server), "--interval", "1", "--exit-status", "camp_slow"]
    proc = subprocess.Popen(
        command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        lines = Lines(proc.stdout)  # type: ignore[arg-type]
        first = lines.next()
        assert first is not None and UPDATE.match(first), first
        proc.send_signal(sig)
        rest = lines.rest()
        code = proc.wait(timeout=WAIT)
        err = proc.stderr.read() if proc.stderr else ""
    finally:
        proc.kill()
    assert code == expected, err
    assert f"{sig.name} received, stopping" in err
    assert (
        rest[-1].startswith("1 campaign: 1 still sending · watched") and "interrupted" in rest[-1]
    )
    assert "Traceback" not in err


def test_a_lost_connection_is_retried_and_the_run_ends_right(
    serve: Callable[..., RunningServer], manual_clock: ManualClock, env: dict[str, str]
) -> None:
    server = serve(*STEPPED, clock=manual_clock)
    sim = server.simulator
    args = ["watch", *against(server), "--interval", "1", "--exit-status", "--format", "jsonl"]
    proc = subprocess.Popen(
        command(*args, "camp_ok"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines = Lines(proc.stdout)  # type: ignore[arg-type]
        first = json.loads(lines.next() or "{}")
        assert first["event"] == "update" and first["campaign"] == api_fields(
            _truth(sim, "camp_ok")
        )
        sim.set_down(True)  # every connection is reset from now on
        error = json.loads(lines.next() or "{}")
        assert error["event"] == "error" and error["campaign_id"] == "camp_ok"
        assert error["error"]["kind"] == "network" and error["error"]["next_retry_at"]
        sim.set_down(False)
        manual_clock.advance(200)  # long past completion
        events = [json.loads(line) for line in lines.rest()]
        code = proc.wait(timeout=WAIT)
    finally:
        proc.kill()
    assert code == 0
    events = [e for e in events if e["event"] != "alert"]  # the rules': tested in tests/alerts
    updates = [e for e in events if e["event"] == "update"]
    assert events[-1]["event"] == "terminal"
    assert updates[-1]["campaign"] == events[-1]["campaign"] == api_fields(_truth(sim, "camp_ok"))
    assert events[-1]["campaign"]["status"] == "completed"


def test_bare_command_with_stdout_not_a_terminal_watches(
    serve: Callable[..., RunningServer], env: dict[str, str]
) -> None:
    server = serve(*FAST, speed=30.0)
    result = run([*against(server), "--interval", "1", "camp_ok"], env)
    assert result.returncode == 0, result.stderr
    assert UPDATE.match(result.stdout.splitlines()[0])
    assert result.stdout.splitlines()[-1].startswith("1 campaign: 1 completed")


def test_demo_without_ids_watches_the_demo_campaigns(env: dict[str, str]) -> None:
    result = run(["watch", "--demo", "--format", "jsonl", "--interval", "1", "--timeout", "2"], env)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    seen = {e["campaign"]["campaign_id"] for e in events if e["event"] in ("update", "terminal")}
    assert seen == set(demo_scenario().ids())


def test_a_closed_pipe_ends_quietly(
    serve: Callable[..., RunningServer], env: dict[str, str]
) -> None:
    """`watch --format jsonl ... | head -1`: the reader goes away; watch stops without a trace."""
    server = serve(*FAST, speed=30.0)
    args = ["watch", *against(server), "--interval", "1", "--format", "jsonl", "camp_busy"]
    proc = subprocess.Popen(
        command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        assert json.loads(proc.stdout.readline())["event"] == "update"
        proc.stdout.close()  # the next line written hits a closed pipe
        code = proc.wait(timeout=WAIT)
        err = proc.stderr.read() if proc.stderr else ""
    finally:
        proc.kill()
    assert code == 141
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_bare_command_without_ids_watches_the_saved_watchlist(
    serve: Callable[..., RunningServer], env: dict[str, str]
) -> None:
    from appizer_tui.state.watchlist import save_watchlist

    save_watchlist(Path(env["XDG_STATE_HOME"]) / "appizer-tui" / "watchlist.json", ["camp_ok"])
    server = serve(*FAST, speed=30.0)
    result = run([*against(server), "--interval", "1"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("1 campaign: 1 completed")
