"""The wired commands in a team: `appizer-tui watch --format jsonl --redis URL` processes and
headless viewers (viewer_child.py: the real AppizerApp with the engine the viewer builds) on one
key, one real redis-server and the simulator over HTTP on 127.0.0.1.

The simulator's clock is frozen and moved by the test, so its truth stands still between moves
and every member's output can be compared with it exactly. Its rate limit is raised for that
reason (a frozen window never resets); the request ratio is what measures the budget here.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from redis_support import RedisServer, everything_in
from team_support import FrozenClock, truth

from appizer_tui.api.secret import mask_key
from appizer_tui.sim.app import DEMO_API_KEY
from appizer_tui.sim.ratelimit import RateLimit
from appizer_tui.sim.scenarios import CampaignSpec
from appizer_tui.sim.server import RunningServer
from appizer_tui.team.member import DEFAULT_LEASE

VIEWER = Path(__file__).parent / "viewer_child.py"
INTERVAL = 1.0
WINDOW = 4.0
"""Seconds over which requests are counted, once every process shows every campaign."""
WAIT = 60.0
SENDING = tuple(
    CampaignSpec(f"camp_{n:02}", 50_000, start_after=-60, send_duration=3600) for n in range(20)
)
IDS = [spec.campaign_id for spec in SENDING]
TEAM_LINE = re.compile(r"^\S+  (team: \d+ members?, leader: \S+|solo.*)$")


class Proc:
    """A member process: the campaigns it shows (latest per id) and its team state."""

    def __init__(self, args: list[str], *, viewer: bool) -> None:
        env = {**os.environ, "APPIZER_API_KEY": DEMO_API_KEY, "NO_COLOR": "1"}
        self.viewer = viewer
        self.process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self.campaigns: dict[str, dict[str, Any]] = {}
        self.team = ""
        self.team_lines: list[str] = []
        self._out: queue.Queue[str] = queue.Queue()
        self._err: queue.Queue[str] = queue.Queue()
        for stream, into in ((self.process.stdout, self._out), (self.process.stderr, self._err)):
            threading.Thread(target=_pump, args=(stream, into), daemon=True).start()

    def update(self) -> None:
        while not self._out.empty():
            line = json.loads(self._out.get_nowait())
            if self.viewer:
                self.campaigns, self.team = line["campaigns"], line["team"]
            elif line["event"] in ("update", "terminal"):
                self.campaigns[line["campaign"]["campaign_id"]] = line["campaign"]
        while not self._err.empty():
            found = TEAM_LINE.match(self._err.get_nowait().rstrip("\n"))
            if found:
                self.team = found.group(1)
                self.team_lines.append(self.team)

    def shows_truth(self, server: RunningServer) -> bool:
        return all(self.campaigns.get(cid) == truth(server, cid) for cid in IDS)


def _pump(stream: IO[str], into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


def watch(redis_url: str, base_url: str) -> Proc:
    args = [sys.executable, "-m", "appizer_tui", "watch", "--format", "jsonl"]
    args += ["--base-url", base_url, "--interval", str(INTERVAL), "--redis", redis_url, *IDS]
    return Proc(args, viewer=False)


def viewer(redis_url: str, base_url: str) -> Proc:
    args = [sys.executable, str(VIEWER), redis_url, base_url, str(INTERVAL), *IDS]
    return Proc(args, viewer=True)


def wait(procs: list[Proc], predicate: Callable[[], bool], what: str) -> float:
    start = time.monotonic()
    while True:
        for proc in procs:
            proc.update()
            if proc.process.poll() is not None:
                raise AssertionError(f"a member ended ({proc.process.returncode}) during {what}")
        if predicate():
            return time.monotonic() - start
        if time.monotonic() - start > WAIT:
            raise AssertionError(f"timed out waiting for {what}: {[p.team for p in procs]}")
        time.sleep(0.05)


def count_requests(server: RunningServer, procs: list[Proc]) -> int:
    """Requests served over WINDOW seconds once every process shows every campaign."""
    wait(procs, lambda: all(set(p.campaigns) == set(IDS) for p in procs), "data everywhere")
    before = server.simulator.requests_served
    time.sleep(WINDOW)
    return server.simulator.requests_served - before


@pytest.fixture
def procs() -> Iterator[list[Proc]]:
    made: list[Proc] = []
    yield made
    for proc in made:
        proc.process.kill()
        proc.process.wait()


@pytest.fixture
def sim(serve: Callable[..., RunningServer]) -> tuple[RunningServer, FrozenClock]:
    clock = FrozenClock()
    return serve(*SENDING, clock=clock, rate_limit=RateLimit(50_000, 60)), clock


def in_team(procs: list[Proc], members: int) -> bool:
    """Every process in a team; the viewers (whose status line counts the members, where watch
    prints a line only when the leader changes) count `members`."""
    counted = f"team: {members} members"
    return all(p.team.startswith(counted if p.viewer else "team: ") for p in procs)


def _leader(procs: list[Proc]) -> str:
    return procs[0].team.partition("leader: ")[2]


def test_five_watches_and_two_viewers_cost_one_viewers_requests_and_show_the_truth(
    redis_server: RedisServer, sim: tuple[RunningServer, FrozenClock], procs: list[Proc]
) -> None:
    server, sim_clock = sim
    alone = viewer("-", server.base_url)
    procs.append(alone)
    solo_requests = count_requests(server, [alone])
    alone.process.kill()
    procs.extend(watch(redis_server.url, server.base_url) for _ in range(5))
    procs.extend(viewer(redis_server.url, server.base_url) for _ in range(2))
    team = procs[1:]
    wait(team, lambda: in_team(team, 7), "a team of 7")
    team_requests = count_requests(server, team)
    assert solo_requests > 40
    assert team_requests <= 1.05 * solo_requests, (team_requests, solo_requests)
    assert len({_leader([p]) for p in team}) == 1
    for _ in range(2):  # the truth moves; every member's output follows it exactly
        sim_clock.advance(30)
        wait(team, lambda: all(p.shows_truth(server) for p in team), "the truth everywhere")
    assert server.simulator.count_429 == 0
    stored = b"\n".join(everything_in(redis_server.url))
    for form in (DEMO_API_KEY, mask_key(DEMO_API_KEY), DEMO_API_KEY[8:], DEMO_API_KEY[-12:]):
        assert form.encode() not in stored, form


def test_a_killed_leader_is_replaced_and_a_lost_redis_means_solo_then_rejoining(
    redis_server: RedisServer, sim: tuple[RunningServer, FrozenClock], procs: list[Proc]
) -> None:
    server, sim_clock = sim
    procs.extend(watch(redis_server.url, server.base_url) for _ in range(3))
    procs.append(viewer(redis_server.url, server.base_url))
    wait(procs, lambda: in_team(procs, 4), "a team")
    wait(procs, lambda: all(p.shows_truth(server) for p in procs), "the truth everywhere")
    old = _leader(procs)
    # Whichever process leads (a watch or the viewer) is the one killed.
    pid = int(old.rpartition(":")[2])
    victim = next((p for p in procs if p.process.pid == pid), None)
    assert victim is not None, old
    victim.process.kill()
    victim.process.wait()
    rest = [p for p in procs if p is not victim]
    took = wait(rest, lambda: all(_leader([p]) not in ("", old) for p in rest), "a new leader")
    # Noticed within a beat of the lease running out, plus the time to print it.
    assert took <= 2 * DEFAULT_LEASE, took
    sim_clock.advance(30)
    wait(rest, lambda: all(p.shows_truth(server) for p in rest), "the truth after the kill")

    redis_server.stop()
    wait(rest, lambda: all(p.team.startswith("solo: Redis unreachable") for p in rest), "solo")
    sim_clock.advance(30)
    wait(rest, lambda: all(p.shows_truth(server) for p in rest), "the truth while solo")
    redis_server.start()
    wait(rest, lambda: in_team(rest, 3), "rejoined")
    sim_clock.advance(30)
    wait(rest, lambda: all(p.shows_truth(server) for p in rest), "the truth after rejoining")
    assert all(p.process.poll() is None for p in rest)
    assert server.simulator.count_429 == 0
    watches = [p for p in rest if not p.viewer]
    # watch says each change of its place in the team once, on stderr.
    for proc in watches:
        solo_lines = [line for line in proc.team_lines if line.startswith("solo")]
        assert len(solo_lines) == 1, "\n".join(proc.team_lines)
