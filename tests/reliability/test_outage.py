"""The whole API unreachable: the engine stops every campaign retrying on its own, sends one probe
at a time backing off to one every 30 s, and when a probe gets through resumes every campaign,
spread over an interval; the viewer shows OFFLINE meanwhile and the truth again within one
interval of the first answer.

Checked on the network's own record of each request (virtual time, requests in flight), for the
engine alone and for the headless viewer.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

from rel_support import VirtualNet, make_client, make_viewer, truth_at

from appizer_tui.polling.clock import FakeClock
from appizer_tui.polling.engine import Poller
from appizer_tui.sim.app import Simulator
from appizer_tui.sim.scenarios import demo_scenario, generated_scenario
from appizer_tui.state import format as fmt
from appizer_tui.state.store import CampaignStore
from appizer_tui.ui.widgets.campaign_list import CampaignList

INTERVAL = 5.0
PROBE_CAP = 30.0


async def test_offline_probes_one_at_a_time_backing_off_then_resumes_spread() -> None:
    clock = FakeClock()
    start = clock.wall()
    sim = Simulator(generated_scenario(20, seed=4), clock=clock.wall, sleep=clock.sleep)
    net = VirtualNet(sim.app, clock)
    client = make_client(net, clock)
    store = CampaignStore(interval=INTERVAL, wall=clock.wall)
    poller = Poller(client, store, clock, interval=INTERVAL, rng=random.Random(3))
    poller.add(*sim.campaign_ids())
    offline_seen: list[float] = []
    store.subscribe(
        lambda event: (
            offline_seen.append(clock.wall())
            if store.global_state().offline_since is not None
            else None
        )
    )
    engine = clock_task(poller)
    try:
        await clock.advance(60)
        net.refuse = True  # the host is unreachable: every connection is refused
        cut = clock.wall()
        await clock.advance(900)
        during = net.requests_between(cut, clock.wall())
        assert offline_seen and store.global_state().offline_since is not None
        offline_at = offline_seen[0]
        probes = [s for s in during if s.at > offline_at]
        # Before the outage was declared: a few failures; after: one probe at a time.
        assert len(during) - len(probes) <= 10
        assert all(s.in_flight == 1 for s in probes), [s.in_flight for s in probes]
        gaps = [b.at - a.at for a, b in zip(probes, probes[1:], strict=False)]
        assert all(b >= a - 1e-6 for a, b in zip(gaps, gaps[1:], strict=False)), gaps
        assert max(gaps) <= PROBE_CAP + 1e-6 and math.isclose(gaps[-1], PROBE_CAP), gaps
        assert len(probes) <= 900 / PROBE_CAP + 8
        # Every campaign kept its last good data.
        assert all(v.campaign is not None for v in store.views())

        # The network returns between two probes; the next probe gets an answer.
        net.refuse = False
        back = clock.wall()
        await clock.run_until(lambda: store.global_state().offline_since is None, PROBE_CAP + 1)
        answered = clock.wall()
        assert answered - back <= PROBE_CAP
        await clock.advance(INTERVAL + 1)
        after = net.requests_between(answered, clock.wall())
        firsts: dict[str, float] = {}
        for sent in after:
            firsts.setdefault(sent.url.rsplit("/", 1)[-1], sent.at)
        active = [v.campaign_id for v in store.views() if not v.phase.is_stopped]
        assert set(active) <= set(firsts)
        # Spread over the interval, not a burst: at most a fifth of them in any one second.
        times = sorted(firsts.values())
        assert times[-1] - times[0] >= INTERVAL * 0.6
        busiest = max(sum(1 for t in times if s <= t < s + 1.0) for s in times)
        assert busiest <= math.ceil(len(times) / INTERVAL) + 1, times
        # And every campaign shows the truth again, at most one interval old.
        now = clock.wall()
        for view in store.views():
            assert view.error is None and view.last_success_at is not None
            assert view.campaign == truth_at(sim, start, view.campaign_id, view.last_success_at)
            if not view.phase.is_stopped:
                assert now - view.last_success_at <= INTERVAL + 1
    finally:
        await poller.stop()
        await engine
        await client.aclose()


def clock_task(poller: Poller) -> Any:
    import asyncio

    return asyncio.get_running_loop().create_task(poller.run())


async def test_viewer_shows_offline_then_the_truth_within_an_interval(tmp_path: Path) -> None:
    viewer = make_viewer(
        tmp_path, lambda clock: Simulator(demo_scenario(), clock=clock.wall, sleep=clock.sleep)
    )
    store, clock = viewer.store, viewer.clock
    async with viewer.app.run_test(size=(140, 40)) as pilot:
        await viewer.advance(pilot, 30)
        viewer.net.refuse = True
        await viewer.advance(pilot, 300)
        screen = "\n".join(viewer.screen_lines())
        assert "OFFLINE" in screen and "retrying" in screen
        assert viewer.app.is_running
        viewer.net.refuse = False
        back = clock.wall()
        answered = clock.wall()
        while store.global_state().offline_since is not None:
            answered = clock.wall()  # the probe that gets through goes after this
            await viewer.advance(pilot, 1, step=1)
        assert clock.wall() - back <= PROBE_CAP + 1
        await viewer.advance(pilot, INTERVAL, step=1)
        await viewer.settle_screen(pilot)
        assert "OFFLINE" not in "\n".join(viewer.screen_lines())
        now = clock.wall()
        campaigns = viewer.app.screen.query_one(CampaignList)
        for view in store.views():
            assert view.error is None and view.campaign is not None
            assert view.campaign == viewer.truth(view.campaign_id, view.last_success_at)
            if not view.phase.is_stopped:
                # Every campaign was fetched after the answer, and (tail ones excepted: one
                # poll a minute) within one interval.
                assert view.last_success_at is not None and view.last_success_at >= answered
                assert now - view.last_success_at <= min(view.expected_interval, INTERVAL + 1)
            # The row under the cursor is drawn at once (others wait for the 1 Hz tick).
            campaigns.select(view.campaign_id)
            await viewer.settle_screen(pilot)
            status = view.campaign.status.value
            rows = [r for r in viewer.screen_lines() if f" {view.campaign_id} " in r]
            rows = [r for r in rows if status in r]
            assert any(fmt.format_percent(view.metrics.progress) in r for r in rows), rows
        await pilot.press("q")
    assert viewer.app.return_code == 0
