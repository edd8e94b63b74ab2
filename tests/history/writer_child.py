"""A writer process for the multi-process tests: records COUNT polls of its campaigns.

    python writer_child.py PATH PREFIX COUNT [--slow]

Campaign `{PREFIX}_own` gets polls at times 1..COUNT; campaign `shared` gets this process's own
values at odd (PREFIX a) or even (PREFIX b) milliseconds, so both processes write it at once.
Prints "batch N" after each committed flush, so a parent can kill it mid-run.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "polling"))  # history_support uses it

from history_support import BASE_URL, campaign  # noqa: E402

from appizer_tui.history.writer import HistoryWriter  # noqa: E402


def main() -> int:
    path, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    endless = "--endless" in sys.argv
    # The samples are stamped from 2023 on: a wall clock of today would let the other process's
    # start-up retention prune delete them (that is what retention is for).
    writer = HistoryWriter(
        path, on_warning=lambda m: print("warning", m, flush=True), wall=lambda: 1_700_000_000.0
    )
    writer.batch_seconds = 0.05
    writer.start()
    offset, parity = (0.001, 1) if prefix == "a" else (0.002, 2)
    step = 0
    while endless or step < count:
        step += 1
        at = 1_700_000_000.0 + step * 5
        writer.record_sample(BASE_URL, f"{prefix}_own", at, campaign(f"{prefix}_own", step))
        shared = campaign("shared", step * 2 + parity)
        writer.record_sample(BASE_URL, "shared", at + offset, shared)
        if step % 200 == 0:
            if not writer.flush(60):
                print("flush timed out", flush=True)
                return 1
            print(f"batch {step}", flush=True)
    writer.flush(60)
    writer.close()
    print("done", writer.dropped, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
