"""Terminal bandwidth: bytes the viewer writes to its pty per second, on 10 sending campaigns
polled every 5 s, with the detail pane showing the first of them (the cursor's campaign).

Read from a real pty (160x48, xterm-256color). Baseline in the same run: the bytes of one full
redraw of the same screen: the viewer's first frame, which Textual draws whole (every row). A
small VT parser attributes the bytes after each cursor move to a screen row, so the bytes spent
per changed list row are measured as well.
Targets: <= 2 KB/s on average; <= 300 B per changed list row.

    python benchmarks/bench_bandwidth.py [--quick] [--seconds 60]
"""

from __future__ import annotations

import sys
import time

import benchlib as b

COLS, ROWS = 160, 48


def main() -> int:
    arguments = b.parser(__doc__)
    arguments.add_argument("--seconds", type=float, default=None)
    args = arguments.parse_args()
    seconds = args.seconds or (20.0 if args.quick else 60.0)
    from appizer_tui.sim.app import Simulator
    from appizer_tui.sim.ratelimit import RateLimit
    from appizer_tui.sim.scenarios import generated_scenario

    b.warm_bytecode()
    ids = b.load_ids(10)
    simulator = Simulator(generated_scenario(10), rate_limit=RateLimit(100_000, 60))
    with b.scratch_home() as home, b.sim_server(simulator) as server:
        env = b.isolated_env(home)
        command = b.viewer_command(server.base_url, ids, "--interval", "5")
        with b.Terminal(command, cols=COLS, rows=ROWS, env=env) as term:
            if term.wait_for(b.first_data_shown(ids[-1]), 60) is None:
                raise RuntimeError("not every campaign showed data:\n" + term.screen.text())
            time.sleep(6.0)  # the first round of polls and the chart's first draw
            list_rows, list_right = b.list_geometry(term.screen, "load_")
            start = time.monotonic()
            first_chop = len(term.screen.chops)
            time.sleep(seconds)
            end = time.monotonic()
            written = term.bytes_between(start, end)
            chops = [c for c in term.screen.chops[first_chop:] if start <= c.at < end]
            # Baseline: the first frame that drew (nearly) every row: a full redraw.
            full_redraw = 0
            for frame in b.frames(term.screen.chops[:first_chop], gap=0.005):
                if len({chop.row for chop in frame}) >= ROWS - 2:
                    full_redraw = sum(chop.nbytes for chop in frame)
                    break
            if not full_redraw:
                raise RuntimeError("no full frame was seen at start-up")
    per_second = written / (end - start)
    list_bytes = 0
    row_updates = 0
    for frame in b.frames(chops):
        rows = set()
        for chop in frame:
            if chop.row in list_rows and chop.col < list_right:
                list_bytes += chop.nbytes
                rows.add(chop.row)
        row_updates += len(rows)
    per_row = list_bytes / row_updates if row_updates else float("nan")
    top, bottom = min(list_rows) - 1, max(list_rows) + 1
    right_pane = sum(c.nbytes for c in chops if top <= c.row <= bottom and c.col >= list_right)
    elsewhere = written - list_bytes - right_pane
    frame_count = len(b.frames(chops))
    results = [
        b.Result(
            row="terminal bandwidth",
            what=f"10 sending campaigns at 5 s, detail pane open, {seconds:g} s average",
            figure=per_second,
            unit="B/s",
            baseline=float(full_redraw),
            baseline_what="one full redraw",
            baseline_unit="B",
            ratio=b.ratio(per_second, full_redraw),
            target="<= 2 KB/s",
            met=per_second <= 2000,
            note=f"{written:,} B in {end - start:.1f} s, {frame_count} frames: list pane "
            f"{list_bytes:,} B, detail pane {right_pane:,} B, header/status/footer {elsewhere:,} B",
        ),
        b.Result(
            row="terminal bandwidth",
            what="bytes per changed list row",
            figure=per_row,
            unit="B",
            baseline=float(full_redraw),
            baseline_what="one full redraw",
            baseline_unit="B",
            ratio=b.ratio(per_row, full_redraw),
            target="<= 300 B per changed row",
            met=per_row <= 300,
            note=f"{list_bytes:,} B over {row_updates} row updates in the list pane",
        ),
    ]
    return b.report(results, args, f"terminal bandwidth ({COLS}x{ROWS} pty)")


if __name__ == "__main__":
    sys.exit(main())
