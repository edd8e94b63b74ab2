"""Modes start-up: wall time of `appizer-tui --version` and `appizer-tui status ID --json`.

Baselines in the same run: `python -c pass` for `--version` (target <= 3x) and
`python -c 'import httpx'` for `status` (target <= 1.5x). `status` asks a real `appizer-tui sim`
process on 127.0.0.1 for one campaign. The commands run interleaved, one after another, with warm
bytecode caches (as after `pip install`); the figures are medians.

    python benchmarks/bench_startup.py [--quick] [--runs N]
"""

from __future__ import annotations

import subprocess
import sys
import time

import benchlib as b


def wall(command: list[str], env: dict[str, str], expect: int = 0) -> float:
    """Seconds from start to exit of one run (its exit status checked)."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if done.returncode != expect:
        raise RuntimeError(f"{command[:3]} exited {done.returncode}: {done.stderr[-500:]!r}")
    return elapsed


def main() -> int:
    args = b.parser(__doc__).parse_args()
    runs = args.runs or (9 if args.quick else 25)
    b.warm_bytecode()
    samples: dict[str, list[float]] = {"pass": [], "version": [], "httpx": [], "status": []}
    with b.scratch_home() as home, b.sim_process("--campaigns", "1") as base_url:
        env = b.isolated_env(home)
        commands = {
            "pass": [b.PYTHON, "-c", "pass"],
            "version": b.appizer_command("--version"),
            "httpx": [b.PYTHON, "-c", "import httpx"],
            "status": b.appizer_command(
                "status", "--json", "--base-url", base_url, "--api-key", b.DEMO_KEY, "load_0001"
            ),
        }
        for command in commands.values():  # warm-up, not counted
            wall(command, env)
        for _ in range(runs):
            for name, command in commands.items():
                samples[name].append(wall(command, env))
    version, passing = b.median(samples["version"]), b.median(samples["pass"])
    status, httpx_import = b.median(samples["status"]), b.median(samples["httpx"])
    version_ratio, status_ratio = b.ratio(version, passing), b.ratio(status, httpx_import)
    results = [
        b.Result(
            row="modes start-up",
            what="`appizer-tui --version`",
            figure=version,
            unit="s",
            baseline=passing,
            baseline_what="`python -c pass`",
            ratio=version_ratio,
            target="<= 3x `python -c pass`",
            met=version_ratio <= 3.0,
            samples=samples["version"],
        ),
        b.Result(
            row="modes start-up",
            what="`appizer-tui status ID --json` (one request to the sim)",
            figure=status,
            unit="s",
            baseline=httpx_import,
            baseline_what="`python -c 'import httpx'`",
            ratio=status_ratio,
            target="<= 1.5x `import httpx`",
            met=status_ratio <= 1.5,
            samples=samples["status"],
        ),
    ]
    return b.report(results, args, f"modes start-up: {runs} interleaved runs each, warm caches")


if __name__ == "__main__":
    sys.exit(main())
