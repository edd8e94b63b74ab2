"""`watch --on-alert` end to end: a real `appizer-tui watch` process against the simulator on
127.0.0.1, a real hook process that records its stdin; and the hook's bounds in-process."""

from __future__ import annotations

import asyncio
import io
import json
import os
import shlex
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from appizer_tui.alerts.alert import Alert
from appizer_tui.alerts.channels import AlertChannels
from appizer_tui.alerts.rules import AlertConfig, AlertEngine
from appizer_tui.api.client import AppizerClient
from appizer_tui.api.models import Campaign, CampaignStatus, Stats
from appizer_tui.api.secret import ApiKey
from appizer_tui.plain.watch import run_watch
from appizer_tui.polling.clock import FakeClock, SystemClock
from appizer_tui.present.presenter import Presenter
from appizer_tui.sim.app import DEMO_API_KEY, Simulator
from appizer_tui.sim.scenarios import CampaignSpec, Scenario
from appizer_tui.sim.server import start_server
from appizer_tui.state.store import CampaignStore

RECORDER = "import sys\nwith open(sys.argv[1], 'a') as out:\n    out.write(sys.stdin.read())\n"
"""The hook: appends the line it got on stdin to the file named by its argument."""
# A failure rate of 20 % over 1,500 sends, finished in ~3 s at speed 10.
HOT = CampaignSpec("camp_hot", 1500, send_duration=30, failure_rate=0.2, created_ago=60)
WAIT = 60


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APPIZER_", "XDG_"))}
    config = tmp_path / "config.toml"
    config.write_text("")
    env["APPIZER_TUI_CONFIG"] = str(config)
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    return env


def test_watch_on_alert_runs_the_hook_once_per_alert_with_the_jsonl_alert(tmp_path: Path) -> None:
    hook, records = tmp_path / "hook.py", tmp_path / "records.jsonl"
    hook.write_text(RECORDER)
    server = start_server(Simulator(Scenario(campaigns=(HOT,)), speed=10.0))
    try:
        argv = [sys.executable, "-m", "appizer_tui", "watch"]
        argv += ["--base-url", server.base_url, "--api-key", DEMO_API_KEY, "--interval", "1"]
        argv += ["--format", "jsonl", "--notify", "off"]
        argv += ["--on-alert", shlex.join([sys.executable, str(hook), str(records)]), "camp_hot"]
        env = clean_env(tmp_path) | {"APPIZER_SECRET_PROBE": "must-not-reach-the-hook"}
        result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=WAIT)
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    alerts = [{k: v for k, v in e.items() if k != "event"} for e in events if e["event"] == "alert"]
    # The rules' expectations: the failure rate fires once, the finish is noticed once.
    assert sorted((a["rule"], a["state"], a["severity"]) for a in alerts) == [
        ("failure_rate", "firing", "alarm"),
        ("finished", "firing", "notice"),
    ]
    rate = next(a for a in alerts if a["rule"] == "failure_rate")
    assert rate["value"] >= rate["threshold"] == 0.05 and rate["campaign_id"] == "camp_hot"
    recorded = [json.loads(line) for line in records.read_text().splitlines()]
    assert sorted(recorded, key=lambda a: a["rule"]) == sorted(alerts, key=lambda a: a["rule"])
    assert DEMO_API_KEY not in records.read_text()


async def test_a_hook_that_sleeps_is_killed_and_polling_stays_on_time(tmp_path: Path) -> None:
    """A hook that would sleep a minute, killed after 1 s (the injectable timeout); the update
    lines keep their one-second cadence meanwhile, and the problem is said once."""
    server = start_server(Simulator(Scenario(campaigns=(HOT,)), speed=10.0))
    problems: list[str] = []
    channels = AlertChannels.configured(
        "off", "sleep 60", None, on_problem=problems.append, hook_timeout=1.0
    )
    out, err = io.StringIO(), io.StringIO()
    clock = SystemClock()
    client = AppizerClient(ApiKey(DEMO_API_KEY), server.base_url, wall_clock=clock.wall)
    started = time.monotonic()
    try:
        code = await run_watch(
            client,
            ["camp_hot"],
            interval=1.0,
            fmt="jsonl",
            clock=clock,
            stdout=out,
            stderr=err,
            handle_signals=False,
            channels=channels,
            hook_grace=1.5,
        )
    finally:
        await client.aclose()
        server.stop()
    took = time.monotonic() - started
    assert code == 0
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {e["rule"] for e in events if e["event"] == "alert"} == {"failure_rate", "finished"}
    # Polls at 1 s: the send takes ~3 s; the hanging hooks cost the run no more than the grace.
    assert took < 3.0 + 2.5 + 1.5, took
    updates = [e for e in events if e["event"] == "update"]
    assert len(updates) >= 3
    times = [datetime.fromisoformat(e["at"].replace("Z", "+00:00")) for e in updates]
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    assert max(gaps) < 2.0, gaps  # a poll every second, hook or not
    assert problems == ["on-alert hook: killed after 1 s"]


def pwned(folder: Path) -> bool:
    """True when a shell ran the id's `touch PWNED` (in the test's folder or here)."""
    return (folder / "PWNED").exists() or Path("PWNED").exists()


HOSTILE_ID = "camp;$(touch PWNED)`id`|&\x1b]0;title\x07\x1b[2J'\""
HOSTILE_STATUS = "failed\x1b]777;notify;fake;x\x07 $(rm -rf ~) \u202e"


async def test_hostile_ids_and_texts_reach_the_hook_only_as_inert_json_strings(
    tmp_path: Path,
) -> None:
    hook, records = tmp_path / "hook.py", tmp_path / "records.jsonl"
    hook.write_text(RECORDER)
    clock = FakeClock()
    store = CampaignStore(interval=5.0, wall=clock.wall)
    store.add(HOSTILE_ID)
    channels = AlertChannels.configured(
        "off", shlex.join([sys.executable, str(hook), str(records)]), None
    )
    presenter = Presenter(
        store, clock, alerts=AlertEngine(AlertConfig(min_attempts=0)), channels=channels
    )
    task = asyncio.create_task(presenter.run())
    await clock.advance(0)
    sent: list[Alert] = []
    presenter.subscribe(lambda frame: sent.extend(frame.alerts))

    def poll(status: CampaignStatus, raw: str) -> None:
        stats = Stats(total_recipients=1000, sent=500, delivered=500, failed=300)
        data = Campaign(campaign_id=HOSTILE_ID, status=status, raw_status=raw, stats=stats)
        store.record_success(HOSTILE_ID, data, at=clock.wall())

    try:
        poll(CampaignStatus.SENDING, "sending")
        await clock.advance(5)
        poll(CampaignStatus.FAILED, HOSTILE_STATUS)
        await clock.advance(5)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await channels.aclose(grace=20)
    assert [(a.rule, a.state) for a in sent] == [("failure_rate", "firing"), ("failed", "firing")]
    raw = records.read_text()
    assert "\x1b" not in raw and "\x07" not in raw and "\u202e" not in raw
    recorded: list[dict[str, Any]] = [json.loads(line) for line in raw.splitlines()]
    assert sorted(recorded, key=lambda r: r["rule"]) == sorted(
        (a.to_dict() for a in sent), key=lambda r: r["rule"]
    )
    assert all(r["campaign_id"].startswith("camp;$(touch PWNED)") for r in recorded)
    assert not pwned(tmp_path)
