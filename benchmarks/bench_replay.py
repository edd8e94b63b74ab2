"""Opening a recorded launch in `appizer-tui replay` (issue 14), against the live viewer.

The recording: a 2-hour launch of 50 campaigns polled every 5 s (72,000 polls, the simulator's
values; bench_history.launch_polls) written by the real HistoryWriter. `replay` is timed in a
real 160x48 pty from fork until the REPLAY header is up and the first campaign's row shows its
status and progress. Baseline in the same run, alternating: the live viewer on the same 50
campaigns of a simulator process until the same row shows its first data. Target: median ratio
<= 1.5. (Seeking one hour: bench_history.py, item 4.)

    python benchmarks/bench_replay.py [--quick] [--runs N]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import bench_history as history
import benchlib as b

CAMPAIGNS = history.LAUNCH_CAMPAIGNS
TIMEOUT = 120.0


def time_replay(path: Path, first_id: str, env: dict[str, str]) -> float:
    """Seconds from fork until replay shows the first campaign's figures under REPLAY."""
    argv = b.appizer_command(
        "replay", "--base-url", history.BASE_URL, "--history-file", str(path)
    )
    shown_data = b.first_data_shown(first_id)
    with b.Terminal(argv, env=env) as term:
        shown = term.wait_for(lambda s: "REPLAY" in s.text() and shown_data(s), TIMEOUT)
        if shown is None:
            raise RuntimeError("replay never showed data:\n" + term.screen.text())
        return shown - term.started


def time_live(base_url: str, ids: list[str], env: dict[str, str]) -> float:
    """Seconds from fork until the live viewer shows the first campaign's figures."""
    with b.Terminal(b.viewer_command(base_url, ids, "--interval", "5"), env=env) as term:
        shown = term.wait_for(b.first_data_shown(ids[0]), TIMEOUT)
        if shown is None:
            raise RuntimeError("the viewer never showed data:\n" + term.screen.text())
        return shown - term.started


def main() -> int:
    args = b.parser(__doc__).parse_args()
    runs = args.runs or (3 if args.quick else 9)
    b.warm_bytecode()
    polls = history.launch_polls(CAMPAIGNS, history.LAUNCH_SECONDS)
    first_id = polls[0][0]
    ids = b.load_ids(CAMPAIGNS)
    replay: list[float] = []
    live: list[float] = []
    with (
        tempfile.TemporaryDirectory() as folder,
        b.scratch_home() as home,
        b.sim_process("--campaigns", str(CAMPAIGNS), "--rate-limit", "100000/minute") as url,
    ):
        path = Path(folder) / "history.sqlite3"
        history.write_launch(path, polls)
        env = b.isolated_env(home)
        time_replay(path, first_id, env)  # warm-up
        time_live(url, ids, env)
        for _ in range(runs):
            replay.append(time_replay(path, first_id, env))
            live.append(time_live(url, ids, env))
    figure, baseline = b.median(replay), b.median(live)
    ratio = b.ratio(figure, baseline)
    result = b.Result(
        row="replay: first frame",
        what=f"replay of {len(polls):,} polls ({CAMPAIGNS} campaigns, 2 h), first figures",
        figure=figure,
        unit="s",
        baseline=baseline,
        baseline_what=f"live viewer, {CAMPAIGNS} campaigns, first figures",
        ratio=ratio,
        target="ratio <= 1.5",
        met=ratio <= 1.5,
        samples=replay,
        note="runs: replay "
        + " ".join(f"{s:.2f}" for s in replay)
        + "; live "
        + " ".join(f"{s:.2f}" for s in live),
    )
    return b.report([result], args, f"replay first frame: {runs} alternating runs, 160x48 pty")


if __name__ == "__main__":
    sys.exit(main())
