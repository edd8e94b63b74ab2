"""Chaos: each kind happens, at about its fraction, the same way for the same seed."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

import httpx
import pytest
from sim_helpers import AUTH, CAMPAIGNS, asgi_client

from appizer_tui.sim.app import SimulatedConnectionReset, Simulator
from appizer_tui.sim.chaos import CHAOS_KINDS, Chaos

URL = f"{CAMPAIGNS}/camp_launch_eu"


class SleepRecorder:
    """Stands in for asyncio.sleep: remembers the delays, waits for nothing."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


async def classify(client: httpx.AsyncClient, sim: Simulator, sleeps: SleepRecorder) -> str:
    """Which chaos kind (or "ok") one request met, judged only from what the client saw."""
    slept_before = len(sleeps.delays)
    try:
        response = await client.get(URL, headers=AUTH)
    except SimulatedConnectionReset:
        return "reset"
    if response.status_code == 502:
        assert response.headers["content-type"].startswith("text/html")
        assert "x-ratelimit-limit" not in response.headers
        return "html"
    assert "x-ratelimit-limit" in response.headers
    if response.status_code in (500, 503):
        assert response.json()["code"] in {"INTERNAL_ERROR", "SERVICE_UNAVAILABLE"}
        return f"server_error_{response.status_code}"
    assert response.status_code == 200
    try:
        body = response.json()
    except json.JSONDecodeError:
        text = response.text
        if text.startswith("{'success': True"):
            return "malformed"
        assert len(response.content) == int(response.headers["content-length"])
        return "truncated"
    assert body == sim.truth("camp_launch_eu")
    return "slow" if len(sleeps.delays) > slept_before else "ok"


async def run(make_sim: Callable[..., Simulator], seed: int, chaos: Chaos, n: int) -> list[str]:
    sleeps = SleepRecorder()
    sim = make_sim(seed=seed, chaos=chaos, sleep=sleeps, rate_limit=_no_limit())
    async with asgi_client(sim) as client:
        kinds = [await classify(client, sim, sleeps) for _ in range(n)]
    assert all(d == chaos.slow_delay for d in sleeps.delays)
    seen = Counter("server_error" if k.startswith("server_error") else k for k in kinds)
    assert {k: v for k, v in seen.items() if k != "ok"} == dict(sim.chaos_served)
    return kinds


def _no_limit() -> object:
    from appizer_tui.sim.ratelimit import RateLimit

    return RateLimit(1_000_000, 60.0)


async def test_each_kind_happens_at_about_its_fraction(make_sim: Callable[..., Simulator]) -> None:
    n = 1200
    kinds = await run(make_sim, 1, Chaos.uniform(0.6, slow_delay=30.0), n)
    counts = Counter("server_error" if k.startswith("server_error") else k for k in kinds)
    for kind in CHAOS_KINDS:
        assert 78 <= counts[kind] <= 162, (kind, counts)  # expected 120, sd 10.4: 4 sd either way
    assert 420 <= counts["ok"] <= 540
    assert {"server_error_500", "server_error_503"} <= set(kinds)


async def test_the_same_seed_gives_the_same_failures(make_sim: Callable[..., Simulator]) -> None:
    chaos = Chaos(server_error=0.2, malformed=0.2, html=0.1, reset=0.1, slow_delay=1.0)
    first = await run(make_sim, 7, chaos, 150)
    again = await run(make_sim, 7, Chaos(**vars(chaos)), 150)
    other = await run(make_sim, 8, Chaos(**vars(chaos)), 150)
    assert first == again
    assert first != other


@pytest.mark.parametrize("kind", CHAOS_KINDS)
async def test_one_kind_alone(make_sim: Callable[..., Simulator], kind: str) -> None:
    chaos = Chaos(**{kind: 1.0}, slow_delay=0.5)
    kinds = await run(make_sim, 0, chaos, 10)
    expected = {"server_error_500", "server_error_503"} if kind == "server_error" else {kind}
    assert set(kinds) <= expected


async def test_chaos_can_change_mid_run(make_sim: Callable[..., Simulator]) -> None:
    sim = make_sim(chaos=Chaos(server_error=1.0))
    async with asgi_client(sim) as client:
        assert (await client.get(URL, headers=AUTH)).status_code in (500, 503)
        sim.chaos.server_error = 0.0
        assert (await client.get(URL, headers=AUTH)).status_code == 200


async def test_a_reset_without_raising_leaves_a_cut_body(
    make_sim: Callable[..., Simulator],
) -> None:
    sim = make_sim(chaos=Chaos(reset=1.0))
    async with asgi_client(sim, raise_app_exceptions=False) as client:
        response = await client.get(URL, headers=AUTH)
    with pytest.raises(json.JSONDecodeError):
        response.json()


async def test_the_limit_still_applies_under_chaos(make_sim: Callable[..., Simulator]) -> None:
    from appizer_tui.sim.ratelimit import RateLimit

    sim = make_sim(chaos=Chaos(server_error=1.0), rate_limit=RateLimit(1, 60.0))
    async with asgi_client(sim) as client:
        assert (await client.get(URL, headers=AUTH)).status_code in (500, 503)
        assert (await client.get(URL, headers=AUTH)).status_code == 429


@pytest.mark.parametrize(
    "kwargs",
    [{"slow": 1.5}, {"html": -0.1}, {"html": 0.6, "reset": 0.6}, {"slow_delay": -1.0}],
)
def test_bad_chaos_settings(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="chaos|slow delay"):
        Chaos(**kwargs)


def test_uniform_shares_the_fraction() -> None:
    chaos = Chaos.uniform(0.3)
    assert chaos.total == pytest.approx(0.3)
    assert chaos.reset == pytest.approx(0.05)
    assert chaos.slow_delay > 10.0  # past the client's 10 s read timeout
    with pytest.raises(ValueError, match="between 0 and 1"):
        Chaos.uniform(1.5)
