"""`appizer-tui export` as a subprocess against a real simulator server on 127.0.0.1.

The simulator runs on a clock the test moves by hand, so what was exported must equal its truth.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from plain_helpers import ManualClock, against, run

from appizer_tui.sim.scenarios import CampaignSpec, demo_scenario
from appizer_tui.sim.server import RunningServer
from appizer_tui.state.export import CAMPAIGN_COLUMNS

# Ids a server can really send back, that a spreadsheet would run as formulas.
HOSTILE = ("=1+2", "@SUM(A1)", "-2+3", "+cmd|calc")
SPECS = (
    CampaignSpec("camp_done", 2000, send_duration=60, start_after=-600, created_ago=900),
    CampaignSpec("camp_send", 5000, send_duration=600, start_after=-100),
    *(CampaignSpec(cid, 1000, send_duration=60, start_after=-30) for cid in HOSTILE),
)
IDS = ["camp_done", "camp_send", *HOSTILE]


@pytest.fixture
def server(serve: Callable[..., RunningServer], manual_clock: ManualClock) -> RunningServer:
    return serve(*SPECS, clock=manual_clock)


def _truth(server: RunningServer, campaign_id: str) -> dict[str, Any]:
    truth = server.simulator.truth(campaign_id)
    assert truth is not None
    return truth


def _check_row(row: dict[str, Any], truth: dict[str, Any], *, as_text: bool) -> None:
    """One exported campaign against the simulator's body (CSV cells are text)."""

    def value(x: Any) -> Any:
        return ("" if x is None else str(x)) if as_text else x

    for key in ("created_at", "sent_at", "completed_at"):
        assert row[key] == value(truth[key]), key
    for key, number in truth["stats"].items():
        assert row[key] == value(number), key
    for key, rate in truth["rates"].items():
        assert row[key] == value(rate), key  # the API's own rate, as it sent it
    stats = truth["stats"]
    attempted = stats["sent"] + stats["failed"]
    assert float(row["failure_rate"]) == pytest.approx(stats["failed"] / attempted)
    datetime.fromisoformat(str(row["fetched_at"]).replace("Z", "+00:00"))


def test_csv_round_trips_neutralised_and_equal_to_the_truth(
    server: RunningServer, env: dict[str, str]
) -> None:
    result = run(["export", *against(server), "--", *IDS], env)
    assert result.returncode == 0, result.stderr
    reader = csv.DictReader(io.StringIO(result.stdout, newline=""))
    assert tuple(reader.fieldnames or ()) == CAMPAIGN_COLUMNS
    rows = list(reader)
    assert [r["campaign_id"] for r in rows] == [
        "camp_done",
        "camp_send",
        *(f"'{h}" for h in HOSTILE),
    ]
    for row, campaign_id in zip(rows, IDS, strict=True):
        truth = _truth(server, campaign_id)
        assert row["status"] == truth["status"]
        _check_row(row, truth, as_text=True)
    assert not any(cell[:1] in "=+-@" for row in rows for cell in row.values() if cell)


def test_json_file_is_atomic_and_never_overwritten_silently(
    server: RunningServer, manual_clock: ManualClock, env: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "out" / "campaigns.json"
    target.parent.mkdir()
    args = ["export", *against(server), "--format", "json", "--output", str(target)]
    ids = ["--", *IDS]
    first = run([*args, *ids], env)
    assert first.returncode == 0, first.stderr
    assert f"wrote 6 rows to {target}" in first.stderr and first.stdout == ""
    items = json.loads(target.read_text())
    assert [list(item) for item in items] == [list(CAMPAIGN_COLUMNS)] * len(IDS)
    for item, campaign_id in zip(items, IDS, strict=True):
        truth = _truth(server, campaign_id)
        assert item["campaign_id"] == campaign_id and item["status"] == truth["status"]
        _check_row(item, truth, as_text=False)

    before = target.read_bytes()
    manual_clock.advance(120)
    refused = run([*args, *ids], env)
    assert refused.returncode == 2
    assert "already exists; not overwriting it (pass --force to replace it)" in refused.stderr
    assert target.read_bytes() == before

    forced = run([*args, "--force", *ids], env)
    assert forced.returncode == 0, forced.stderr
    after = json.loads(target.read_text())
    assert after != items and after[1]["sent"] == _truth(server, "camp_send")["stats"]["sent"]
    assert [p.name for p in target.parent.iterdir()] == ["campaigns.json"]  # no temp files


def test_unfetchable_ids_are_reported_and_the_rest_exported(
    server: RunningServer, env: dict[str, str]
) -> None:
    result = run(["export", *against(server), "camp_done", "camp_missing"], env)
    assert result.returncode == 4
    assert "appizer-tui: camp_missing: not found (HTTP 404): " in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert [r["campaign_id"] for r in rows] == ["camp_done"]


def test_an_auth_error_writes_no_file(
    server: RunningServer, env: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "x.csv"
    key = "sk_test_not_the_right_key_0000"
    result = run(["export", *against(server, key), "-o", str(target), "camp_done"], env)
    assert result.returncode == 3
    assert "unauthorized (HTTP 401)" in result.stderr and key not in result.stderr
    assert not target.exists()


def test_history_reads_the_history_file_and_never_requests(
    server: RunningServer, env: dict[str, str], tmp_path: Path
) -> None:
    # (The rows themselves: tests/plain/test_history_commands.py, after a recorded `watch`.)
    missing = tmp_path / "none.sqlite3"
    flags = [*against(server), "--history-file", str(missing)]
    result = run(["export", *flags, "--history", "camp_done"], env)
    assert result.returncode == 1
    assert "no history file" in result.stderr and not missing.exists()
    assert server.simulator.requests_served == 0


def test_demo_exports_the_demo_campaigns(env: dict[str, str]) -> None:
    result = run(["export", "--demo", "--format", "json"], env)
    assert result.returncode == 0, result.stderr
    assert [i["campaign_id"] for i in json.loads(result.stdout)] == demo_scenario().ids()


def test_existing_output_is_refused_before_any_request(tmp_path: Path, env: dict[str, str]) -> None:
    target = tmp_path / "keep.csv"
    target.write_text("precious")
    # Port 9 is closed: had it tried to fetch, this would be a network error (6), not 2.
    key = ["--api-key", "sk_test_whatever_0000", "--base-url", "http://127.0.0.1:9/v1"]
    result = run(["export", *key, "-o", str(target), "c1"], env)
    assert result.returncode == 2 and "already exists" in result.stderr
    assert target.read_text() == "precious"
