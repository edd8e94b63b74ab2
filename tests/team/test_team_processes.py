"""Team members as separate processes: the leader SIGKILLed mid-run (no clean hand-over)."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from redis_support import RedisServer

from appizer_tui.sim.scenarios import CampaignSpec
from appizer_tui.sim.server import RunningServer

CHILD = Path(__file__).parent / "member_child.py"
INTERVAL = 2.0
LEASE = 1.0
WAIT = 30.0
CAMPAIGNS = tuple(
    CampaignSpec(f"camp_{n}", 50_000, start_after=-60, send_duration=3600) for n in range(4)
)


class Child:
    """One member process and the latest line it printed."""

    def __init__(self, redis_url: str, base_url: str) -> None:
        ids = [spec.campaign_id for spec in CAMPAIGNS]
        args = [redis_url, base_url, str(INTERVAL), str(LEASE), *ids]
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, text=True
        )
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.latest: dict[str, Any] = {}
        assert self.process.stdout is not None
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(json.loads(line))

    def pump(self) -> list[dict[str, Any]]:
        """Lines printed since the last pump (the latest is kept)."""
        got: list[dict[str, Any]] = []
        while True:
            try:
                got.append(self.lines.get_nowait())
            except queue.Empty:
                break
        if got:
            self.latest = got[-1]
        return got


def _wait(children: list[Child], predicate: Callable[[], bool], what: str) -> float:
    start = time.monotonic()
    while True:
        for child in children:
            child.pump()
        if predicate():
            return time.monotonic() - start
        if time.monotonic() - start > WAIT:
            raise AssertionError(f"timed out waiting for {what}: {[c.latest for c in children]}")
        time.sleep(0.05)


@pytest.fixture
def children() -> Iterator[list[Child]]:
    made: list[Child] = []
    yield made
    for child in made:
        child.process.kill()
        child.process.wait()


def test_a_killed_leader_is_replaced_within_two_leases_and_data_stays_fresh(
    redis_server: RedisServer, serve: Callable[..., RunningServer], children: list[Child]
) -> None:
    server = serve(*CAMPAIGNS)
    children.extend(Child(redis_server.url, server.base_url) for _ in range(3))

    def leaders(among: list[Child]) -> list[Child]:
        return [c for c in among if c.latest.get("mode") == "leader"]

    _wait(children, lambda: len(leaders(children)) == 1, "one leader")
    _wait(children, lambda: all(c.latest.get("oldest") is not None for c in children), "data")
    old = leaders(children)[0]
    old.process.kill()
    old.process.wait()
    killed_at = time.monotonic()
    rest = [c for c in children if c is not old]
    worst = 0.0

    def replaced() -> bool:
        nonlocal worst
        for child in rest:
            worst = max(worst, child.latest.get("oldest") or 0.0)
        return len(leaders(rest)) == 1

    took = _wait(rest, replaced, "a new leader")
    assert took <= 2 * LEASE, took
    # Watch the survivors through the new leader's first rounds: no data older than 3 intervals.
    while time.monotonic() - killed_at < 3 * INTERVAL:
        for child in rest:
            for line in child.pump():
                worst = max(worst, line.get("oldest") or 0.0)
        time.sleep(0.05)
    assert worst <= 3 * INTERVAL, worst
    assert all(c.latest["text"].startswith("team: 2 members") for c in rest), [
        c.latest for c in rest
    ]
    assert server.simulator.count_429 == 0
