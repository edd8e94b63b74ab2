"""CPU while watching: the viewer in a real pty on 50 sending campaigns polled every 5 s, and
on 50 campaigns that are all terminal (completed, failed, cancelled), as a share of one core.

CPU comes from /proc/<pid>/stat of the viewer process alone; the simulator runs in this process on
127.0.0.1 (uvicorn in a thread) with a limit above 600 requests a minute, so 50 campaigns really
are polled every 5 s. The window starts 10 s after the first counters are on screen (after the
first polls, spread over one interval); for the terminal run, once no request has been made for
12 s. Targets: <= 2 % while sending; <= 0.3 % once all are terminal.

    python benchmarks/bench_cpu_watching.py [--quick] [--seconds 60]
"""

from __future__ import annotations

import sys
import time

import benchlib as b

WARMUP = 10.0


def watch(scenario: object, ids: list[str], seconds: float, *, terminal: bool) -> b.CpuWindow:
    from appizer_tui.sim.app import Simulator
    from appizer_tui.sim.ratelimit import RateLimit

    simulator = Simulator(scenario, rate_limit=RateLimit(100_000, 60))  # type: ignore[arg-type]
    with b.scratch_home() as home, b.sim_server(simulator) as server:
        env = b.isolated_env(home)
        command = b.viewer_command(server.base_url, ids, "--interval", "5")
        with b.Terminal(command, env=env) as term:
            if term.wait_for(b.first_data_shown(ids[0]), 60) is None:
                raise RuntimeError("no data on screen:\n" + term.screen.text())
            if terminal:
                if not b.wait_requests_settle(lambda: simulator.requests_served, 12.0, 90.0):
                    raise RuntimeError("the viewer kept polling terminal campaigns")
            else:
                time.sleep(WARMUP)
            return b.cpu_window(term.pid, seconds, lambda: simulator.requests_served)


def main() -> int:
    arguments = b.parser(__doc__)
    arguments.add_argument("--seconds", type=float, default=None)
    args = arguments.parse_args()
    seconds = args.seconds or (20.0 if args.quick else 60.0)
    from appizer_tui.sim.scenarios import generated_scenario

    b.warm_bytecode()
    sending = watch(generated_scenario(50), b.load_ids(50), seconds, terminal=False)
    done = watch(
        b.terminal_scenario(50), [f"done_{n:04d}" for n in range(1, 51)], seconds, terminal=True
    )
    results = [
        b.Result(
            row="CPU while watching",
            what=f"viewer, 50 sending campaigns at 5 s, {seconds:g} s window",
            figure=sending.share,
            unit="% of a core",
            target="<= 2 %",
            met=sending.share <= 2.0,
            note=f"{sending.cpu:.2f} CPU s in {sending.wall:.1f} s, {sending.requests} requests",
        ),
        b.Result(
            row="CPU while watching",
            what=f"viewer, 50 terminal campaigns, {seconds:g} s window",
            figure=done.share,
            unit="% of a core",
            target="<= 0.3 %",
            met=done.share <= 0.3,
            note=f"{done.cpu:.2f} CPU s in {done.wall:.1f} s, {done.requests} requests",
        ),
    ]
    return b.report(results, args, "CPU while watching (share of one core)")


if __name__ == "__main__":
    sys.exit(main())
