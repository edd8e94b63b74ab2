"""`appizer-tui sim`: what it prints, that it serves, and how it refuses bad flags."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from appizer_tui.sim import command as command_module
from appizer_tui.sim.app import DEMO_API_KEY
from appizer_tui.sim.command import sim_command
from appizer_tui.sim.server import RunningServer


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Instead of waiting for Ctrl+C, make one request like the printed curl line, then return."""
    seen: list[dict[str, object]] = []

    def once(server: RunningServer) -> None:
        response = httpx.get(
            f"{server.base_url}/notifications/campaigns/{server.simulator.campaign_ids()[0]}",
            headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
        )
        seen.append({"status": response.status_code, "body": response.json(), "server": server})

    monkeypatch.setattr(command_module, "wait_for_interrupt", once)
    return seen


def test_prints_what_a_user_needs_and_serves_it(served: list[dict[str, object]]) -> None:
    result = CliRunner().invoke(sim_command, ["--port", "0", "--seed", "3"])
    assert result.exit_code == 0, result.output
    base = re.search(r"base URL\s+(http://127\.0\.0\.1:\d+/v1)", result.output)
    assert base is not None
    assert DEMO_API_KEY in result.output
    for campaign_id in ("camp_launch_eu", "camp_weekly_digest", "camp_holiday_teaser"):
        assert campaign_id in result.output
    assert f"curl -X GET {base.group(1)}/notifications/campaigns/camp_launch_eu \\" in result.output
    assert f'-H "Authorization: Bearer {DEMO_API_KEY}"' in result.output
    assert served[0]["status"] == 200
    server = served[0]["server"]
    assert isinstance(server, RunningServer) and not server.is_running


def test_scenario_campaigns_speed_and_rate_limit(
    served: list[dict[str, object]], tmp_path: Path
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[[campaigns]]\ncampaign_id = "camp_mine"\ntotal_recipients = 50\n')
    args = ["--port", "0", "--scenario", str(path), "--campaigns", "20", "--speed", "5"]
    result = CliRunner().invoke(sim_command, [*args, "--rate-limit", "1000/hour"])
    assert result.exit_code == 0, result.output
    assert "21 campaigns" in result.output and "speed 5x" in result.output
    assert "rate limit 1000/hour" in result.output
    assert "camp_mine" in result.output and "load_0001" in result.output
    assert "... and 9 more" in result.output
    server = served[0]["server"]
    assert isinstance(server, RunningServer)
    assert server.simulator.speed == 5.0
    assert served[0]["body"]["campaign_id"] == "camp_mine"  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rate-limit", "lots"], "COUNT/WINDOW"),
        (["--rate-limit", "0/minute"], "at least 1"),
        (["--speed", "0"], "--speed"),
        (["--speed", "-2"], "--speed"),
        (["--chaos", "1.5"], "--chaos"),
        (["--port", "70000"], "--port"),
        (["--campaigns", "-1"], "--campaigns"),
        (["--host", "0.0.0.0"], "loopback"),
        (["--scenario", "/nonexistent/file.toml"], "--scenario"),
    ],
)
def test_bad_flags_are_usage_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(sim_command, ["--port", "0", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_a_broken_scenario_file_is_a_usage_error_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[campaigns]]\ncampaign_id = "camp_1"\ntotal_recipients = 5\nspeed = 2\n')
    result = CliRunner().invoke(sim_command, ["--port", "0", "--scenario", str(path)])
    assert result.exit_code == 2
    assert "bad.toml" in result.output and "campaigns[1] ('camp_1').speed" in result.output


def test_a_taken_port_says_what_to_do() -> None:
    from appizer_tui.sim.app import Simulator
    from appizer_tui.sim.scenarios import demo_scenario
    from appizer_tui.sim.server import start_server

    with start_server(Simulator(demo_scenario())) as other:
        result = CliRunner().invoke(sim_command, ["--port", str(other.port)])
    assert result.exit_code == 1
    assert "--port 0" in result.output


def test_importing_the_command_loads_no_web_stack() -> None:
    code = (
        "import sys, json; import appizer_tui.sim, appizer_tui.sim.command; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'starlette', 'uvicorn'})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
