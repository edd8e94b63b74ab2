"""`run_watch` in virtual time: the simulator in-process on a FakeClock, so simulated minutes take
milliseconds. Checks what is printed, that it matches the simulator's truth at the moment it was
printed, and every exit status."""

from __future__ import annotations

import asyncio
import io
import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from plain_helpers import UPDATE, shown_rate

from appizer_tui.alerts.rules import AlertConfig
from appizer_tui.api.client import AppizerClient
from appizer_tui.api.secret import ApiKey
from appizer_tui.plain.watch import run_watch
from appizer_tui.polling.clock import FakeClock
from appizer_tui.sim.app import DEMO_API_KEY, Simulator
from appizer_tui.sim.ratelimit import RateLimit
from appizer_tui.sim.scenarios import CampaignSpec, Scenario

LONG = 3600.0


class Recorder(io.StringIO):
    """A stdout that can check each line against the simulator at the instant it is written."""

    def __init__(self, on_line: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.on_line = on_line

    def write(self, text: str) -> int:
        if self.on_line is not None:
            for line in text.splitlines():
                self.on_line(line)
        return super().write(text)


def _sim(fake: FakeClock, *specs: CampaignSpec, **options: Any) -> Simulator:
    return Simulator(Scenario(campaigns=specs), clock=fake.wall, **options)


def _client(sim: Simulator, fake: FakeClock, key: str = DEMO_API_KEY) -> AppizerClient:
    return AppizerClient(
        ApiKey(key),
        "http://127.0.0.1/v1",
        transport=httpx.ASGITransport(sim.app),
        wall_clock=fake.wall,
    )


async def _watch(
    sim: Simulator,
    fake: FakeClock,
    ids: list[str],
    *,
    key: str = DEMO_API_KEY,
    stdout: io.StringIO | None = None,
    during: Callable[[], Any] | None = None,
    **options: Any,
) -> tuple[int, str, str]:
    out = stdout if stdout is not None else io.StringIO()
    err = io.StringIO()
    client = _client(sim, fake, key)
    options.setdefault("interval", 5.0)
    task = asyncio.create_task(
        run_watch(
            client,
            ids,
            clock=fake,
            stdout=out,
            stderr=err,
            handle_signals=False,
            time_mode="utc",
            **options,
        )
    )
    try:
        if during is not None:
            await during()
        await fake.run_until(task.done, LONG)
        code = await task
    finally:
        await client.aclose()
    return code, out.getvalue(), err.getvalue()


SENDING = CampaignSpec("camp_send", 12_000, start_after=10, send_duration=60, created_ago=30)
FAILS = CampaignSpec("camp_fail", 4_000, outcome="failed", send_duration=60, stop_fraction=0.5)
CANCELS = CampaignSpec("camp_stop", 4_000, outcome="cancelled", send_duration=60, stop_fraction=0.2)


def _int(text: str) -> int:
    return int(text.replace(",", ""))


async def test_text_lines_match_the_truth_when_printed() -> None:
    fake = FakeClock()
    sim = _sim(fake, SENDING)
    checked: list[str] = []

    def check(line: str) -> None:
        match = UPDATE.match(line)
        if match is None:
            return
        truth = sim.truth(match["id"])
        assert truth is not None
        stats = truth["stats"]
        assert match["status"] == truth["status"]
        assert _int(match["done"]) == stats["sent"] + stats["failed"]
        assert _int(match["total"]) == stats["total_recipients"]
        for name in ("delivered", "opened", "clicked", "failed"):
            assert _int(match[name]) == stats[name], name
        assert match["dr"] == shown_rate(truth["rates"]["delivery_rate"], truth["stats"]["sent"])
        checked.append(match["status"])

    code, out, err = await _watch(sim, fake, ["camp_send"], stdout=Recorder(check))
    assert code == 0
    # One line per change, not per poll: pending is printed once although it is polled twice.
    assert checked.count("pending") == 1
    assert "sending" in checked and checked[-1] == "completed"
    assert re.search(r"camp_send  finished: \S+ completed · 12,000/12,000 · failure rate", out)
    assert "watching 1 campaign every 5 s" in err
    table = out.split("\n\n")[-1].splitlines()
    assert table[0].split() == [
        "CAMPAIGN", "STATUS", "DONE/TOTAL", "PROGRESS", "DELIVERED", "OPENED", "CLICKED", "FAILED",
        "DELIVERY", "OPEN", "CLICK", "FAILURE",
    ]  # fmt: skip
    assert table[1].split()[:4] == ["camp_send", "completed", "12,000/12,000", "100.0%"]
    assert table[-1].startswith("1 campaign: 1 completed · watched 1 min")
    assert "\x1b" not in out  # a StringIO is not a terminal: no colour


async def test_jsonl_events_are_the_api_fields_at_that_moment() -> None:
    fake = FakeClock()
    sim = _sim(fake, SENDING, FAILS)
    events: list[dict[str, Any]] = []

    def check(line: str) -> None:
        event = json.loads(line)
        events.append(event)
        if event["event"] in ("update", "terminal"):
            campaign = event["campaign"]
            truth = sim.truth(campaign["campaign_id"])
            assert truth is not None
            assert campaign == {k: v for k, v in truth.items() if k != "success"}

    code, out, err = await _watch(
        sim, fake, ["camp_send", "camp_fail"], fmt="jsonl", stdout=Recorder(check)
    )
    assert code == 0  # without --exit-status a failed campaign is not an error
    assert err == ""
    assert {e["event"] for e in events} == {"update", "terminal", "alert"}
    # Both finishes were seen live: one notice each (the rules are tested in tests/alerts).
    notices = {(e["campaign_id"], e["rule"]) for e in events if e["event"] == "alert"}
    assert notices == {("camp_send", "finished"), ("camp_fail", "failed")}
    events = [e for e in events if e["event"] != "alert"]
    terminal = {e["campaign"]["campaign_id"]: e["campaign"]["status"] for e in events
                if e["event"] == "terminal"}  # fmt: skip
    assert terminal == {"camp_send": "completed", "camp_fail": "failed"}
    first = events[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["at"])
    assert set(first["metrics"]) >= {"progress", "failure_rate", "delivery_rate"}


@pytest.mark.parametrize(
    ("specs", "ids", "options", "expected"),
    [
        ((SENDING,), ["camp_send"], {}, 0),
        ((SENDING, FAILS), ["camp_send", "camp_fail"], {}, 1),
        ((SENDING, CANCELS), ["camp_send", "camp_stop"], {}, 1),
        ((SENDING, FAILS), ["camp_send", "camp_fail", "camp_missing"], {}, 4),
        ((SENDING,), ["camp_send"], {"key": "sk_test_wrong_key_000000"}, 3),
        ((SENDING,), ["camp_send"], {"timeout_seconds": 30.0}, 124),
        ((SENDING,), ["camp_send"], {"timeout_seconds": 30.0, "exit_status": False}, 0),
        ((SENDING, FAILS), ["camp_fail", "camp_missing"], {"exit_status": False}, 0),
        ((SENDING,), ["camp_send"], {"key": "sk_test_wrong_key_000000", "exit_status": False}, 3),
    ],
)
async def test_exit_status(
    specs: tuple[CampaignSpec, ...], ids: list[str], options: dict[str, Any], expected: int
) -> None:
    fake = FakeClock()
    options.setdefault("exit_status", True)
    code, out, err = await _watch(_sim(fake, *specs), fake, ids, **options)
    assert code == expected, (out, err)
    if expected == 3:
        assert "unauthorized (HTTP 401, INVALID_API_KEY)" in err
        assert "stopping: set a valid key" in err
    if expected == 4:
        assert "camp_missing  not found (HTTP 404" in err
        assert "stopped watching it" in err
        assert "retrying at" in err  # the first-minute grace retried before giving up


async def test_auth_error_in_jsonl_is_one_global_error_event() -> None:
    fake = FakeClock()
    code, out, _ = await _watch(
        _sim(fake, SENDING), fake, ["camp_send"], key="sk_test_wrong_key_000000", fmt="jsonl"
    )
    assert code == 3
    event, alert = [json.loads(line) for line in out.splitlines()]
    assert event["event"] == "error" and event["campaign_id"] is None
    assert (alert["event"], alert["rule"], alert["state"]) == ("alert", "api", "firing")
    assert event["error"]["kind"] == "auth" and event["error"]["http_status"] == 401


async def test_server_down_mid_watch_is_retried_and_the_run_ends_right() -> None:
    fake = FakeClock()
    sim = _sim(fake, SENDING)

    async def outage() -> None:
        await fake.advance(20)
        sim.set_down(True, mode="unavailable")
        await fake.advance(120)
        sim.set_down(False)

    code, out, err = await _watch(sim, fake, ["camp_send"], during=outage, exit_status=True)
    assert code == 0
    assert "server error (HTTP 503" in err and "retrying at" in err
    assert "offline: the API has been unreachable since" in err and "next probe at" in err
    assert "the API answers again" in err
    truth = sim.truth("camp_send")
    assert truth is not None and truth["status"] == "completed"
    assert "camp_send  finished:" in out


async def test_rate_limit_is_one_line_with_the_resume_time() -> None:
    fake = FakeClock()
    specs = [CampaignSpec(f"c{i}", 1000, send_duration=120) for i in range(3)]
    sim = _sim(fake, *specs, rate_limit=RateLimit(40, 60.0))

    async def another_user_spends_the_key() -> None:
        # The engine plans under the headers it sees, so the 429 comes from someone else.
        await fake.advance(10)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(sim.app)) as other:
            headers = {"Authorization": f"Bearer {DEMO_API_KEY}"}
            for _ in range(40):
                await other.get("http://sim/v1/notifications/campaigns/c0", headers=headers)

    code, out, err = await _watch(
        sim, fake, [s.campaign_id for s in specs], during=another_user_spends_the_key
    )
    assert code == 0
    assert sim.count_429 >= 1
    lines = [line for line in err.splitlines() if "rate limited" in line]
    assert len(lines) == 1, err
    assert re.search(
        r"rate limited \(HTTP 429\): .*; all polling resumes at \d\d:\d\d:\d\d", lines[0]
    )
    jsonl_code, jsonl, _ = await _rate_limited_jsonl()
    errors = [json.loads(x) for x in jsonl.splitlines() if '"error"' in x]
    assert errors[0]["campaign_id"] is None and errors[0]["error"]["kind"] == "rate_limited"
    assert errors[0]["error"]["retry_after"] > 0


async def _rate_limited_jsonl() -> tuple[int, str, str]:
    fake = FakeClock()
    sim = _sim(fake, SENDING, rate_limit=RateLimit(20, 60.0))

    async def spend() -> None:
        await fake.advance(1)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(sim.app)) as other:
            headers = {"Authorization": f"Bearer {DEMO_API_KEY}"}
            for _ in range(20):
                await other.get("http://sim/v1/notifications/campaigns/x", headers=headers)

    return await _watch(sim, fake, ["camp_send"], during=spend, fmt="jsonl")


async def test_closed_output_ends_the_run() -> None:
    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    fake = FakeClock()
    code, _, _ = await _watch(_sim(fake, SENDING), fake, ["camp_send"], stdout=Closed())
    assert code == 141


async def test_alerts_are_the_presenters_with_the_rate_of_the_last_update() -> None:
    fake = FakeClock()
    sim = _sim(fake, SENDING, FAILS)
    events: list[dict[str, Any]] = []
    code, _, err = await _watch(
        sim,
        fake,
        ["camp_send", "camp_fail"],
        fmt="jsonl",
        stdout=Recorder(lambda line: events.append(json.loads(line))),
        alert_config=AlertConfig(failure_rate=0.001, min_attempts=0),
    )
    assert code == 0 and err == ""
    alerts = [e for e in events if e["event"] == "alert" and e["rule"] == "failure_rate"]
    assert alerts, "the failing campaign's rate must alert"
    for alert in alerts:
        assert (alert["state"], alert["severity"], alert["threshold"]) == ("firing", "alarm", 0.001)
        cid = alert["campaign_id"]
        before = [e for e in events[: events.index(alert)] if e["event"] == "update"]
        last = [e for e in before if e["campaign"]["campaign_id"] == cid][-1]
        assert last["metrics"]["failure_rate"] == alert["value"] >= 0.001
        assert alert["campaign"] == last["campaign"]


async def test_an_alert_is_one_line_on_stderr() -> None:
    fake = FakeClock()
    sim = _sim(fake, FAILS)
    config = AlertConfig(failure_rate=0.001, min_attempts=0, disabled=frozenset({"failed"}))
    code, out, err = await _watch(sim, fake, ["camp_fail"], alert_config=config)
    assert code == 0 and "ALERT" not in out
    found = re.findall(r"ALERT camp_fail: failure rate \d+\.\d% is at or above 0\.1%", err)
    assert len(found) == 1, err
