"""Request efficiency: the engine on 200 sending campaigns against the simulator limited to 500
requests a minute, for 10 minutes of engine and simulator time.

Engine (Poller + AppizerClient + CampaignStore, exactly as the viewer builds them) and simulator
share one clock that runs `--factor` times faster than real time (4 by default: 10 minutes in
2.5; --full runs at real speed; --quick runs 4 simulated minutes), so the fixed rate-limit
windows, the budget arithmetic and the campaigns all see the same minutes. The simulator is served
over real HTTP on 127.0.0.1. A faster clock makes each request's real CPU time look longer to the
engine (at x10 the figures drop by several points), so it is kept low.

Figures: 429 answers (target 0); requests sent / the budget of 500 a minute over the run (target
>= 90 %); staleness: the 95th percentile of the gap between two fresh results for a campaign,
over the ideal gap 200 / (500 a minute) = 24 s (target <= 1.2).

    python benchmarks/bench_requests.py [--quick | --full] [--factor F] [--minutes 10]
"""

from __future__ import annotations

import asyncio
import sys
import time

import benchlib as b

CAMPAIGNS = 200
BUDGET_RPM = 500


async def run_engine(base_url: str, clock: b.ScaledClock, ids: list[str], minutes: float) -> dict:
    from appizer_tui.api.client import AppizerClient
    from appizer_tui.api.secret import ApiKey
    from appizer_tui.polling.engine import Poller
    from appizer_tui.state.events import CampaignUpdated
    from appizer_tui.state.store import CampaignStore

    client = AppizerClient(ApiKey(b.DEMO_KEY), base_url, wall_clock=clock.wall)
    store = CampaignStore(interval=5.0, wall=clock.wall)
    poller = Poller(client, store, clock, interval=5.0)
    fresh: dict[str, list[float]] = {campaign_id: [] for campaign_id in ids}

    def on_event(event: object) -> None:
        if isinstance(event, CampaignUpdated):
            view = store.get(event.campaign_id)
            if view is not None and view.last_success_at is not None:
                times = fresh[event.campaign_id]
                if not times or times[-1] != view.last_success_at:
                    times.append(view.last_success_at)

    store.subscribe(on_event)
    poller.add(*ids)
    started = clock.monotonic()
    task = asyncio.create_task(poller.run())
    try:
        while clock.monotonic() - started < minutes * 60:
            await asyncio.sleep(0.2)
            if task.done():
                raise RuntimeError(f"the engine stopped: {task.exception()!r}")
    finally:
        await poller.stop()
        await task
        await client.aclose()
    return {"fresh": fresh, "engine_429": store.global_state().budget.count_429}


def main() -> int:
    arguments = b.parser(__doc__)
    arguments.add_argument("--full", action="store_true", help="real time (10 real minutes)")
    arguments.add_argument("--factor", type=float, default=None, help="clock speed-up")
    arguments.add_argument("--minutes", type=float, default=10.0)
    args = arguments.parse_args()
    factor = args.factor or (1.0 if args.full else 4.0)
    if args.quick and args.minutes == 10.0:
        args.minutes = 4.0
    from appizer_tui.sim.app import Simulator
    from appizer_tui.sim.ratelimit import RateLimit
    from appizer_tui.sim.scenarios import generated_scenario

    clock = b.ScaledClock(factor)
    ids = b.load_ids(CAMPAIGNS)
    simulator = Simulator(
        generated_scenario(CAMPAIGNS), clock=clock.wall, rate_limit=RateLimit(BUDGET_RPM, 60)
    )
    real_start = time.monotonic()
    with b.sim_server(simulator) as server:
        outcome = asyncio.run(run_engine(server.base_url, clock, ids, args.minutes))
    real = time.monotonic() - real_start
    served = simulator.requests_served
    budget = BUDGET_RPM * args.minutes
    used = 100.0 * served / budget
    ideal = CAMPAIGNS / (BUDGET_RPM / 60.0)
    gaps = [
        later - earlier
        for times in outcome["fresh"].values()
        for earlier, later in zip(times, times[1:], strict=False)
    ]
    p95 = b.percentile(gaps, 0.95)
    staleness = p95 / ideal
    never = sum(1 for times in outcome["fresh"].values() if not times)
    speed = "real time" if factor == 1 else f"clock x{factor:g}"
    common = f"{args.minutes:g} simulated min in {real:.0f} s ({speed})"
    results = [
        b.Result(
            row="request efficiency",
            what="429 answers",
            figure=float(simulator.count_429),
            unit="",
            target="0",
            met=simulator.count_429 == 0,
            note=common,
        ),
        b.Result(
            row="request efficiency",
            what="budget used",
            figure=used,
            unit="%",
            baseline=budget,
            baseline_what="budget (requests)",
            baseline_unit="req",
            ratio=served / budget,
            target=">= 90 %",
            met=used >= 90.0,
            note=f"{served:,} requests served",
        ),
        b.Result(
            row="request efficiency",
            what="staleness: p95 gap between fresh results",
            figure=p95,
            unit="s",
            baseline=ideal,
            baseline_what="ideal gap 200/(500/min)",
            ratio=staleness,
            target="<= 1.2x ideal",
            met=staleness <= 1.2 and never == 0,
            note=f"median gap {b.median(gaps):.1f} s, max {max(gaps, default=0):.1f} s; "
            f"{never} campaigns never fetched",
        ),
    ]
    return b.report(results, args, f"request efficiency ({CAMPAIGNS} campaigns, 500/min)")


if __name__ == "__main__":
    sys.exit(main())
