"""CPU per poll: `appizer-tui watch` on 20 sending campaigns at a 1 s interval for 30 s; the
process's whole CPU time (start-up included) divided by the requests the simulator served.

Baseline in the same run: the same number of `curl -s` processes, one after another, fetching the
same campaign URLs from the same simulator (CPU from RUSAGE_CHILDREN). The simulator is served
in this process on 127.0.0.1 (uvicorn in a thread) with a limit high enough for 20 requests a
second, so it can count the requests exactly; its CPU is not the child's. Target: ratio <= 0.2.

    python benchmarks/bench_cpu_per_poll.py [--quick] [--seconds 30] [--campaigns 20]
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

import benchlib as b


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    arguments = b.parser(__doc__)
    arguments.add_argument("--seconds", type=float, default=None)
    arguments.add_argument("--campaigns", type=int, default=20)
    arguments.add_argument("--max-curl", type=int, default=600, help="cap on curl processes")
    args = arguments.parse_args()
    seconds = args.seconds or (10.0 if args.quick else 30.0)
    from appizer_tui.sim.app import Simulator
    from appizer_tui.sim.ratelimit import RateLimit
    from appizer_tui.sim.scenarios import generated_scenario

    b.warm_bytecode()
    ids = b.load_ids(args.campaigns)
    simulator = Simulator(generated_scenario(args.campaigns), rate_limit=RateLimit(1_000_000, 60))
    with b.scratch_home() as home, b.sim_server(simulator) as server:
        env = b.isolated_env(home)
        command = b.appizer_command(
            "watch",
            "--base-url",
            server.base_url,
            "--api-key",
            b.DEMO_KEY,
            "--interval",
            "1",
            "--timeout",
            f"{seconds:g}",
            *ids,
        )
        served_before, cpu_before = simulator.requests_served, children_cpu()
        started = time.monotonic()
        done = subprocess.run(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300
        )
        wall = time.monotonic() - started
        watch_cpu = children_cpu() - cpu_before
        served = simulator.requests_served - served_before
        if done.returncode not in (0, 124) or served == 0:
            raise RuntimeError(f"watch exited {done.returncode}: {done.stderr[-800:]!r}")
        count = min(served, args.max_curl)
        url = f"{server.base_url}/notifications/campaigns/{ids[0]}"
        curl_total, curls = b.curl_cpu(url, count)
    per_poll = watch_cpu / served
    per_curl = curl_total / curls
    ratio = b.ratio(per_poll, per_curl)
    note = (
        f"watch ran {wall:.1f} s, {watch_cpu:.2f} CPU s for {served} requests "
        f"(start-up included); {curls} curl processes took {curl_total:.2f} CPU s"
    )
    if curls < served:
        note += f" (curl capped at {curls}; per-request figure)"
    result = b.Result(
        row="CPU per poll",
        what=f"`watch`, {args.campaigns} campaigns at 1 s for {seconds:g} s, CPU per request",
        figure=per_poll * 1000,
        unit="ms",
        baseline=per_curl * 1000,
        baseline_what="one `curl -s` process",
        ratio=ratio,
        target="ratio <= 0.2",
        met=ratio <= 0.2,
        note=note,
    )
    return b.report([result], args, "CPU per poll")


if __name__ == "__main__":
    sys.exit(main())
