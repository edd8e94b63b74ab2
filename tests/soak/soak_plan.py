"""The chaos soak's plan: 50 campaigns, a chaos timeline, a second client bursting on the key,
memory probes, and the figures each run reports.

Everything runs on one FakeClock, so the plan is in virtual seconds. The short run (inside
`make test`) covers 15 virtual minutes with the simulator at 4x speed: every campaign lives its
whole life (pending, sending, then completed, failed or cancelled). `APPIZER_SOAK=long` (`make
soak`) covers an hour at 1x speed. The chaos schedule scales with the run:

    0 .. 75 %        20 % of answers fail (500/503, slow past the read timeout, malformed JSON,
                     truncated JSON, an HTML 502 page, connection reset mid-body, equal shares)
    15/35/55 %       a second client on the same key spends the rest of the rate-limit window
    40 .. 47 %       the server is down (every connection reset)
    75 % .. end      calm: the truth must come back and stay
"""

from __future__ import annotations

import asyncio
import functools
import gc
import json
import os
import random
import resource
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rel_support import VirtualNet, make_client

from appizer_tui.api.client import AppizerClient
from appizer_tui.polling.clock import FakeClock
from appizer_tui.sim.app import Simulator
from appizer_tui.sim.chaos import Chaos
from appizer_tui.sim.scenarios import CampaignSpec, Scenario

LONG = os.environ.get("APPIZER_SOAK") == "long"
CAMPAIGNS = 50
RUN_SECONDS = 3600.0 if LONG else 900.0
"""Virtual seconds the run lasts."""
SPEED = 1.0 if LONG else 4.0
"""Simulated seconds per virtual second."""
HISTORY_SECONDS = 900.0 if LONG else 240.0
"""Kept short enough that histories fill up early in the run, so memory can be watched after."""
CHAOS_FRACTION = 0.2
CHAOS_END = 0.75
DOWN = (0.40, 0.47)
BURSTS = (0.15, 0.35, 0.55)
INTERVAL = 5.0
REPORT_DIR_ENV = "APPIZER_SOAK_REPORT"
"""If set, each run writes its figures as JSON into this directory (for the README)."""


def soak_scenario(seed: int = 6) -> Scenario:
    """50 campaigns that each go pending -> sending -> completed/failed/cancelled within the
    run: 35 short lives over the first 60 %; 15 long ones, of which those that complete end in
    the calm after the chaos (86 to 95 % of the run)."""
    rng = random.Random(seed)
    life = RUN_SECONDS * SPEED  # simulated seconds the run covers
    specs = []
    for number in range(1, CAMPAIGNS + 1):
        roll = rng.random()
        outcome = "completed" if roll < 0.8 else ("failed" if roll < 0.9 else "cancelled")
        if number <= 35:
            start = rng.uniform(0.02, 0.30) * life
            duration = rng.uniform(0.10, 0.28) * life
        else:
            start = rng.uniform(0.02, 0.10) * life
            duration = rng.uniform(0.86, 0.95) * life - start
        specs.append(
            CampaignSpec(
                f"soak_{number:02d}",
                rng.randint(500, 200_000),
                outcome=outcome,  # type: ignore[arg-type]
                start_after=start,
                send_duration=duration,
                stop_fraction=rng.uniform(0.2, 0.8),
                created_ago=rng.uniform(10, 300),
                failure_rate=rng.uniform(0.0, 0.08),
                open_tau=rng.uniform(60, 600),
                click_tau=rng.uniform(120, 900),
                seed=seed,
            )
        )
    return Scenario(tuple(specs), name="soak")


def chaos_on() -> Chaos:
    """20 % of answers misbehave, shared equally by the six kinds; slow is past the timeout."""
    return Chaos.uniform(CHAOS_FRACTION, slow_delay=15.0)


def make_simulator(clock: FakeClock, seed: int = 11) -> Simulator:
    """The soak's simulator on the fake clock (its `slow` chaos sleeps on the same clock)."""
    return Simulator(
        soak_scenario(),
        clock=clock.wall,
        sleep=clock.sleep,
        speed=SPEED,
        seed=seed,
        chaos=chaos_on(),
    )


@dataclass
class Burster:
    """A second client on the same key: at each burst it fires requests until the server says
    429, so the rest of the rate-limit window is spent under the engine's feet. Its requests go
    through their own VirtualNet (so its slow answers time out on virtual time too)."""

    simulator: Simulator
    clock: FakeClock
    sent: int = 0
    got_429: int = 0
    _client: AppizerClient | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def client(self) -> AppizerClient:
        if self._client is None:
            net = VirtualNet(self.simulator.app, self.clock, keep_log=False)
            self._client = make_client(net, self.clock)
        return self._client

    def start_burst(self) -> None:
        """Begin a burst in the background; virtual time goes on while it runs."""
        self._tasks.append(asyncio.get_running_loop().create_task(self.burst()))

    async def burst(self) -> None:
        """Spend the key's window: batches of 50 until one request is refused with 429."""
        client = self.client()
        ids = self.simulator.campaign_ids()
        for _ in range(20):
            results = await asyncio.gather(
                *(client.get_campaign(ids[i % len(ids)]) for i in range(50)),
                return_exceptions=True,
            )
            self.sent += len(results)
            refused = sum(1 for r in results if getattr(r, "kind", None) == "rate_limited")
            self.got_429 += refused
            if refused:
                return

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()


def rss_bytes() -> int:
    """This process's resident set size now (Linux /proc), else the peak from getrusage."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def empty_bounded_caches() -> int:
    """Empty every cache that is bounded by construction: `functools.lru_cache`s with a
    maxsize (Rich's and Textual's style, cell and markup caches) and Textual's LRU/FIFO caches
    (line and strip caches of widgets). They fill as new texts are drawn and stop at their
    bound; emptied before a sample, what remains is what the app really holds on to. Returns
    how many were emptied."""
    from textual.cache import FIFOCache, LRUCache

    emptied = 0
    for obj in gc.get_objects():
        if isinstance(obj, functools._lru_cache_wrapper):
            if obj.cache_parameters().get("maxsize") is not None:
                obj.cache_clear()
                emptied += 1
        elif isinstance(obj, LRUCache | FIFOCache):
            obj.clear()
            emptied += 1
    return emptied


@dataclass
class MemoryProbe:
    """Live Python objects and RSS at intervals, after a full collection each time."""

    samples: list[tuple[float, int, int]] = field(default_factory=list)
    """(virtual time, live objects tracked by gc, RSS bytes)."""

    def take(self, at: float, before: Callable[[], None] | None = None) -> None:
        """One sample at virtual time `at`; `before` empties bounded caches first."""
        if before is not None:
            before()
        empty_bounded_caches()
        gc.collect()
        self.samples.append((at, len(gc.get_objects()), rss_bytes()))

    def growth(self) -> tuple[float, float]:
        """(objects, RSS bytes) gained from the first third of the samples to the last third,
        median to median: bounded caches fill and empty in between, a leak only grows."""
        third = max(1, len(self.samples) // 3)
        early, late = self.samples[:third], self.samples[-third:]
        objects = statistics.median(s[1] for s in late) - statistics.median(s[1] for s in early)
        rss = statistics.median(s[2] for s in late) - statistics.median(s[2] for s in early)
        return objects, rss


def report(name: str, figures: dict[str, Any]) -> None:
    """Write the run's figures where APPIZER_SOAK_REPORT says (nothing otherwise)."""
    directory = os.environ.get(REPORT_DIR_ENV)
    if not directory:
        return
    path = Path(directory) / f"{name}-{'long' if LONG else 'short'}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
