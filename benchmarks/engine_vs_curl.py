"""CPU per poll: the polling engine next to one `curl -s` process per request, in one run.

Starts a real `appizer-tui sim` server on 127.0.0.1 (a separate process, so its CPU is not
counted), then

1. runs the engine (SystemClock, one pooled AppizerClient, many campaigns polled every second
   under a high rate limit) until it has made `--polls` requests, and measures this process's
   CPU time over those polls (after a warm-up round);
2. runs `--curl` `curl -s` processes one after another for the same campaign URLs, and measures
   their CPU time with `resource.getrusage(RUSAGE_CHILDREN)`.

It prints CPU seconds per 1,000 polls for both and the ratio (target: engine/curl <= 0.25), and
exits by itself. Loopback only; every loop is bounded.

    python benchmarks/engine_vs_curl.py [--campaigns 300] [--polls 3000] [--curl 200]

It also prints, for reference, the CPU of the same client making requests back to back without
the engine (the floor under the engine's figure).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.clock import SystemClock
from appizer_tui.polling.engine import Poller
from appizer_tui.state.store import CampaignStore

DEMO_KEY = "sk_test_demo_appizer_tui_0000"
TARGET_RATIO = 0.25
START_TIMEOUT = 30.0
ENGINE_TIMEOUT = 120.0
FLOOR_REQUESTS = 1000


def self_cpu() -> float:
    """User + system CPU seconds of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def children_cpu() -> float:
    """User + system CPU seconds of the child processes waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def simulator(campaigns: int) -> Iterator[str]:
    """Run `appizer-tui sim` on a free loopback port; yields its base URL."""
    command = [
        sys.executable,
        "-m",
        "appizer_tui",
        "sim",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--campaigns",
        str(campaigns),
        "--rate-limit",
        "10000000/minute",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield _wait_for_base_url(process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_base_url(process: subprocess.Popen[str]) -> str:
    """Read the server's banner until it names its base URL (bounded by START_TIMEOUT)."""
    assert process.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        match = re.search(r"base URL\s+(http://127\.0\.0\.1:\d+/v1)", line)
        if match:
            return match.group(1)
    raise RuntimeError("the simulator did not start")


def campaign_ids(count: int) -> list[str]:
    """The generated campaigns of `appizer-tui sim --campaigns`."""
    return [f"load_{n:04d}" for n in range(1, count + 1)]


async def engine_cpu(
    base_url: str,
    ids: list[str],
    polls: int,
    interval: float,
    max_in_flight: int = 8,
    on_store: Callable[[CampaignStore], object] | None = None,
) -> tuple[float, int]:
    """(CPU seconds, polls measured) for the engine making about `polls` requests.
    `on_store` is called with the store before polling starts (to attach a listener)."""
    clock = SystemClock()
    client = AppizerClient(ApiKey(DEMO_KEY), base_url, wall_clock=clock.wall)
    store = CampaignStore(interval=interval, wall=clock.wall)
    if on_store is not None:
        on_store(store)
    poller = Poller(
        client, store, clock, interval=interval, max_rpm=1_000_000, max_in_flight=max_in_flight
    )
    poller.add(*ids)
    run = asyncio.create_task(poller.run())
    try:
        # Warm-up: the first round opens connections and fills caches; not measured.
        async with asyncio.timeout(ENGINE_TIMEOUT):
            await _wait_for(store, lambda: poller.requests_sent >= 2 * len(ids))
        first, cpu_before = poller.requests_sent, self_cpu()
        async with asyncio.timeout(ENGINE_TIMEOUT):
            await _wait_for(store, lambda: poller.requests_sent >= first + polls)
        cpu, measured = self_cpu() - cpu_before, poller.requests_sent - first
    finally:
        await poller.stop()
        await run
        await client.aclose()
    failures = sum(view.failures for view in store.views())
    if failures:
        print(f"  note: {failures} polls failed during the engine run", file=sys.stderr)
    return cpu, measured


async def _wait_for(store: CampaignStore, condition: Callable[[], bool]) -> None:
    """Return once `condition` holds, checked after every store event (no busy waiting)."""
    reached = asyncio.Event()

    def check(_event: object = None) -> None:
        if condition():
            reached.set()

    unsubscribe = store.subscribe(check)
    try:
        check()
        await reached.wait()
    finally:
        unsubscribe()


async def client_floor_cpu(base_url: str, ids: list[str], count: int) -> float:
    """CPU seconds of `count` back-to-back requests through the same client, without the
    engine: the floor the engine's own cost sits on."""
    client = AppizerClient(ApiKey(DEMO_KEY), base_url)
    try:
        for campaign_id in ids[:20]:  # warm-up: open the connection
            await client.get_campaign(campaign_id)
        before = self_cpu()
        for number in range(count):
            await client.get_campaign(ids[number % len(ids)])
        return self_cpu() - before
    finally:
        await client.aclose()


def curl_cpu(base_url: str, ids: list[str], count: int) -> float:
    """CPU seconds of `count` sequential `curl -s` processes for the same URLs."""
    curl = shutil.which("curl")
    if curl is None:
        raise RuntimeError("curl is not installed")
    before = children_cpu()
    for number in range(count):
        url = f"{base_url}/notifications/campaigns/{ids[number % len(ids)]}"
        subprocess.run(
            [curl, "-s", url, "-H", f"Authorization: Bearer {DEMO_KEY}"],
            stdout=subprocess.DEVNULL,
            check=True,
        )
    return children_cpu() - before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--campaigns", type=int, default=300, help="campaigns the engine polls")
    parser.add_argument("--polls", type=int, default=3000, help="engine polls measured")
    parser.add_argument("--curl", type=int, default=200, help="curl processes measured")
    parser.add_argument("--interval", type=float, default=1.0, help="engine poll interval (s)")
    parser.add_argument(
        "--max-in-flight", type=int, default=8, help="engine's cap on concurrent requests"
    )
    args = parser.parse_args()
    ids = campaign_ids(args.campaigns)
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}"
    )
    with simulator(args.campaigns) as base_url:
        print(f"simulator: {base_url} ({args.campaigns} sending campaigns, separate process)")
        started = time.monotonic()
        cpu, polls = asyncio.run(
            engine_cpu(base_url, ids, args.polls, args.interval, args.max_in_flight)
        )
        engine_wall = time.monotonic() - started
        floor = asyncio.run(client_floor_cpu(base_url, ids, FLOOR_REQUESTS))
        curl = curl_cpu(base_url, ids, args.curl)
    engine_per_1000 = cpu / polls * 1000
    curl_per_1000 = curl / args.curl * 1000
    ratio = engine_per_1000 / curl_per_1000
    print(
        f"engine: {polls} polls of {args.campaigns} campaigns every {args.interval:g} s "
        f"in {engine_wall:.1f} s: {cpu:.3f} CPU s -> {engine_per_1000:.3f} CPU s per 1,000 polls"
    )
    print(
        f"floor:  the same client without the engine, {FLOOR_REQUESTS} requests back to back: "
        f"{floor / FLOOR_REQUESTS * 1000:.3f} CPU s per 1,000"
    )
    print(
        f"curl:   {args.curl} `curl -s` processes: {curl:.3f} CPU s "
        f"-> {curl_per_1000:.3f} CPU s per 1,000 requests"
    )
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(f"ratio engine/curl: {ratio:.3f} ({verdict} the target <= {TARGET_RATIO})")
    print("reproduce: " + shlex.join([sys.executable, *sys.argv]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
