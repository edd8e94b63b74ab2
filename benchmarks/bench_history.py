"""The history file (issue 14): recording's CPU per poll, bytes per sample, seek and load times.

1. CPU of recording per poll against the poll's own CPU. The poll: the engine in this process
   polling sending campaigns of a simulator process over HTTP (engine_vs_curl.engine_cpu), CPU per
   request. Recording: the same number of polls written into a store twice, without and with the
   Recorder and a HistoryWriter attached (its thread's CPU included, flushed before the clock
   stops); the difference per poll. Target: <= 10 % of the poll's CPU.
2. Bytes per sample: a 2-hour launch of 50 campaigns polled every 5 s (72,000 polls, the
   simulator's values) recorded, then checkpointed and VACUUMed ("once compacted"). Per stored
   sample (a row: a run of identical polls) and per poll. Baseline: the API's JSON body.
   Target: <= 120 bytes a sample.
3. Loading that launch for replay (`HistoryReader.load_recording`), against reading the same
   samples as Campaign objects (`merged_samples`).
4. Seeking one hour: a fresh ReplaySource at the start of a prepared recording (values decoded
   by `Recording.prepare`, which a front end runs in a worker after its first frame), then
   `seek(start + 1 h)`; median. The note gives later seeks, `prepare`, and a first seek on an
   unprepared recording. Baseline: rebuilding that hour by `record_success` one poll at a time.
   Target: <= 100 ms.

    python benchmarks/bench_history.py [--quick] [--runs N]
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import benchlib as b
import engine_vs_curl as engine

from appizer_tui.api.models import Campaign, encode_json
from appizer_tui.history.reader import HistoryReader
from appizer_tui.history.recorder import Recorder
from appizer_tui.history.writer import HistoryWriter
from appizer_tui.polling.clock import FakeClock
from appizer_tui.polling.replay import ReplayClock, ReplaySource
from appizer_tui.sim.scenarios import campaign_at, generated_scenario
from appizer_tui.state.store import CampaignStore

BASE_URL = "http://127.0.0.1:9/v1"
LAUNCH_CAMPAIGNS = 50
LAUNCH_SECONDS = 7200
INTERVAL = 5.0


def launch_polls(campaigns: int, seconds: int) -> list[tuple[str, float, Campaign]]:
    """(id, fetched at, campaign) of every poll of a launch, from the simulator's model."""
    scenario = generated_scenario(campaigns)
    start = 1_700_000_000.0
    polls = []
    for step in range(int(seconds / INTERVAL)):
        for index, spec in enumerate(scenario.campaigns):
            at = start + step * INTERVAL + index * 0.05
            polls.append((spec.campaign_id, at, campaign_at(spec, at - start, epoch=start)))
    return polls


def recording_cpu(polls: list[tuple[str, float, Campaign]], path: Path | None) -> float:
    """CPU seconds to put `polls` into a store, with a recorder writing to `path` when given."""
    store = CampaignStore(interval=INTERVAL)
    for campaign_id in {p[0] for p in polls}:
        store.add(campaign_id)
    writer = HistoryWriter(path, batch_seconds=0.5) if path is not None else None
    if writer is not None:
        writer.start()
        writer.flush()
        Recorder(store, writer, BASE_URL).attach()
    before = b.self_cpu()
    for campaign_id, at, fetched in polls:
        store.record_success(campaign_id, fetched, at=at)
    if writer is not None:
        assert writer.flush(300) and writer.dropped == 0 and writer.warning is None
    cpu = b.self_cpu() - before
    if writer is not None:
        writer.close()
    return cpu


def write_launch(path: Path, polls: list[tuple[str, float, Campaign]]) -> None:
    writer = HistoryWriter(path, batch_seconds=0.5, retention_days=None).start()
    for count, (campaign_id, at, fetched) in enumerate(polls, 1):
        writer.record_sample(BASE_URL, campaign_id, at, fetched)
        if count % 20_000 == 0:
            writer.flush(300)
    assert writer.flush(300) and writer.dropped == 0 and writer.warning is None
    writer.close()


def compacted_size(path: Path) -> int:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("VACUUM")
    connection.close()
    return path.stat().st_size


def timed(action: Callable[[], object]) -> float:
    """Wall seconds `action()` took."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> int:
    arguments = b.parser(__doc__)
    args = arguments.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    engine_polls = 600 if args.quick else 2000
    results: list[b.Result] = []
    with tempfile.TemporaryDirectory(prefix="appizer-bench-history-") as folder:
        scratch = Path(folder)

        # 1. CPU of recording per poll, against the poll's own.
        ids = engine.campaign_ids(100)
        with engine.simulator(100) as base_url:
            poll_cpu, served = asyncio.run(engine.engine_cpu(base_url, ids, engine_polls, 1.0))
        per_poll = poll_cpu / served
        polls = launch_polls(LAUNCH_CAMPAIGNS, 1200 if args.quick else 2400)
        plain = [recording_cpu(polls, None) for _ in range(runs)]
        recorded = [recording_cpu(polls, scratch / f"cpu{n}.sqlite3") for n in range(runs)]
        per_record = (b.median(recorded) - b.median(plain)) / len(polls)
        ratio = b.ratio(per_record, per_poll)
        results.append(
            b.Result(
                row="history: CPU of recording per poll",
                what="Recorder + writer thread per poll (store writes with and without it)",
                figure=per_record * 1e6,
                unit="µs",
                baseline=per_poll * 1e6,
                baseline_what="the poll's own CPU (engine over HTTP)",
                ratio=ratio,
                target="ratio <= 0.10",
                met=ratio <= 0.10,
                samples=[(r - p) / len(polls) * 1e6 for r, p in zip(recorded, plain, strict=True)],
                note=f"{len(polls)} polls; engine {served} requests, {poll_cpu:.2f} CPU s",
            )
        )

        # 2. Bytes per sample of a 2-hour launch of 50 campaigns at 5 s.
        launch = launch_polls(LAUNCH_CAMPAIGNS, 1800 if args.quick else LAUNCH_SECONDS)
        path = scratch / "launch.sqlite3"
        write_launch(path, launch)
        size = compacted_size(path)
        with HistoryReader(path) as reader:
            rows = sum(c.samples for c in reader.campaigns(BASE_URL))
        json_bytes = sum(len(encode_json(c.to_api_dict())) for _, _, c in launch) / len(launch)
        per_row = size / rows
        results.append(
            b.Result(
                row="history: bytes per sample",
                what=f"compacted file / stored samples ({rows:,} rows for {len(launch):,} polls)",
                figure=per_row,
                unit="B",
                baseline=json_bytes,
                baseline_what="the API's JSON body",
                ratio=b.ratio(per_row, json_bytes),
                target="<= 120 B",
                met=per_row <= 120,
                note=f"{size / len(launch):.1f} B per poll; file {size / 1e6:.2f} MB",
            )
        )

        # 3. Loading the launch for replay; 4. seeking one hour, first on a fresh recording
        # (its values decoded then), then back and forth.
        loads, objects, cold_seeks, prepares, first_seeks, seeks = [], [], [], [], [], []
        with HistoryReader(path) as reader:
            for _ in range(runs):
                objects.append(timed(lambda: reader.merged_samples(BASE_URL)))
                started = time.perf_counter()
                recording = reader.load_recording(BASE_URL)
                loads.append(time.perf_counter() - started)
                start = recording.start or 0.0
                hour = min(3600.0, (recording.end or start) - start)
                store = CampaignStore(interval=INTERVAL)
                clock = ReplayClock(start, paused=True, base=FakeClock())
                source = ReplaySource(store, clock, recording)
                cold_seeks.append(timed(partial(source.seek, start + hour)))
                recording = reader.load_recording(BASE_URL)
                prepares.append(timed(recording.prepare))
                source = ReplaySource(CampaignStore(interval=INTERVAL), clock, recording)
                first_seeks.append(timed(partial(source.seek, start + hour)))
                seeks.append(timed(partial(source.seek, start + hour / 2)))
                seeks.append(timed(partial(source.seek, start + hour)))
        load = b.median(loads)
        results.append(
            b.Result(
                row="history: loading the launch for replay",
                what=f"load_recording of {rows:,} samples",
                figure=load,
                unit="s",
                baseline=b.median(objects),
                baseline_what="the same samples as Campaign objects",
                ratio=b.ratio(load, b.median(objects)),
                target="(<= 1.5x the live first frame: measured with the replay command)",
                met=True,
                samples=loads,
            )
        )
        naive_store = CampaignStore(interval=INTERVAL)
        for campaign_id in {p[0] for p in launch}:
            naive_store.add(campaign_id)
        first_hour = [p for p in launch if p[1] <= start + hour]
        naive = timed(
            lambda: [naive_store.record_success(cid, c, at=at) for cid, at, c in first_hour]
        )
        seek = b.median(first_seeks)
        results.append(
            b.Result(
                row="history: seeking one hour",
                what=f"ReplaySource.seek, {LAUNCH_CAMPAIGNS} campaigns, after Recording.prepare",
                figure=seek,
                unit="s",
                baseline=naive,
                baseline_what=f"record_success for each of its {len(first_hour):,} polls",
                ratio=b.ratio(seek, naive),
                target="<= 100 ms",
                met=seek <= 0.100,
                samples=first_seeks,
                note=(
                    f"later seeks (30 min back, forward) {b.median(seeks) * 1e3:.0f} ms; prepare "
                    f"{b.median(prepares) * 1e3:.0f} ms; a first seek without prepare (it decodes "
                    f"then) {b.median(cold_seeks) * 1e3:.0f} ms"
                ),
            )
        )
    return b.report(results, args, "history (issue 14)")


if __name__ == "__main__":
    sys.exit(main())
