"""A simulator of the Appizer campaign-status API: scenarios, chaos, a Starlette app, a server.

    from appizer_tui.sim import Simulator, demo_scenario, start_server

    with start_server(Simulator(demo_scenario())) as server:
        ...  # GET {server.base_url}/notifications/campaigns/camp_launch_eu

The names below are imported on first use, so importing this package (as `appizer-tui --help`
does, to list the `sim` command) loads neither Starlette nor uvicorn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from appizer_tui._lazy import lazy_exports

if TYPE_CHECKING:
    from appizer_tui.sim.app import (
        DEFAULT_RATE_LIMIT,
        DEMO_API_KEY,
        SimulatedConnectionReset,
        Simulator,
    )
    from appizer_tui.sim.chaos import CHAOS_KINDS, Chaos
    from appizer_tui.sim.ratelimit import RateLimit
    from appizer_tui.sim.scenario_file import load_scenario, parse_scenario
    from appizer_tui.sim.scenarios import (
        CampaignSpec,
        Scenario,
        ScenarioError,
        campaign_at,
        campaign_state,
        demo_scenario,
        generated_scenario,
    )
    from appizer_tui.sim.server import RunningServer, start_server

_WHERE = {
    "DEFAULT_RATE_LIMIT": "app",
    "DEMO_API_KEY": "app",
    "SimulatedConnectionReset": "app",
    "Simulator": "app",
    "CHAOS_KINDS": "chaos",
    "Chaos": "chaos",
    "RateLimit": "ratelimit",
    "load_scenario": "scenario_file",
    "parse_scenario": "scenario_file",
    "CampaignSpec": "scenarios",
    "Scenario": "scenarios",
    "ScenarioError": "scenarios",
    "campaign_at": "scenarios",
    "campaign_state": "scenarios",
    "demo_scenario": "scenarios",
    "generated_scenario": "scenarios",
    "RunningServer": "server",
    "start_server": "server",
}

__all__ = [
    "CHAOS_KINDS",
    "DEFAULT_RATE_LIMIT",
    "DEMO_API_KEY",
    "CampaignSpec",
    "Chaos",
    "RateLimit",
    "RunningServer",
    "Scenario",
    "ScenarioError",
    "SimulatedConnectionReset",
    "Simulator",
    "campaign_at",
    "campaign_state",
    "demo_scenario",
    "generated_scenario",
    "load_scenario",
    "parse_scenario",
    "start_server",
]


__getattr__ = lazy_exports(__name__, _WHERE)
