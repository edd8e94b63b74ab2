"""Run every benchmark of issue 7 in sequence and print one table: figure, baseline measured in
the same run, ratio, target, met or not. This is what `make bench` runs.

    python benchmarks/run_all.py            # the default lengths (about 15 minutes)
    python benchmarks/run_all.py --quick    # shorter runs, noisier figures (about 6 minutes)
    python benchmarks/run_all.py --full     # the issue's full durations where they differ
    python benchmarks/run_all.py --only bench_bandwidth bench_scale

Each benchmark runs as its own process (so no import or thread of one affects another) against a
real `appizer-tui sim` on 127.0.0.1, with one shared bytecode cache warmed first. The existing
engine benchmark (engine_vs_curl.py) runs too when present. Exit status: 0 when every benchmark
ran (whether or not its targets were met), 1 when one failed to run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchlib as b  # noqa: E402

BENCHMARKS = (
    "bench_startup",
    "bench_first_data",
    "bench_cpu_per_poll",
    "engine_vs_curl",
    "bench_cpu_watching",
    "bench_cpu_full_budget",
    "bench_bandwidth",
    "bench_scale",
    "bench_requests",
    "bench_team",
    "bench_history",
    "bench_replay",
)
ACCEPTS_FULL = {"bench_cpu_full_budget", "bench_requests"}
TIMEOUT = 45 * 60.0


def run_one(name: str, args: argparse.Namespace, env: dict[str, str]) -> list[dict] | None:
    """Run one benchmark, its output streamed; its result rows (None when it failed)."""
    script = HERE / f"{name}.py"
    if not script.exists():
        print(f"== {name}: not present, skipped")
        return []
    if name == "engine_vs_curl":
        return run_engine_vs_curl(script, args, env)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, str(script), "--json", str(out)]
    if args.quick:
        command.append("--quick")
    if args.full and name in ACCEPTS_FULL:
        command.append("--full")
    print(f"== {name}: {shlex.join(command[1:2] + command[4:])}", flush=True)
    started = time.monotonic()
    try:
        done = subprocess.run(command, env=env, timeout=TIMEOUT)
        rows = json.loads(out.read_text()) if done.returncode == 0 and out.stat().st_size else None
    except (subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        print(f"   {name} failed: {exc}")
        rows = None
    finally:
        out.unlink(missing_ok=True)
    print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
    return rows


def run_engine_vs_curl(script: Path, args: argparse.Namespace, env: dict[str, str]) -> list[dict]:
    """The engine developer's benchmark prints its own lines; its ratio becomes an extra row."""
    command = [sys.executable, str(script)]
    if args.quick:
        command += ["--polls", "1000", "--curl", "100"]
    print(f"== engine_vs_curl: {shlex.join(command[1:])}", flush=True)
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        print("   engine_vs_curl timed out")
        return []
    print(done.stdout, end="")
    match = re.search(r"ratio engine/curl: ([\d.]+) \(\w+ the target <= ([\d.]+)\)", done.stdout)
    if done.returncode != 0 or match is None:
        print(f"   engine_vs_curl did not finish: {done.stderr[-600:]}")
        return []
    ratio, target = float(match.group(1)), float(match.group(2))
    engine = re.search(r"-> ([\d.]+) CPU s per 1,000 polls", done.stdout)
    curl = re.search(r"-> ([\d.]+) CPU s per 1,000 requests", done.stdout)
    return [
        {
            "row": "CPU per poll (engine alone)",
            "what": "engine_vs_curl.py: the engine in process, CPU per poll",
            "figure": float(engine.group(1)) if engine else float("nan"),
            "unit": "ms",
            "baseline": float(curl.group(1)) if curl else None,
            "baseline_what": "one `curl -s` process",
            "baseline_unit": "",
            "ratio": ratio,
            "target": f"ratio <= {target:g} (the engine's own target)",
            "met": ratio <= target,
            "samples": [],
            "note": "",
        }
    ]


def table(rows: list[dict]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| row | what | figure | baseline (same run) | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        result = b.Result(**row)
        figure = b.fmt_value(result.figure, result.unit)
        if len(result.samples) > 1:
            figure += f" (median of {len(result.samples)})"
        baseline = ""
        if result.baseline is not None:
            unit = result.baseline_unit or result.unit
            baseline = f"{result.baseline_what}: {b.fmt_value(result.baseline, unit)}"
        ratio = f"{result.ratio:.2f}" if result.ratio is not None else ""
        verdict = "met" if result.met else "**not met**"
        lines.append(
            f"| {result.row} | {result.what} | {figure} | {baseline} | {ratio} | "
            f"{result.target} | {verdict} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--quick", action="store_true", help="shorter runs")
    length.add_argument("--full", action="store_true", help="the issue's full durations")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    args = parser.parse_args()
    names = [n for n in BENCHMARKS if not args.only or n in args.only]
    cache = Path(tempfile.mkdtemp(prefix="appizer-bench-pycache-"))
    env = dict(os.environ, APPIZER_BENCH_PYCACHE=str(cache))
    os.environ["APPIZER_BENCH_PYCACHE"] = str(cache)
    mode = "quick" if args.quick else "full" if args.full else "default"
    header = f"machine: {b.machine()}\nmode: {mode}; command: {shlex.join(sys.argv)}"
    print(header, flush=True)
    started = time.monotonic()
    rows: list[dict] = []
    failed: list[str] = []
    try:
        b.warm_bytecode()
        for name in names:
            result = run_one(name, args, env)
            if result is None:
                failed.append(name)
            else:
                rows.extend(result)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    print()
    print(header)
    print(f"total {time.monotonic() - started:.0f} s")
    print()
    print(table(rows))
    met = sum(1 for row in rows if row["met"])
    print(f"\n{met} of {len(rows)} targets met" + (f"; failed to run: {failed}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
