"""The budget against the simulator: 200 sending campaigns at 5 s, 500 requests a minute.

30 simulated minutes are about 15,000 requests. To run in seconds, these tests call the real
simulator's ASGI app through `DirectSimClient`: the real AppizerClient (header parsing, decoding,
error mapping) and the real Simulator (fixed-window limiter, headers, campaign state), with only
httpx's in-process transport skipped (it costs about 1.4 ms a request, the rest 0.3 ms).
"""

from __future__ import annotations

import pytest
from polling_support import DirectSimClient, Engine

from appizer_tui.polling.clock import FakeClock
from appizer_tui.sim.app import Simulator
from appizer_tui.sim.ratelimit import RateLimit
from appizer_tui.sim.scenarios import generated_scenario

CAMPAIGNS = 200
LIMIT = 500
MINUTES = 30


def worst_staleness(engine: Engine, start: float, end: float) -> float:
    """The longest time any campaign went without a successful poll, from `start` to `end`."""
    worst = 0.0
    for campaign_id in engine.store.ids():
        times = [start, *engine.store.history(campaign_id).times(), end]
        worst = max(worst, *(b - a for a, b in zip(times, times[1:], strict=False)))
    return worst


@pytest.mark.parametrize("share", [1.0, 0.5])
async def test_200_campaigns_fit_the_budget_with_no_429_and_fair_staleness(share: float) -> None:
    clock = FakeClock()
    simulator = Simulator(
        generated_scenario(CAMPAIGNS, seed=3),
        clock=clock.wall,
        rate_limit=RateLimit(LIMIT, 60.0),
    )
    async with Engine(
        DirectSimClient(simulator, clock), clock, interval=5.0, budget_share=share
    ) as engine:
        start = clock.wall()
        engine.poller.add(*simulator.campaign_ids())
        await clock.advance(MINUTES * 60)
        end = clock.wall()
        budget = engine.store.global_state().budget

    planned_rpm = LIMIT * share
    served = simulator.requests_served
    assert simulator.count_429 == 0
    assert budget.count_429 == 0
    # At least 90 % of the budget used, and never more than it.
    assert 0.9 * planned_rpm * MINUTES <= served <= planned_rpm * MINUTES + 1
    # Every campaign is served round robin: staleness within 1.2x the ideal.
    ideal = CAMPAIGNS / (planned_rpm / 60)
    assert worst_staleness(engine, start, end) <= 1.2 * ideal
    # What the UI is told: the watchlist costs 200 x 720 an hour; this is what it gets.
    assert budget.projected_per_hour == CAMPAIGNS * 720
    assert budget.budget_per_hour == planned_rpm * 60
    assert budget.achieved_interval == pytest.approx(ideal)
    assert budget.server_limit == LIMIT
    assert budget.active == CAMPAIGNS
    assert budget.requests_last_minute <= planned_rpm
