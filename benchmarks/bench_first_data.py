"""Time to first data: the viewer on 5 sending campaigns in a real pty, until the first campaign's
counters (its status and progress) are on screen.

Baseline in the same run: a minimal Textual app (one Static) in the same pty until its text is on
screen. Both are timed from fork to the moment the bytes that complete the text arrive; runs
alternate, warm bytecode caches, a 160x48 xterm-256color terminal. The simulator is a separate
`appizer-tui sim` process on 127.0.0.1, so its work never competes with the measuring process.
Target: median ratio <= 1.3.

    python benchmarks/bench_first_data.py [--quick] [--runs N] [--campaigns 5]
"""

from __future__ import annotations

import sys

import benchlib as b

TIMEOUT = 60.0


def time_viewer(base_url: str, ids: list[str], env: dict[str, str]) -> float:
    """Seconds from fork until the first id's row shows its status and progress."""
    with b.Terminal(b.viewer_command(base_url, ids, "--interval", "5"), env=env) as term:
        shown = term.wait_for(b.first_data_shown(ids[0]), TIMEOUT)
        if shown is None:
            raise RuntimeError("the viewer never showed data:\n" + term.screen.text())
        return shown - term.started


def time_minimal(env: dict[str, str]) -> float:
    """Seconds from fork until the minimal Textual app's text is on screen."""
    with b.Terminal([b.PYTHON, "-c", b.MINIMAL_TEXTUAL_APP], env=env) as term:
        shown = term.wait_for(lambda s: "first text on screen" in s.text(), TIMEOUT)
        if shown is None:
            raise RuntimeError("the minimal app never drew")
        return shown - term.started


def measure(campaigns: int, runs: int) -> tuple[list[float], list[float]]:
    """(viewer samples, minimal-app samples), after one warm-up run of each."""
    b.warm_bytecode()
    ids = b.load_ids(campaigns)
    viewer: list[float] = []
    minimal: list[float] = []
    with (
        b.scratch_home() as home,
        b.sim_process("--campaigns", str(campaigns), "--rate-limit", "100000/minute") as url,
    ):
        env = b.isolated_env(home)
        time_viewer(url, ids, env)
        time_minimal(env)
        for _ in range(runs):
            viewer.append(time_viewer(url, ids, env))
            minimal.append(time_minimal(env))
    return viewer, minimal


def main() -> int:
    arguments = b.parser(__doc__)
    arguments.add_argument("--campaigns", type=int, default=5)
    args = arguments.parse_args()
    runs = args.runs or (5 if args.quick else 11)
    viewer, minimal = measure(args.campaigns, runs)
    figure, baseline = b.median(viewer), b.median(minimal)
    ratio = b.ratio(figure, baseline)
    result = b.Result(
        row="time to first data",
        what=f"viewer, {args.campaigns} campaigns, first counters on screen",
        figure=figure,
        unit="s",
        baseline=baseline,
        baseline_what="minimal Textual app, first text",
        ratio=ratio,
        target="ratio <= 1.3",
        met=ratio <= 1.3,
        samples=viewer,
        note=f"runs: viewer {fmt(viewer)}; minimal {fmt(minimal)}",
    )
    return b.report([result], args, f"time to first data: {runs} alternating runs, 160x48 pty")


def fmt(samples: list[float]) -> str:
    return " ".join(f"{s:.2f}" for s in samples)


if __name__ == "__main__":
    sys.exit(main())
