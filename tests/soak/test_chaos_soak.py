"""The chaos soak: the viewer (headless) and `watch`, each on the real engine and store over the
simulator with chaos on, 50 campaigns through their whole lifecycle. See soak_plan for the
timeline. Each run must not die or log an unhandled exception; once the chaos is over every
campaign's shown status and counters must equal the simulator's truth at most one interval old;
requests must stay within the budget; memory must stop growing once histories are full.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import math
from array import array
from pathlib import Path
from typing import Any

import pytest
from rel_support import READ_TIMEOUT, VirtualNet, make_client, make_viewer, truth_at
from soak_plan import (
    BURSTS,
    CAMPAIGNS,
    CHAOS_END,
    DOWN,
    HISTORY_SECONDS,
    INTERVAL,
    LONG,
    RUN_SECONDS,
    Burster,
    MemoryProbe,
    make_simulator,
    report,
)

from appizer_tui.api.models import Campaign
from appizer_tui.plain.watch import run_watch
from appizer_tui.polling.clock import FakeClock
from appizer_tui.sim.app import Simulator
from appizer_tui.sim.chaos import Chaos
from appizer_tui.state import format as fmt
from appizer_tui.state.store import CampaignStore, CampaignView, Phase
from appizer_tui.ui.widgets.campaign_list import CampaignList

pytestmark = pytest.mark.soak

BUDGET_RPM = 500
"""The simulator's limit, which the engine adopts as its ceiling (max_rpm follows the server)."""
BACKOFF_CAP = 60.0
RECOVERY = BACKOFF_CAP + READ_TIMEOUT + 2 * INTERVAL
"""After the chaos stops: the longest backoff a campaign can be in, plus a request that was
timing out, plus a (stretched) interval."""
STEP = 5.0


class Timeline:
    """Applies the chaos schedule at virtual times (seconds since the start of the run)."""

    def __init__(self, simulator: Simulator, burster: Burster, start: float) -> None:
        self.simulator = simulator
        self.burster = burster
        self.start = start
        self.bursts_done = 0
        self.down_done = False
        self.calm = False
        self.calm_at: float | None = None
        self.down_window: tuple[float, float] | None = None

    def apply(self, now: float) -> None:
        t = (now - self.start) / RUN_SECONDS
        sim = self.simulator
        if self.bursts_done < len(BURSTS) and t >= BURSTS[self.bursts_done]:
            self.bursts_done += 1
            self.burster.start_burst()
        if not self.down_done:
            if DOWN[0] <= t < DOWN[1] and not sim.is_down:
                sim.set_down(True)
                self.down_window = (now, now)
            elif t >= DOWN[1] and sim.is_down:
                sim.set_down(False)
                self.down_done = True
                assert self.down_window is not None
                self.down_window = (self.down_window[0], now)
        if t >= CHAOS_END and not self.calm:
            sim.chaos = Chaos()
            self.calm = True
            self.calm_at = now


def no_errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]


def check_view_is_truth(view: CampaignView, simulator: Simulator, start: float, now: float) -> None:
    """The store's campaign equals the simulator's at the instant it was fetched, that instant is
    at most one interval ago unless polling stopped, and a stopped campaign's final figures are
    still the truth."""
    cid = view.campaign_id
    assert view.campaign is not None and view.last_success_at is not None, cid
    assert view.error is None, (cid, view.error)
    assert view.campaign == truth_at(simulator, start, cid, view.last_success_at), cid
    if view.phase.is_stopped:
        assert view.phase is Phase.DONE, (cid, view.phase)
        final = truth_at(simulator, start, cid, now)
        assert final.status is view.campaign.status, cid
        for name in ("total_recipients", "sent", "failed"):
            assert getattr(final.stats, name) == getattr(view.campaign.stats, name), (cid, name)
    else:
        age = now - view.last_success_at
        assert age <= view.expected_interval + 1e-6, (cid, age, view.expected_interval)


def displayed_matches(view: CampaignView, lines: list[str]) -> None:
    """The screen (with `view` selected) shows the view's data: its list row has the status,
    progress and failed count; the detail header its id and status; the counters every count."""
    campaign = view.campaign
    assert campaign is not None
    cid, status = view.campaign_id, campaign.status.value
    progress = fmt.format_percent(view.metrics.progress)
    failed = fmt.format_count(campaign.stats.failed)
    rows = [line for line in lines if f" {cid} " in line and status in line]
    assert any(progress in row and failed in row for row in rows), (cid, progress, failed, rows)
    assert any(f"{cid} " in line and status.upper() in line for line in lines), (cid, lines)
    screen = "\n".join(lines)
    for name in ("total_recipients", "sent", "delivered", "opened", "clicked", "failed"):
        assert fmt.format_count(getattr(campaign.stats, name)) in screen, (cid, name, screen)


async def test_viewer_survives_chaos_and_shows_the_truth(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    viewer = make_viewer(
        tmp_path,
        make_simulator,
        interval=INTERVAL,
        history_seconds=HISTORY_SECONDS,
        keep_log=False,
    )
    sim, clock, store, net = viewer.simulator, viewer.clock, viewer.store, viewer.net
    burster = Burster(sim, clock)
    timeline = Timeline(sim, burster, clock.wall())
    memory = MemoryProbe()
    checked_fresh = False
    fresh_at = math.nan
    async with viewer.app.run_test(size=(200, 62)) as pilot:
        end = clock.wall() + RUN_SECONDS
        while clock.wall() < end:
            timeline.apply(clock.wall())
            await viewer.advance(pilot, STEP, step=STEP)
            assert viewer.app.is_running and viewer.app.engine_error is None
            calm_at = timeline.calm_at
            if calm_at is not None and not checked_fresh and clock.wall() >= calm_at + RECOVERY:
                # Chaos over: every campaign shows the truth, at most one interval old.
                now = clock.wall()
                for view in store.views():
                    check_view_is_truth(view, sim, viewer.start, now)
                await check_screen(viewer, pilot)
                checked_fresh, fresh_at = True, now - calm_at
            if full_histories(store) and int(clock.wall()) % 30 < STEP:
                memory.take(clock.wall(), before=lambda: empty_list_cache(viewer.app))
        now = clock.wall()
        assert checked_fresh
        for view in store.views():
            check_view_is_truth(view, sim, viewer.start, now)
            assert view.campaign is not None and view.campaign.status.is_terminal
        await check_screen(viewer, pilot)
        await pilot.press("q")
    await burster.aclose()
    assert viewer.app.return_code == 0
    assert no_errors_logged(caplog) == []
    figures = budget_figures(net, sim, burster, timeline)
    figures.update(
        campaigns=CAMPAIGNS,
        virtual_seconds=RUN_SECONDS,
        checked_seconds_after_chaos=fresh_at,
        memory_samples=len(memory.samples),
        memory_growth_objects=memory.growth()[0] if len(memory.samples) > 1 else None,
        memory_growth_rss=memory.growth()[1] if len(memory.samples) > 1 else None,
        live_objects_last=memory.samples[-1][1] if memory.samples else None,
        memory=memory.samples,
    )
    report("viewer", figures)
    check_budget(figures)
    check_memory(memory)


def empty_list_cache(app: Any) -> None:
    """The campaign list keeps up to 2,000 painted rows (cleared when full): a bounded cache
    whose saw-tooth would hide a leak, so it is emptied before each memory sample."""
    getattr(app.screen.query_one(CampaignList), "_strips", {}).clear()


def full_histories(store: CampaignStore) -> bool:
    """True once every campaign still polled has a full history."""
    polled = [v for v in store.views() if not v.phase.is_stopped]
    return bool(polled) and all(
        len(store.history(v.campaign_id)) >= store.history(v.campaign_id).capacity // 2
        for v in polled
    )


async def check_screen(viewer: Any, pilot: Any) -> None:
    """Every campaign's list row, detail header and counters show its store view."""
    campaigns = viewer.app.screen.query_one(CampaignList)
    for view in viewer.store.views():
        campaigns.select(view.campaign_id)
        await viewer.settle_screen(pilot)
        displayed_matches(view, viewer.screen_lines())


def budget_figures(
    net: VirtualNet, sim: Simulator, burster: Burster, timeline: Timeline
) -> dict[str, Any]:
    assert timeline.down_window is not None
    down_start, down_end = timeline.down_window
    return {
        "down_seconds": down_end - down_start,
        "requests_while_down": sum(1 for t in net.times if down_start <= t < down_end),
        "engine_requests": len(net.times),
        "engine_max_per_minute": net.max_in_window(60.0),
        "budget_per_minute": BUDGET_RPM,
        "engine_requests_allowed": math.ceil(BUDGET_RPM * RUN_SECONDS / 60.0),
        "outcomes": dict(net.outcomes),
        "chaos_injected": dict(sim.chaos_served),
        "faults_injected": sum(sim.chaos_served.values()),
        "server_429": sim.count_429,
        "second_client_requests": burster.sent,
        "max_in_flight": net.max_in_flight,
    }


def check_budget(figures: dict[str, Any]) -> None:
    assert figures["engine_max_per_minute"] <= BUDGET_RPM, figures
    assert figures["engine_requests"] <= figures["engine_requests_allowed"], figures
    # Every kind of fault really happened, and the engine met 429s from the second client.
    assert set(figures["chaos_injected"]) == {
        "server_error",
        "slow",
        "malformed",
        "truncated",
        "html",
        "reset",
    }, figures
    assert figures["outcomes"].get("timeout", 0) > 0, figures
    assert figures["outcomes"].get("reset", 0) > 0, figures
    assert figures["outcomes"].get("http_429", 0) > 0, figures
    # While the server was down the engine probed (one at a time, backing off) instead of
    # retrying 50 campaigns: a handful of requests in a minute or more.
    assert figures["down_seconds"] >= 60, figures
    assert 3 <= figures["requests_while_down"] <= 25, figures


def check_memory(memory: MemoryProbe, *, objects_limit: int = 3_000) -> None:
    """Once histories are full, live objects and RSS stay flat. Rich's and Textual's bounded
    caches fill and empty meanwhile (a few thousand objects either way); a leak of two objects
    per request would pass the limit, as thousands of requests are answered in between."""
    assert len(memory.samples) >= (60 if LONG else 10), memory.samples
    objects, rss = memory.growth()
    assert objects <= objects_limit, memory.samples
    assert rss <= 8 * 1024 * 1024, memory.samples


async def test_watch_survives_chaos_and_every_line_is_the_truth(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    clock = FakeClock()
    start = clock.wall()
    sim = make_simulator(clock, seed=23)
    net = VirtualNet(sim.app, clock, keep_log=False)
    sent_at: dict[str, array[float]] = {cid: array("d") for cid in sim.campaign_ids()}
    net.on_send = lambda at, path: sent_at[path.rsplit("/", 1)[-1]].append(at)
    client = make_client(net, clock)
    burster = Burster(sim, clock)
    timeline = Timeline(sim, burster, start)
    out, err = io.StringIO(), io.StringIO()
    watch = asyncio.get_running_loop().create_task(
        run_watch(
            client,
            sim.campaign_ids(),
            interval=INTERVAL,
            fmt="jsonl",
            exit_status=True,
            clock=clock,
            stdout=out,
            stderr=err,
            handle_signals=False,
        )
    )
    memory = MemoryProbe()
    end = start + RUN_SECONDS * 1.2
    while not watch.done() and clock.wall() < end:
        timeline.apply(clock.wall())
        await clock.advance(STEP)
        if clock.wall() - start >= HISTORY_SECONDS * 1.5 and int(clock.wall()) % 30 < STEP:
            memory.take(clock.wall())
    assert watch.done(), "watch did not end once every campaign had finished"
    code = watch.result()
    await client.aclose()
    await burster.aclose()
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    # Every update and terminal line is exactly what the simulator served at that instant.
    checked = check_lines(events, sim, start, sent_at)
    terminal = {e["campaign"]["campaign_id"]: e for e in events if e["event"] == "terminal"}
    assert set(terminal) == set(sim.campaign_ids())
    statuses = {e["campaign"]["status"] for e in terminal.values()}
    assert statuses <= {"completed", "failed", "cancelled"}
    assert code == (1 if statuses & {"failed", "cancelled"} else 0)
    # Each campaign that ended after the chaos was reported within one stretched interval.
    late = finish_latencies(terminal, sim, start, timeline.calm_at or end)
    assert late and max(late.values()) <= 2 * INTERVAL * 1.25, late
    assert no_errors_logged(caplog) == []
    assert "Traceback" not in err.getvalue()
    figures = budget_figures(net, sim, burster, timeline)
    figures.update(
        campaigns=CAMPAIGNS,
        lines=len(events),
        lines_checked_against_truth=checked,
        exit_status=code,
        finish_latency_max=max(late.values()),
        memory_samples=len(memory.samples),
        memory_growth_objects=memory.growth()[0],
        memory_growth_rss=memory.growth()[1],
    )
    report("watch", figures)
    check_budget(figures)
    # No Textual here: nothing but the engine and the store, so the limit is tighter.
    check_memory(memory, objects_limit=1_000)


def check_lines(
    events: list[dict[str, Any]],
    sim: Simulator,
    start: float,
    sent_at: dict[str, array[float]],
) -> int:
    """Every update and terminal line equals the truth at the instant of its fetch. A line's
    `at` has millisecond precision (and counters move faster than that at 4x speed), so the
    instant is the request for that campaign sent in that millisecond (virtual time does not
    move while an in-process request is answered)."""
    checked = 0
    for event in events:
        if event["event"] not in ("update", "terminal"):
            continue
        campaign = event["campaign"]
        cid = campaign["campaign_id"]
        at = iso_to_wall(event["at"])
        # `at` is cut (not rounded) to the millisecond: the fetch was in [at, at + 1 ms).
        instants = [t for t in sent_at[cid] if at - 1e-4 <= t < at + 1.1e-3]
        assert instants, event
        truths = [api_dict(truth_at(sim, start, cid, t)) for t in instants]
        assert campaign in truths, event
        checked += 1
    return checked


def api_dict(campaign: Campaign) -> dict[str, Any]:
    return json.loads(json.dumps(campaign.to_api_dict()))


def iso_to_wall(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def finish_latencies(
    terminal: dict[str, dict[str, Any]],
    sim: Simulator,
    start: float,
    calm_at: float,
) -> dict[str, float]:
    """Seconds between a campaign's truth becoming terminal and watch printing it, for the
    campaigns that ended after the chaos was over."""
    result = {}
    for cid, event in terminal.items():
        spec = sim.scenario.get(cid)
        assert spec is not None
        ended = start + spec.send_end / sim.speed
        if ended >= calm_at + RECOVERY:
            result[cid] = iso_to_wall(event["at"]) - ended
    return result
