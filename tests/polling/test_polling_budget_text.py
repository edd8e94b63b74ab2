"""The budget as a person reads it: the overrun sentence adds up, the interval really got is
always there in a short form, and the 429 banner names the server's window."""

from __future__ import annotations

import contextlib

import pytest
from polling_support import Engine, FakeApi, sim_client

from appizer_tui.api.errors import RateLimitedError
from appizer_tui.api.ratelimit import parse_window
from appizer_tui.polling.clock import FakeClock
from appizer_tui.sim.app import Simulator
from appizer_tui.sim.ratelimit import RateLimit
from appizer_tui.sim.scenarios import CampaignSpec, Scenario
from appizer_tui.state import format as fmt
from appizer_tui.state.model import BudgetStatus, Phase

HOUR = 3600.0


async def _settled_budget(
    clock: FakeClock, api: FakeApi, sending: int, completed: int
) -> BudgetStatus:
    ids = []
    for i in range(sending):
        ids.append(api.add(f"send{i}", total=10**9).campaign_id)
    for i in range(completed):
        # Sent long ago; opens still rising, so it is in its slow engagement tail.
        done = api.add(f"done{i}", total=10, send_start=clock.wall() - 100)
        ids.append(done.campaign_id)
    async with Engine(api.client(), clock, interval=5.0) as engine:
        engine.poller.add(*ids)
        await clock.advance(120)
        assert [engine.phase(f"done{i}") for i in range(completed)] == [Phase.TAIL] * completed
        return engine.store.global_state().budget


async def test_ten_sending_campaigns_at_5_s_cost_7200_an_hour(clock: FakeClock) -> None:
    api = FakeApi(clock, limit=1000, window=HOUR)  # the Free plan: 1,000 an hour
    budget = await _settled_budget(clock, api, sending=10, completed=0)
    text = fmt.budget_sentence(budget)
    assert text is not None
    assert text.startswith("10 campaigns x 5 s = 7,200/h > 1,000/h budget: polling every ")
    really = fmt.polling_interval(budget, 5.0)
    assert text.endswith(really) and really == f"polling every {fmt.format_interval(36.0)}"


async def test_the_sentence_adds_up_with_campaigns_in_their_tail(clock: FakeClock) -> None:
    # 8 sending at 5 s and 2 completed ones at 1 min: 8 x 720 + 2 x 60 = 5,880/h. The old
    # sentence said "10 campaigns x 5 s = 5,880/h", which does not add up.
    api = FakeApi(clock, limit=1000, window=HOUR)
    budget = await _settled_budget(clock, api, sending=8, completed=2)
    text = fmt.budget_sentence(budget)
    assert text is not None
    head, _, tail = text.partition(": ")
    assert head == "8 campaigns x 5 s + 2 x 1 min = 5,880/h > 1,000/h budget"
    assert tail == fmt.polling_interval(budget, 5.0)
    short = fmt.budget_sentence(budget, short=True)
    assert short == f"{tail}: 5,880/h > 1,000/h budget"


def test_the_short_forms_fit_an_80_column_status_line() -> None:
    # 1,000 campaigns on a 500-a-minute key, some in their tail, polled every 2 min 8 s.
    budget = BudgetStatus(
        budget_rpm=500.0,
        projected_per_hour=718_020.0,
        budget_per_hour=30_000.0,
        achieved_interval=128.4,
        costs=((5.0, 997), (60.0, 3)),
    )
    assert len(fmt.polling_interval(budget, 5.0)) <= 25
    short = fmt.budget_sentence(budget, short=True)
    assert short == "polling every 2 min 8 s: 718,020/h > 30,000/h budget"
    long = fmt.budget_sentence(budget)
    assert long == (
        "997 campaigns x 5 s + 3 x 1 min = 718,020/h > 30,000/h budget: polling every 2 min 8 s"
    )


def test_no_sentence_when_the_watchlist_fits_or_nothing_is_planned() -> None:
    fits = BudgetStatus(projected_per_hour=720.0, budget_per_hour=1000.0, costs=((5.0, 1),))
    assert fmt.budget_sentence(fits) is None
    on_hold = BudgetStatus(
        budget_rpm=0.0, projected_per_hour=720.0, budget_per_hour=0.0, costs=((5.0, 1),)
    )
    assert fmt.budget_sentence(on_hold) is None
    assert fmt.polling_interval(on_hold, 5.0) == "polling on hold"


async def test_the_429_banner_text_names_the_window_of_an_hourly_limit(clock: FakeClock) -> None:
    api = FakeApi(clock, limit=1000, window=HOUR)
    api.add("c", total=10**9)
    async with Engine(api.client(), clock, interval=5.0) as engine:
        engine.poller.add("c")
        await clock.advance(30)
        budget = engine.store.global_state().budget
        assert fmt.server_allowance(budget) == "the server allows 1,000 an hour"


async def test_a_429_body_that_names_its_window_wins_over_the_reset_guess(
    clock: FakeClock,
) -> None:
    # A per-minute limit seen near the end of its window would look like a minute anyway;
    # a body saying "1 day" is believed.
    budget = BudgetStatus(server_limit=10_000, server_window=86400.0)
    assert fmt.server_allowance(budget) == "the server allows 10,000 a day"
    assert fmt.server_allowance(BudgetStatus(server_limit=500, server_window=60.0)) == (
        "the server allows 500 a minute"
    )
    assert fmt.server_allowance(BudgetStatus(server_limit=100, server_window=10.0)) == (
        "the server allows 100 every 10 s"
    )
    assert fmt.server_allowance(BudgetStatus()) is None


@pytest.mark.parametrize(
    ("window", "seconds"),
    [
        ("1 minute", 60.0),
        ("1 hour", 3600.0),
        ("10 seconds", 10.0),
        ("day", 86400.0),
        (" 2 Hours ", 7200.0),
        ("0 minutes", None),
        ("a fortnight", None),
        (60, None),
        (None, None),
    ],
)
def test_parse_window_reads_the_docs_429_details(window: object, seconds: float | None) -> None:
    assert parse_window({"window": window}) == seconds
    assert parse_window(None) is None


async def test_a_429_from_the_simulator_names_its_window_in_the_banner_text(
    clock: FakeClock,
) -> None:
    # 10 every 30 s: the Reset header alone would suggest a minute; the 429 body says
    # "30 seconds", and that is what the banner says.
    simulator = Simulator(
        Scenario(campaigns=(CampaignSpec("camp_a", 10**6, send_duration=10**5),)),
        clock=clock.wall,
        rate_limit=RateLimit(10, 30.0),
    )
    other = sim_client(simulator, clock)  # another process on the same key spends the window
    async with Engine(sim_client(simulator, clock), clock, interval=5.0) as engine:
        engine.poller.add("camp_a")
        await clock.advance(1)
        for _ in range(12):
            with contextlib.suppress(RateLimitedError):
                await other.get_campaign("camp_a")
        await clock.run_until(lambda: engine.store.global_state().budget.count_429 > 0, 60)
        budget = engine.store.global_state().budget
        assert fmt.server_allowance(budget) == "the server allows 10 every 30 s"
    await other.aclose()
