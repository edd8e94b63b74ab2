"""`--on-alert` with real subprocesses: a Python hook that records its stdin, argv and environment
to a file per run, or hangs, or fails, or waits for a signal file."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import sys
import time
from pathlib import Path

import pytest
from alert_support import Feed, campaign
from msgspec.structs import replace

from appizer_tui.alerts.alert import Alert
from appizer_tui.alerts.channels import AlertChannels
from appizer_tui.alerts.hooks import MAX_RUNNING, TIMEOUT, HookRunner
from appizer_tui.alerts.notify import TerminalNotifier
from appizer_tui.api.models import CampaignStatus

HOOK = """
import json, os, subprocess, sys, time
out = sys.argv[1]
mode = sys.argv[2] if len(sys.argv) > 2 else "record"
data = sys.stdin.read()
record = {"stdin": data, "argv": sys.argv[1:], "env": dict(os.environ), "pid": os.getpid()}
if mode == "hang":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    record["child"] = child.pid
path = os.path.join(out, f"{os.getpid()}.json")
with open(path + ".tmp", "w") as f:
    json.dump(record, f)
os.replace(path + ".tmp", path)
if mode == "hang":
    time.sleep(60)
if mode == "block":
    while not os.path.exists(os.path.join(out, "release")):
        time.sleep(0.01)
if mode == "fail" or (mode == "fail-on" and "BREAK" in data):
    sys.stderr.write("boom\\n" * 200)
    sys.exit(1)
"""

HOSTILE_ID = "camp_$(touch PWNED)`touch PWNED`;touch PWNED|x&\x1b]0;t\x07'\"\\"


@pytest.fixture
def hook(tmp_path: Path) -> tuple[Path, Path]:
    script = tmp_path / "hook.py"
    script.write_text(HOOK)
    out = tmp_path / "runs dir"  # a space: the command line's quoting must hold
    out.mkdir()
    return script, out


def command(script: Path, out: Path, mode: str = "record") -> str:
    return shlex.join([sys.executable, str(script), str(out), mode])


def records(out: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]


def alerts_with_hostile_ids() -> list[Alert]:
    feed = Feed(None, HOSTILE_ID, "camp_ok")
    found = feed.poll(campaign(900, 100, campaign_id=HOSTILE_ID))
    found += feed.poll(campaign(10, 0, total=100, campaign_id="camp_ok"))
    found += feed.poll(
        campaign(100, 0, total=100, campaign_id="camp_ok", status=CampaignStatus.COMPLETED)
    )
    return found


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


async def until(condition, deadline: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Wait for a subprocess's doing, with a deadline (never reached when things work)."""
    end = time.monotonic() + deadline
    while not condition():
        assert time.monotonic() < end, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_each_alert_reaches_the_hook_as_one_json_line_equal_to_the_alert(
    hook, tmp_path, monkeypatch
):
    script, out = hook
    monkeypatch.chdir(tmp_path)  # where a shell would have created PWNED
    alerts = alerts_with_hostile_ids()
    assert [a.rule for a in alerts] == ["failure_rate", "finished"]
    env = dict(os.environ, APPIZER_API_KEY="sk_live_never_in_a_hook_0123", HOME=str(tmp_path))
    runner = HookRunner(command(script, out), env=env)
    for alert in alerts:
        assert runner.submit(alert) is True
    await runner.drain()
    await runner.aclose()

    runs = records(out)
    assert len(runs) == 2 and runner.problem is None
    lines = sorted(str(run["stdin"]) for run in runs)
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    assert sorted(json.loads(line)["rule"] for line in lines) == ["failure_rate", "finished"]
    got = sorted((json.loads(line) for line in lines), key=lambda r: r["rule"])
    assert got == [alert.to_dict() for alert in alerts]
    hostile = got[0]
    assert hostile["campaign_id"].startswith("camp_$(touch PWNED)`touch PWNED`;touch PWNED|x&")
    assert "\x1b" not in "".join(lines) and "\x07" not in "".join(lines)
    # Nothing was run by a shell: no PWNED file anywhere it could have been created.
    assert not list(tmp_path.rglob("PWNED"))
    for run in runs:
        assert run["argv"] == [str(out), "record"]
        assert not any(name.startswith("APPIZER_") for name in run["env"])  # type: ignore[union-attr]
        assert "sk_live_never_in_a_hook" not in json.dumps(run)


async def test_a_hanging_hook_is_killed_at_the_timeout_and_the_caller_never_waits(hook):
    script, out = hook
    reports: list[str] = []
    runner = HookRunner(command(script, out, "hang"), timeout=1.0, on_problem=reports.append)
    assert (
        (HookRunner("x").timeout, HookRunner("x").max_running)
        == (TIMEOUT, MAX_RUNNING)
        == (
            10.0,
            4,
        )
    )
    alert = alerts_with_hostile_ids()[0]

    # The loop keeps turning while the hook hangs: a ticker measures its longest stall.
    gaps: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        last = time.monotonic()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    started = time.monotonic()
    submitted = runner.submit(alert)
    submit_took = time.monotonic() - started
    await until(lambda: len(records(out)) == 1)
    await runner.drain()
    killed_after = time.monotonic() - started
    stop.set()
    await ticking
    await runner.aclose()

    assert submitted is True
    assert submit_took < 0.5  # it only enqueues (a 60 s hook would show as seconds here)
    assert 1.0 <= killed_after < 30.0
    assert reports == ["on-alert hook: killed after 1 s"] and runner.problem == reports[0]
    assert len(gaps) > 10 and max(gaps) < 1.0  # never held up for the hook's timeout
    run = records(out)[0]
    # The hook and the process it started (its whole group) are gone.
    await until(lambda: not alive(int(run["pid"])) and not alive(int(run["child"])))


async def test_failures_are_reported_once_per_streak_with_the_start_of_stderr(hook):
    script, out = hook
    reports: list[str] = []
    runner = HookRunner(command(script, out, "fail-on"), max_running=1, on_problem=reports.append)
    base = alerts_with_hostile_ids()[1]
    messages = ["BREAK 1", "BREAK 2", "BREAK 3", "ok", "BREAK 4"]
    outcomes: list[str | None] = []
    for message in messages:
        runner.submit(replace(base, message=message))
        await runner.drain()
        outcomes.append(runner.problem)
    await runner.aclose()

    assert len(reports) == 2  # the first failure of each streak
    assert reports[0] == "on-alert hook: exit status 1: boom"  # the first line of 200
    assert [o is None for o in outcomes] == [False, False, False, True, False]
    assert runner.runs == 5


async def test_a_command_that_cannot_start_is_reported(tmp_path):
    reports: list[str] = []
    runner = HookRunner(str(tmp_path / "no such hook"), on_problem=reports.append)
    runner.submit(alerts_with_hostile_ids()[1])
    await runner.drain()
    await runner.aclose()
    assert len(reports) == 1 and reports[0].startswith("on-alert hook: cannot run ")
    assert "No such file or directory" in reports[0]


async def test_at_most_max_running_at_once_more_wait_and_a_full_queue_drops(hook):
    script, out = hook
    reports: list[str] = []
    runner = HookRunner(
        command(script, out, "block"), max_running=2, queue_size=2, on_problem=reports.append
    )
    alert = alerts_with_hostile_ids()[1]
    assert runner.submit(alert) and runner.submit(alert)
    await until(lambda: len(records(out)) == 2)  # both running, blocked
    assert runner.submit(alert) and runner.submit(alert)  # these two wait
    assert runner.submit(alert) is False  # the queue is full: dropped, reported
    assert reports == ["on-alert hook: alerts dropped: 1 (the queue of waiting runs is full)"]
    await asyncio.sleep(0.3)  # give a wrongly started third run time to show itself
    assert len(records(out)) == 2
    (out / "release").write_text("")
    await runner.drain()
    await runner.aclose()
    assert len(records(out)) == 4 and runner.problem is None


def test_the_command_line_is_split_like_a_shell_would_and_checked():
    runner = HookRunner("""notify --title 'launch alert' --to "ops team" a\\ b""")
    assert runner.argv == ["notify", "--title", "launch alert", "--to", "ops team", "a b"]
    with pytest.raises(ValueError, match="empty"):
        HookRunner("   ")
    with pytest.raises(ValueError):
        HookRunner("notify 'unbalanced")


async def test_channels_send_each_alert_to_the_notifier_and_the_hook_and_close_within_grace(hook):
    script, out = hook
    written: list[str] = []
    hanging = HookRunner(command(script, out, "hang"), timeout=60.0)
    channels = AlertChannels(TerminalNotifier("osc9", written.append), hanging)
    alerts = alerts_with_hostile_ids()
    channels.send(alerts)
    assert len(written) == 2 and all(text.startswith("\x1b]9;") for text in written)
    await until(lambda: len(records(out)) == 2)
    started = time.monotonic()
    await channels.aclose(grace=0.5)
    assert time.monotonic() - started < 30.0  # not the hook's 60 s
    for run in records(out):
        await until(lambda run=run: not alive(int(run["pid"])) and not alive(int(run["child"])))
