"""Scale: 1,000 watched campaigns. Start-up in a real pty against the 5-campaign start-up;
navigation keys through Textual's Pilot, key to frame; RSS after an hour of simulated history.

- start-up: time to first data (as bench_first_data.py) for 1,000 ids and for 5, alternating,
  against one `appizer-tui sim --campaigns 1000` process (500 requests a minute). Target: <= 1.5x.
- keys and RSS: scale_child.py builds the viewer exactly as `appizer-tui` does, fills each
  campaign's history with an hour of samples, runs the app headless with the real engine polling
  the simulator, presses ~200 navigation keys (down/j/k, page up/down, home/end) and reads its RSS.
  History cadence: one sample every 120 s, what 500 requests a minute give 1,000 campaigns; and,
  unless --quick, every 5 s, the most the store keeps (a key with a far larger limit).
  Targets: key-to-frame p95 <= 50 ms; RSS <= 80 MB.

    python benchmarks/bench_scale.py [--quick] [--runs N]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import bench_first_data
import benchlib as b

CAMPAIGNS = 1000
CHILD = Path(__file__).with_name("scale_child.py")


def child(base_url: str, history_interval: float, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [
            b.PYTHON,
            str(CHILD),
            "--base-url",
            base_url,
            "--campaigns",
            str(CAMPAIGNS),
            "--history-interval",
            f"{history_interval:g}",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    if done.returncode != 0:
        raise RuntimeError(f"scale_child failed: {done.stderr[-1500:]}")
    result: dict = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    args = b.parser(__doc__).parse_args()
    runs = args.runs or (3 if args.quick else 7)
    b.warm_bytecode()
    big: list[float] = []
    small: list[float] = []
    cadences = [120.0] if args.quick else [120.0, 5.0]
    children: dict[float, dict] = {}
    with b.scratch_home() as home, b.sim_process("--campaigns", str(CAMPAIGNS)) as url:
        env = b.isolated_env(home)
        many, few = b.load_ids(CAMPAIGNS), b.load_ids(5)
        bench_first_data.time_viewer(url, many, env)  # warm-up
        for _ in range(runs):
            big.append(bench_first_data.time_viewer(url, many, env))
            small.append(bench_first_data.time_viewer(url, few, env))
        for cadence in cadences:
            children[cadence] = child(url, cadence, env)
    start, start5 = b.median(big), b.median(small)
    results = [
        b.Result(
            row="scale",
            what=f"start-up to first data, {CAMPAIGNS:,} campaigns",
            figure=start,
            unit="s",
            baseline=start5,
            baseline_what="the 5-campaign start-up",
            ratio=b.ratio(start, start5),
            target="<= 1.5x",
            met=b.ratio(start, start5) <= 1.5,
            samples=big,
        )
    ]
    for cadence, outcome in children.items():
        latencies = [x * 1000 for x in outcome["latencies"]]
        p95 = b.percentile(latencies, 0.95)
        slow_keys = ", ".join(
            f"{key} {b.median(values) * 1000:.0f} ms" for key, values in outcome["by_key"].items()
        )
        history = f"1 h of history, a sample every {cadence:g} s"
        results += [
            b.Result(
                row="scale",
                what=f"key to frame p95, Pilot ({history})",
                figure=p95,
                unit="ms",
                target="<= 50 ms",
                met=p95 <= 50,
                note=f"{len(latencies)} keys, median {b.median(latencies):.1f} ms, max "
                f"{max(latencies):.0f} ms; median by key: {slow_keys}",
            ),
            b.Result(
                row="scale",
                what=f"RSS ({history})",
                figure=outcome["rss_mb"],
                unit="MB",
                target="<= 80 MB",
                met=outcome["rss_mb"] <= 80,
                note=f"history arrays {outcome['history_mb']:.1f} MB for "
                f"{outcome['samples']:,} samples; RSS before the history "
                f"{outcome['rss_before_fill_mb']:.0f} MB",
            ),
        ]
    return b.report(results, args, f"scale ({CAMPAIGNS:,} campaigns; start-up: {runs} runs each)")


if __name__ == "__main__":
    sys.exit(main())
