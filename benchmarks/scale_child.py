"""Helper for bench_scale.py (not a benchmark by itself): the viewer on many campaigns with an
hour of history, driven by Textual's Pilot; prints one JSON line.

It builds the store, engine and app exactly as `appizer-tui` does, fills every campaign's history
with an hour of samples taken every `--history-interval` seconds (from the simulator's own
formulas, ending now, so the live polls continue it), then runs the app headless with the real
engine polling the simulator at `--base-url`, presses navigation keys through the Pilot and times
each from the moment the key event is sent to the end of the first frame (the compositor's update,
handed to the driver) that shows the cursor on its new row, and reads its own RSS from /proc.
(Pilot.press itself also waits for the app to go idle, in 20 ms steps, so its own duration is not
the latency.)

    python benchmarks/scale_child.py --base-url URL --campaigns 1000 --history-interval 120
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import time
from pathlib import Path
from typing import Any

DEMO_KEY = "sk_test_demo_appizer_tui_0000"
ROUND = (
    ["down"] * 30
    + ["pagedown"] * 10
    + ["end", "up", "up", "home"]
    + ["j"] * 20
    + ["pageup"] * 5
    + ["k"] * 20
    + ["G", "g"]
)
KEYS = ROUND * 3
"""Three rounds: about 200 key presses that move the cursor, so the p95 rests on ~10 samples."""


def rss_mb() -> float:
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def fill_history(store: Any, ids: list[str], interval: float, now: float) -> int:
    """An hour of samples per campaign, `interval` apart, ending at `now`."""
    from appizer_tui.sim.scenarios import campaign_at, generated_scenario
    from appizer_tui.state.model import Phase

    scenario = generated_scenario(len(ids))
    count = int(3600 // interval)
    samples = 0
    for spec in scenario.campaigns:
        for step in range(count, 0, -1):
            at = now - step * interval
            campaign = campaign_at(spec, at - now, epoch=now)
            store.record_success(spec.campaign_id, campaign, at=at, phase=Phase.ACTIVE)
            samples += 1
    return samples


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from appizer_tui.alerts.rules import AlertConfig
    from appizer_tui.api.client import AppizerClient
    from appizer_tui.api.secret import ApiKey
    from appizer_tui.polling.clock import SystemClock
    from appizer_tui.polling.engine import Poller
    from appizer_tui.state.store import CampaignStore
    from appizer_tui.ui.app import AppizerApp
    from appizer_tui.ui.options import ViewerOptions

    ids = [f"load_{n:04d}" for n in range(1, args.campaigns + 1)]
    clock = SystemClock()
    client = AppizerClient(ApiKey(DEMO_KEY), args.base_url, wall_clock=clock.wall)
    store = CampaignStore(interval=5.0)
    poller = Poller(client, store, clock, interval=5.0)
    poller.add(*ids)
    rss_empty = rss_mb()
    started = time.perf_counter()
    samples = fill_history(store, ids, args.history_interval, clock.wall())
    fill_seconds = time.perf_counter() - started
    gc.collect()
    options = ViewerOptions(
        base_url=args.base_url,
        demo=False,
        key_masked=ApiKey(DEMO_KEY).masked,
        alert_config=AlertConfig(),
        export_dir=Path.cwd(),
        watchlist_path=None,
    )
    app = AppizerApp(store=store, poller=poller, clock=clock, options=options)
    frames: list[tuple[float, str | None]] = []
    display = app._display

    def timed_display(screen: Any, renderable: Any) -> None:
        # What the frame shows: the cursor row at the moment it was composed.
        try:
            row = screen.query_one("#campaigns").cursor_id
        except Exception:  # noqa: BLE001 - another screen (a dialog) is on top
            row = None
        display(screen, renderable)
        if renderable is not None:
            frames.append((time.perf_counter(), row))

    app._display = timed_display  # type: ignore[method-assign]
    latencies: list[float] = []
    by_key: dict[str, list[float]] = {}
    missed = 0
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(args.settle)
        campaigns = app.screen.query_one("#campaigns")
        for key in KEYS:
            before = campaigns.cursor_id  # type: ignore[attr-defined]
            begin = time.perf_counter()
            await pilot.press(key)
            after = campaigns.cursor_id  # type: ignore[attr-defined]
            if after == before:
                continue  # the key did not move the cursor (already at the end)
            shown = [at for at, row in frames if at > begin and row == after]
            if not shown:
                app.screen._on_timer_update()
                shown = [at for at, row in frames if at > begin and row == after]
            if shown:
                latencies.append(shown[0] - begin)
                by_key.setdefault(key, []).append(shown[0] - begin)
            else:
                missed += 1
            await asyncio.sleep(0.05)
        await pilot.pause(1.0)
        rss = rss_mb()
        history_bytes = sum(store.history(i).memory_bytes() for i in ids)
        await app.action_quit_viewer()
    await client.aclose()
    return {
        "latencies": latencies,
        "rss_mb": rss,
        "rss_before_fill_mb": rss_empty,
        "history_mb": history_bytes / 1e6,
        "samples": samples,
        "missed": missed,
        "by_key": {key: sorted(values) for key, values in by_key.items()},
        "fill_seconds": fill_seconds,
        "requests": poller.requests_sent if hasattr(poller, "requests_sent") else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--campaigns", type=int, default=1000)
    parser.add_argument("--history-interval", type=float, default=120.0)
    parser.add_argument("--settle", type=float, default=3.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
