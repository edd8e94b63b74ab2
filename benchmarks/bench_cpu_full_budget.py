"""CPU at full budget: the viewer in a real pty on 1,000 sending campaigns, the simulator limited
to 500 requests a minute, so the engine spends the whole budget all the time.

CPU from /proc/<pid>/stat of the viewer alone; the simulator runs in this process on 127.0.0.1.
The window starts 15 s after launch (start-up excluded) and lasts 5 minutes with --full, 2 by
default, 45 s with --quick. Target: <= 5 % of one core.

    python benchmarks/bench_cpu_full_budget.py [--quick | --full] [--seconds S]
"""

from __future__ import annotations

import sys
import time

import benchlib as b

CAMPAIGNS = 1000
WARMUP = 15.0


def main() -> int:
    arguments = b.parser(__doc__)
    arguments.add_argument("--full", action="store_true", help="the issue's 5 minutes")
    arguments.add_argument("--seconds", type=float, default=None)
    args = arguments.parse_args()
    seconds = args.seconds or (300.0 if args.full else 45.0 if args.quick else 120.0)
    from appizer_tui.sim.app import Simulator
    from appizer_tui.sim.ratelimit import RateLimit
    from appizer_tui.sim.scenarios import generated_scenario

    b.warm_bytecode()
    ids = b.load_ids(CAMPAIGNS)
    simulator = Simulator(generated_scenario(CAMPAIGNS), rate_limit=RateLimit(500, 60))
    with b.scratch_home() as home, b.sim_server(simulator) as server:
        env = b.isolated_env(home)
        with b.Terminal(b.viewer_command(server.base_url, ids), env=env) as term:
            if term.wait_for(b.first_data_shown(ids[0]), 60) is None:
                raise RuntimeError("no data on screen:\n" + term.screen.text())
            time.sleep(max(0.0, WARMUP - (time.monotonic() - term.started)))
            rss_before = term.rss_mb()
            window = b.cpu_window(term.pid, seconds, lambda: simulator.requests_served)
            rss_after = term.rss_mb()
    per_minute = window.requests / window.wall * 60
    result = b.Result(
        row="CPU at full budget",
        what=f"viewer, {CAMPAIGNS:,} sending campaigns, sim at 500/min, {seconds:g} s window",
        figure=window.share,
        unit="% of a core",
        target="<= 5 %",
        met=window.share <= 5.0,
        note=f"{window.cpu:.2f} CPU s in {window.wall:.0f} s; {window.requests} requests "
        f"({per_minute:.0f}/min), 429s {simulator.count_429}; RSS {rss_before:.0f} -> "
        f"{rss_after:.0f} MB",
    )
    length = "full 5 min" if args.full else "quick" if args.quick else "default (--full: 5 min)"
    return b.report([result], args, f"CPU at full budget ({length})")


if __name__ == "__main__":
    sys.exit(main())
