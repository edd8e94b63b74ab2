"""Where the viewer's CPU goes while it watches 50 sending campaigns (the `bench_cpu_watching.py`
setup): the process and each of its threads (/proc/PID/task), and inside the main thread the
time of Textual's compositor, of each widget's `render_lines`, of building frames and handing
them to the widgets, and of the store, over the same window. Not a benchmark with a target: the
profile behind the README's "CPU while watching" row.

The viewer runs in a real pty as in the benchmark, started through this file (`--child`), which
wraps those entry points in wall-clock timers (no profiler runs, so the figures are not
inflated) and can change a cadence constant or leave the chart out, to see what a change would
buy. The window opens 10 s after the first data (SIGUSR1) and closes after `--seconds`
(SIGUSR2: the child writes its figures as JSON).

`--watch` measures `appizer-tui watch` on the same campaigns instead (the same engine and
presenter without Textual: what polling alone costs).

    python benchmarks/profile_watching.py [--seconds 60] [--no-chart]
        [--cadence CHART_MIN_INTERVAL=30] [--cadence FRAME_SECONDS=3]
    python benchmarks/profile_watching.py --watch [--seconds 60]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import benchlib as b

WARMUP = 10.0


def child(out: Path, cadence: list[str], no_chart: bool, viewer_args: list[str]) -> None:
    """Patch, time, then run the viewer with `viewer_args` in this process."""
    from appizer_tui.present import cadence as cadence_module

    for assignment in cadence:  # before the modules that import the constants by name
        name, value = assignment.split("=")
        setattr(cadence_module, name, float(value))

    from textual.screen import Screen
    from textual.widget import Widget

    from appizer_tui.present.presenter import Presenter
    from appizer_tui.state.store import CampaignStore
    from appizer_tui.ui.screens.main import MainScreen
    from appizer_tui.ui.widgets.chart import ChartPanel

    measuring = False
    seconds: collections.Counter[str] = collections.Counter()
    calls: collections.Counter[str] = collections.Counter()

    def timed(owner: type, method: str, label: Callable[[Any], str]) -> None:
        original = getattr(owner, method)

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                if measuring:
                    key = label(self)
                    seconds[key] += time.perf_counter() - start
                    calls[key] += 1

        setattr(owner, method, wrapper)

    timed(Screen, "_compositor_refresh", lambda _: "compositor")
    timed(Widget, "render_lines", lambda widget: f"render_lines {type(widget).__name__}")
    timed(MainScreen, "_show", lambda _: "frames handed to the widgets")
    timed(Presenter, "build", lambda _: "frames built")
    timed(CampaignStore, "record_success", lambda _: "store.record_success")
    if no_chart:
        ChartPanel.maybe_replot = lambda self, force=False: None  # type: ignore[method-assign]

    def start(*_: Any) -> None:
        nonlocal measuring
        measuring = True

    def stop(*_: Any) -> None:
        nonlocal measuring
        measuring = False
        figures = {key: [calls[key], seconds[key]] for key in seconds}
        out.write_text(json.dumps(figures), encoding="utf-8")

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    sys.argv = ["appizer-tui", *viewer_args]
    from appizer_tui.__main__ import run

    run()


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds of each thread of `pid`, by thread id."""
    result = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        result[tid] = (int(fields[11]) + int(fields[12])) / b.CLOCK_TICKS
    return result


def watch_only(base_url: str, ids: list[str], seconds: float, home: Path, simulator: Any) -> int:
    """`appizer-tui watch` on `ids`, its output to /dev/null: its CPU over the same window."""
    import subprocess

    command = b.appizer_command(
        "watch", "--base-url", base_url, "--api-key", b.DEMO_KEY, "--interval", "5", *ids
    )
    env = b.isolated_env(home)
    quiet = subprocess.DEVNULL
    with subprocess.Popen(command, env=env, stdout=quiet, stderr=quiet) as process:
        time.sleep(5.0 + WARMUP)  # start-up and the first polls, spread over one interval
        window = b.cpu_window(process.pid, seconds, lambda: simulator.requests_served)
        process.terminate()
    print(b.machine())
    print(f"`watch` on 50 sending campaigns at 5 s, {window.wall:.0f} s window")
    print(
        f"process: {window.cpu:.2f} CPU s ({100 * window.cpu / window.wall:.2f} % of a core),"
        f" {window.requests} requests"
    )
    return 0


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        out, cadence, no_chart = sys.argv[2], json.loads(sys.argv[3]), sys.argv[4] == "1"
        child(Path(out), cadence, no_chart, sys.argv[5:])
        return 0
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--seconds", type=float, default=60.0)
    arguments.add_argument("--cadence", action="append", default=[], metavar="NAME=VALUE")
    arguments.add_argument("--no-chart", action="store_true")
    arguments.add_argument("--watch", action="store_true", help="`watch` instead of the viewer")
    args = arguments.parse_args()
    from appizer_tui.sim.app import Simulator
    from appizer_tui.sim.ratelimit import RateLimit
    from appizer_tui.sim.scenarios import generated_scenario

    b.warm_bytecode()
    ids = b.load_ids(50)
    simulator = Simulator(generated_scenario(50), rate_limit=RateLimit(100_000, 60))
    with (
        b.scratch_home() as home,
        b.sim_server(simulator) as server,
        tempfile.TemporaryDirectory() as scratch,
    ):
        if args.watch:
            return watch_only(server.base_url, ids, args.seconds, home, simulator)
        out = Path(scratch) / "figures.json"
        viewer = b.viewer_command(server.base_url, ids, "--interval", "5")
        viewer = viewer[viewer.index("--base-url") :]  # without the launcher
        command = [b.PYTHON, __file__, "--child", str(out), json.dumps(args.cadence)]
        command += ["1" if args.no_chart else "0", *viewer]
        with b.Terminal(command, env=b.isolated_env(home)) as term:
            if term.wait_for(b.first_data_shown(ids[0]), 60) is None:
                raise RuntimeError("no data on screen:\n" + term.screen.text())
            time.sleep(WARMUP)
            threads = thread_cpu(term.pid)
            os.kill(term.pid, signal.SIGUSR1)
            window = b.cpu_window(term.pid, args.seconds, lambda: simulator.requests_served)
            os.kill(term.pid, signal.SIGUSR2)
            after = thread_cpu(term.pid)
            for _ in range(50):
                if out.exists():
                    break
                time.sleep(0.1)
            figures = json.loads(out.read_text(encoding="utf-8"))
    print(b.machine())
    changes = ", ".join(args.cadence + (["no chart"] if args.no_chart else [])) or "none"
    print(f"50 sending campaigns at 5 s, {window.wall:.0f} s window; changes: {changes}")
    print(
        f"process: {window.cpu:.2f} CPU s ({100 * window.cpu / window.wall:.2f} % of a core),"
        f" {window.requests} requests"
    )
    for tid, total in sorted(after.items(), key=lambda item: -item[1] + threads.get(item[0], 0)):
        print(f"  thread {tid}: {total - threads.get(tid, 0.0):.2f} CPU s")
    print("inside the main thread (wall-clock ms in the window, calls):")
    for key, (count, spent) in sorted(figures.items(), key=lambda item: -item[1][1]):
        if spent >= 0.005:
            print(f"  {key:40} {1000 * spent:8.1f} ms  {count:5d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
