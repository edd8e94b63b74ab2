"""`appizer-tui status` as a user runs it: a subprocess talking real HTTP to the simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from appizer_tui.sim.app import DEMO_API_KEY, Simulator
from appizer_tui.sim.ratelimit import RateLimit
from appizer_tui.sim.scenarios import demo_scenario
from appizer_tui.sim.server import RunningServer, start_server

SECRET = "sk_test_demo_appizer_tui_0000"


@pytest.fixture(scope="module")
def simulator() -> Simulator:
    return Simulator(demo_scenario(), seed=7, rate_limit=RateLimit(10_000, 60.0))


@pytest.fixture(scope="module")
def server(simulator: Simulator) -> Iterator[RunningServer]:
    with start_server(simulator) as running:
        yield running


def run_status(
    server_url: str, *args: str, key: str | None = DEMO_API_KEY, tmp: Path
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPIZER")}
    env["APPIZER_TUI_CONFIG"] = str(tmp / "none.toml")
    (tmp / "none.toml").write_text("")
    if key is not None:
        env["APPIZER_API_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "appizer_tui", "status", "--base-url", server_url, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_json_matches_the_simulator_in_input_order(
    server: RunningServer, simulator: Simulator, tmp_path: Path
) -> None:
    ids = ["camp_weekly_digest", "camp_push_cert_fail"]
    result = run_status(server.base_url, "--json", *ids, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert [item["campaign_id"] for item in items] == ids
    for item in items:
        truth = simulator.truth(item["campaign_id"])
        assert truth is not None
        assert item["status"] == truth["status"]
        # Counters only grow between our fetch and the truth read after it.
        for name, value in item["stats"].items():
            assert value <= truth["stats"][name]
        assert item["stats"]["total_recipients"] == truth["stats"]["total_recipients"]
    assert SECRET not in result.stdout + result.stderr


def test_table_lists_every_id(server: RunningServer, tmp_path: Path) -> None:
    result = run_status(server.base_url, "camp_weekly_digest", "camp_launch_eu", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["CAMPAIGN", "STATUS"]
    assert [line.split()[0] for line in lines[1:]] == ["camp_weekly_digest", "camp_launch_eu"]


def test_not_found_is_exit_4_with_error_object(server: RunningServer, tmp_path: Path) -> None:
    result = run_status(server.base_url, "--json", "camp_weekly_digest", "camp_nope", tmp=tmp_path)
    assert result.returncode == 4
    items = json.loads(result.stdout)
    assert "stats" in items[0]
    assert items[1]["campaign_id"] == "camp_nope"
    assert items[1]["error"]["kind"] == "not_found"
    assert items[1]["error"]["http_status"] == 404


def test_wrong_key_is_exit_3_and_the_key_is_not_echoed(
    server: RunningServer, tmp_path: Path
) -> None:
    wrong = "sk_test_wrong_key_9999999999999"
    result = run_status(server.base_url, "--json", "camp_weekly_digest", key=wrong, tmp=tmp_path)
    assert result.returncode == 3
    error = json.loads(result.stdout)[0]["error"]
    assert (error["kind"], error["http_status"], error["code"]) == ("auth", 401, "INVALID_API_KEY")
    assert wrong not in result.stdout + result.stderr


def test_rate_limited_is_exit_5_with_retry_after(tmp_path: Path) -> None:
    tight = Simulator(demo_scenario(), rate_limit=RateLimit(1, 60.0))
    with start_server(tight) as running:
        result = run_status(
            running.base_url, "--json", "camp_weekly_digest", "camp_launch_eu", tmp=tmp_path
        )
    assert result.returncode == 5
    errors = [item["error"] for item in json.loads(result.stdout) if "error" in item]
    assert len(errors) == 1 and errors[0]["kind"] == "rate_limited"
    assert 0 < errors[0]["retry_after"] <= 60


def test_unreachable_server_is_exit_6(tmp_path: Path) -> None:
    result = run_status("http://127.0.0.1:9/v1", "--json", "camp_1", tmp=tmp_path)
    assert result.returncode == 6
    assert json.loads(result.stdout)[0]["error"]["kind"] == "network"


@pytest.mark.parametrize(
    ("args", "key", "fragment"),
    [
        (["camp_1"], None, "no API key"),
        (["a/b"], DEMO_API_KEY, "path separator"),
        (["--bogus", "camp_1"], DEMO_API_KEY, "No such option"),
        ([], DEMO_API_KEY, "at least one CAMPAIGN_ID"),
    ],
)
def test_usage_errors_are_exit_2_with_a_clear_message(
    server: RunningServer, tmp_path: Path, args: list[str], key: str | None, fragment: str
) -> None:
    result = run_status(server.base_url, *args, key=key, tmp=tmp_path)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_flag_needs_no_key(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPIZER")}
    result = subprocess.run(
        [sys.executable, "-m", "appizer_tui", "status", "--demo", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert {item["campaign_id"] for item in items} == set(Simulator(demo_scenario()).campaign_ids())
