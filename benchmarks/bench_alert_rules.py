"""What the alert rules add to one poll: `AlertEngine.evaluate` on a changed view, against the
store write that every poll already pays (`CampaignStore.record_success`), measured in the same
run on the same campaigns.

    python benchmarks/bench_alert_rules.py [--campaigns 1000] [--rounds 60]

Each round every campaign gets a fetch with grown counters (a sending launch, 6 % failing, so
some rules fire on the way), written to the store and then evaluated one view at a time, as the
presenter does. Prints CPU microseconds per campaign for both and their ratio (median of
rounds). No target of its own: the figure says what share of a poll's in-process cost the rules
are.
"""

from __future__ import annotations

import argparse
import statistics
import time

from appizer_tui.alerts.rules import AlertEngine
from appizer_tui.api.models import Campaign, CampaignStatus, Stats
from appizer_tui.state.model import GlobalState
from appizer_tui.state.store import CampaignStore


def fetched(campaign_id: str, step: int) -> Campaign:
    processed = 400 * (step + 1)
    failed = processed * 6 // 100
    return Campaign(
        campaign_id=campaign_id,
        status=CampaignStatus.SENDING,
        raw_status="sending",
        stats=Stats(
            total_recipients=processed + 1000,
            sent=processed - failed,
            delivered=processed - failed,
            failed=failed,
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()

    wall = [1_700_000_000.0]
    store = CampaignStore(interval=5.0, wall=lambda: wall[0])
    engine = AlertEngine()
    ids = [f"camp_{n:05d}" for n in range(args.campaigns)]
    for campaign_id in ids:
        store.add(campaign_id)
    state = GlobalState()
    store_us: list[float] = []
    rules_us: list[float] = []
    transitions = 0
    for step in range(args.rounds):
        wall[0] += 5.0
        batch = [fetched(campaign_id, step) for campaign_id in ids]
        started = time.process_time()
        views = [store.record_success(c.campaign_id, c, at=wall[0]) for c in batch]
        stored = time.process_time()
        for view in views:
            assert view is not None
            transitions += len(engine.evaluate((view,), state, wall[0]))
        evaluated = time.process_time()
        store_us.append((stored - started) / len(ids) * 1e6)
        rules_us.append((evaluated - stored) / len(ids) * 1e6)

    base, figure = statistics.median(store_us), statistics.median(rules_us)
    print(f"campaigns {args.campaigns}, rounds {args.rounds}, transitions {transitions}")
    print(f"store write (baseline)  {base:8.1f} us CPU per campaign per poll")
    print(f"alert rules (evaluate)  {figure:8.1f} us CPU per campaign per poll")
    print(f"ratio                   {figure / base:8.2f}")


if __name__ == "__main__":
    main()
