"""The engine against the real simulator in-process (httpx.ASGITransport, fake clock): the store
shows the simulator's truth, terminal campaigns go quiet, and chaos, outages and bad keys are
survived."""

from __future__ import annotations

import logging

import pytest
from polling_support import Engine, sim_client

from appizer_tui.api.models import Campaign
from appizer_tui.polling.clock import FakeClock
from appizer_tui.sim.app import Simulator
from appizer_tui.sim.chaos import Chaos
from appizer_tui.sim.scenarios import campaign_at, demo_scenario, generated_scenario
from appizer_tui.state.model import Phase


def truth_at(simulator: Simulator, start: float, campaign_id: str, wall: float) -> Campaign:
    spec = simulator.scenario.get(campaign_id)
    assert spec is not None
    return campaign_at(spec, (wall - start) * simulator.speed, epoch=start, speed=simulator.speed)


def assert_store_shows_truth(engine: Engine, simulator: Simulator, start: float) -> None:
    for campaign_id in simulator.campaign_ids():
        view = engine.view(campaign_id)
        assert view.campaign is not None and view.last_success_at is not None, campaign_id
        assert view.campaign == truth_at(simulator, start, campaign_id, view.last_success_at)


async def test_demo_scenario_store_equals_the_truth_and_terminal_ones_go_quiet() -> None:
    clock = FakeClock()
    simulator = Simulator(demo_scenario(), clock=clock.wall)
    start = clock.wall()
    options = {"interval": 5.0, "tail_interval": 60.0, "tail_duration": 900.0}
    async with Engine(sim_client(simulator, clock), clock, **options) as engine:
        engine.poller.add(*simulator.campaign_ids())
        await clock.advance(600)
        assert_store_shows_truth(engine, simulator, start)
        stopped = {c for c in simulator.campaign_ids() if engine.phase(c) is Phase.DONE}
        # Failed and cancelled ones, and the digest that completed long before the start.
        assert {"camp_push_cert_fail", "camp_holiday_teaser", "camp_weekly_digest"} <= stopped
        assert engine.phase("camp_launch_eu") is Phase.ACTIVE
        assert engine.phase("camp_app_update") is Phase.TAIL
        counts = {c: simulator.requests_for(c) for c in stopped}
        await clock.advance(600)
        assert {c: simulator.requests_for(c) for c in stopped} == counts
        # Every active campaign is fresh: polled within the last interval.
        for campaign_id in simulator.campaign_ids():
            view = engine.view(campaign_id)
            if view.phase is Phase.ACTIVE:
                assert clock.wall() - (view.last_success_at or 0) <= 5.0
    assert simulator.count_429 == 0


async def test_chaos_is_survived_and_the_truth_returns_within_an_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="appizer_tui")
    clock = FakeClock()
    simulator = Simulator(
        generated_scenario(20, seed=5, status="mixed"),
        clock=clock.wall,
        chaos=Chaos.uniform(0.2),
        sleep=clock.sleep,
        seed=11,
    )
    start = clock.wall()
    async with Engine(sim_client(simulator, clock), clock, interval=5.0) as engine:
        engine.poller.add(*simulator.campaign_ids())
        await clock.advance(900)
        assert sum(simulator.chaos_served.values()) > 100
        simulator.chaos = Chaos()
        calm = clock.wall()
        # Backoff is capped at 60 s; slow answers take 12 s; then one interval.
        await clock.advance(60 + 12 + 5 + 1)
        for campaign_id in simulator.campaign_ids():
            view = engine.view(campaign_id)
            assert view.error is None, (campaign_id, view.error)
            if not view.phase.is_stopped:
                assert view.last_success_at is not None and view.last_success_at >= calm
        assert_store_shows_truth(engine, simulator, start)
    assert simulator.count_429 == 0
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("mode", ["reset", "unavailable"])
async def test_simulator_down_then_back(mode: str) -> None:
    clock = FakeClock()
    simulator = Simulator(generated_scenario(10, seed=2), clock=clock.wall)
    async with Engine(sim_client(simulator, clock), clock, interval=5.0) as engine:
        engine.poller.add(*simulator.campaign_ids())
        await clock.advance(30)
        simulator.set_down(True, mode=mode)  # type: ignore[arg-type]
        down_at = clock.wall()
        served = simulator.requests_served
        await clock.advance(600)
        assert engine.store.global_state().offline_since is not None
        assert simulator.requests_served - served < 40  # probes, not 10 campaigns retrying
        simulator.set_down(False)
        up_at = clock.wall()
        await clock.advance(30 + 5 + 1)
        assert engine.store.global_state().offline_since is None
        for campaign_id in simulator.campaign_ids():
            view = engine.view(campaign_id)
            assert view.last_success_at is not None and view.last_success_at >= up_at
        assert down_at < up_at


async def test_a_wrong_key_pauses_on_the_first_401() -> None:
    clock = FakeClock()
    simulator = Simulator(generated_scenario(10, seed=2), clock=clock.wall)
    client = sim_client(simulator, clock, key="sk_test_not_the_right_key_000")
    async with Engine(client, clock) as engine:
        engine.poller.add(*simulator.campaign_ids())
        await clock.advance(300)
        assert simulator.requests_served == 1
        error = engine.store.global_state().auth_error
        assert error is not None and error.code == "INVALID_API_KEY"
