"""`appizer-tui sim`: serve the simulator in the foreground until Ctrl+C.

Only click is imported at module level: `appizer-tui --help` imports this module to list the
command, and must not pay for Starlette and uvicorn.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from appizer_tui.sim.ratelimit import RateLimit
    from appizer_tui.sim.scenarios import Scenario
    from appizer_tui.sim.server import RunningServer

MAX_LISTED = 12


def _rate_limit(ctx: click.Context, param: click.Parameter, value: str) -> RateLimit:
    from appizer_tui.sim.ratelimit import RateLimit

    try:
        return RateLimit.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def wait_for_interrupt(server: RunningServer) -> None:
    """Block until Ctrl+C or until the server thread ends. (Tests replace this.)"""
    try:
        while server.is_running:
            server.wait(0.5)
    except KeyboardInterrupt:
        click.echo("\nStopping the simulator.", err=True)


def _scenario(path: Path | None, seed: int | None, campaigns: int) -> Scenario:
    from appizer_tui.sim.scenario_file import load_scenario
    from appizer_tui.sim.scenarios import ScenarioError, demo_scenario, generated_scenario

    try:
        scenario = load_scenario(path) if path else demo_scenario()
        if seed is not None:
            scenario = scenario.with_seed(seed)
        if campaigns:
            scenario = scenario + generated_scenario(campaigns, seed or 0)
    except ScenarioError as exc:
        raise click.BadParameter(str(exc), param_hint="'--scenario'") from None
    return scenario


def _describe(server: RunningServer, scenario: Scenario, chaos: float, api_key: str) -> str:
    from appizer_tui.safe_text import safe_text
    from appizer_tui.sim.scenarios import status_at

    simulator = server.simulator
    ids = scenario.ids()
    width = max(len(i) for i in ids[:MAX_LISTED])
    lines = [
        f"Appizer API simulator: scenario {safe_text(scenario.name)!r}, {len(ids)} campaigns, "
        f"speed {simulator.speed:g}x, rate limit {simulator.rate_limit} per key, "
        f"chaos {chaos:.0%}",
        f"  base URL   {server.base_url}",
        f"  API key    {api_key}   (the demo key: it opens only this simulator)",
        "  campaigns",
    ]
    for spec in scenario.campaigns[:MAX_LISTED]:
        status = status_at(spec, 0.0).value
        lines.append(
            f"    {safe_text(spec.campaign_id):<{width}}  {status:<9}  "
            f"{spec.total_recipients:,} recipients"
        )
    if len(ids) > MAX_LISTED:
        lines.append(f"    ... and {len(ids) - MAX_LISTED} more (GET {server.base_url} lists them)")
    first = safe_text(ids[0])
    lines += [
        "",
        "Try it:",
        f"  curl -X GET {server.base_url}/notifications/campaigns/{first} \\",
        f'    -H "Authorization: Bearer {api_key}"',
        "",
        "Watch it from another terminal:",
        f"  APPIZER_API_KEY={api_key} APPIZER_BASE_URL={server.base_url} "
        f"appizer-tui status {first}",
        "",
        "Press Ctrl+C to stop.",
    ]
    return "\n".join(lines)


@click.command("sim")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port to listen on (0 = any free port).",
)
@click.option(
    "--scenario",
    "scenario_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A TOML scenario file (see appizer_tui/sim/example_scenario.toml). Default: the demo.",
)
@click.option(
    "--speed",
    type=click.FloatRange(0, 10_000, min_open=True),
    default=1.0,
    show_default=True,
    help="Simulated seconds per real second.",
)
@click.option(
    "--rate-limit",
    "rate_limit",
    default="500/minute",
    show_default=True,
    callback=_rate_limit,
    help='Requests per key and window, e.g. "500/minute" or "1000/hour" (the Free plan).',
)
@click.option(
    "--chaos",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Fraction of responses that misbehave: 500/503, slow, malformed, truncated, HTML, reset.",
)
@click.option("--seed", type=int, default=None, help="Seed for the campaigns' numbers and chaos.")
@click.option(
    "--campaigns",
    type=click.IntRange(0, 10_000),
    default=0,
    help="Add this many generated sending campaigns (load_0001...) for load tests.",
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a non-loopback --host. The demo key is public: anyone who can reach it gets in.",
)
def sim_command(
    host: str,
    port: int,
    scenario_path: Path | None,
    speed: float,
    rate_limit: RateLimit,
    chaos: float,
    seed: int | None,
    campaigns: int,
    allow_remote: bool,
) -> None:
    """Serve a simulated Appizer API on this machine, for trying the viewer without an account.

    It answers GET /v1/notifications/campaigns/{campaign_id} like the real API: the documented
    body, 401/404/429 errors, rate-limit headers, and campaigns that move over time.
    """
    from appizer_tui.sim.app import DEMO_API_KEY, Simulator
    from appizer_tui.sim.chaos import Chaos
    from appizer_tui.sim.server import start_server

    scenario = _scenario(scenario_path, seed, campaigns)
    simulator = Simulator(
        scenario,
        speed=speed,
        seed=seed or 0,
        rate_limit=rate_limit,
        chaos=Chaos.uniform(chaos),
    )
    try:
        server = start_server(simulator, host, port, allow_remote=allow_remote)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--host'") from None
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
            "is another simulator running? Try another --port, or --port 0"
        ) from None
    with server:
        click.echo(_describe(server, scenario, chaos, DEMO_API_KEY))
        wait_for_interrupt(server)
