"""Simulated campaigns keep the docs' invariants at every second of their lives."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appizer_tui.api.models import CampaignStatus, decode_campaign, encode_json
from appizer_tui.sim.scenarios import (
    DEFAULT_EPOCH,
    CampaignSpec,
    Scenario,
    ScenarioError,
    campaign_state,
    demo_scenario,
    generated_scenario,
    status_at,
)

COUNTERS = ("sent", "delivered", "opened", "clicked", "failed")


def check_body(body: dict[str, Any]) -> None:
    """The documented shape and every invariant the docs' example implies."""
    assert body["success"] is True
    assert body["status"] in {"pending", "sending", "completed", "failed", "cancelled"}
    stats, rates = body["stats"], body["rates"]
    assert set(stats) == {"total_recipients", *COUNTERS}
    assert set(rates) == {"delivery_rate", "open_rate", "click_rate"}
    assert all(isinstance(v, int) and v >= 0 for v in stats.values())
    total = stats["total_recipients"]
    assert stats["sent"] + stats["failed"] <= total
    if body["status"] == "completed":
        assert stats["sent"] + stats["failed"] == total
    assert stats["delivered"] <= stats["sent"]
    assert stats["opened"] <= stats["delivered"]
    assert stats["clicked"] <= stats["opened"]
    assert rates == expected_rates(stats)


def expected_rates(stats: dict[str, int]) -> dict[str, float]:
    """The docs' formulas; 0.0 where the denominator is 0."""

    def ratio(a: int, b: int) -> float:
        return round(a / b, 3) if b else 0.0

    return {
        "delivery_rate": ratio(stats["delivered"], stats["sent"]),
        "open_rate": ratio(stats["opened"], stats["delivered"]),
        "click_rate": ratio(stats["clicked"], stats["delivered"]),
    }


def walk(spec: CampaignSpec, times: range | list[float]) -> list[dict[str, Any]]:
    """Bodies at each time, checking invariants and that nothing ever goes backwards."""
    bodies = []
    previous: dict[str, Any] | None = None
    for t in times:
        body = campaign_state(spec, t)
        check_body(body)
        if previous is not None:
            for name in COUNTERS:
                assert body["stats"][name] >= previous["stats"][name], (spec.campaign_id, t, name)
            assert body["created_at"] == previous["created_at"]
            for key in ("sent_at", "completed_at"):
                if previous.get(key) is not None:
                    assert body.get(key) == previous[key]
        previous = body
        bodies.append(body)
    return bodies


def test_the_docs_rate_examples_round_the_same_way() -> None:
    stats = {"sent": 1245, "delivered": 1200, "opened": 450, "clicked": 120}
    assert expected_rates({**stats, "failed": 5}) == {
        "delivery_rate": 0.964,
        "open_rate": 0.375,
        "click_rate": 0.1,
    }


@pytest.mark.parametrize("spec", demo_scenario().campaigns, ids=lambda s: s.campaign_id)
def test_every_demo_campaign_keeps_the_invariants_every_second(spec: CampaignSpec) -> None:
    end = int(spec.send_end + spec.delivery_lag) + 60
    bodies = walk(spec, range(0, max(end, 300)))
    # ...and far into the engagement tail, a few hours later.
    walk(spec, [end + 60.0 * k for k in range(0, 240, 7)])
    assert bodies[-1]["status"] == spec.outcome


def test_generated_campaigns_keep_the_invariants_every_second() -> None:
    for spec in generated_scenario(24, seed=5, status="mixed").campaigns:
        walk(spec, range(0, 1900, 2))


def test_the_demo_covers_every_status() -> None:
    scenario = demo_scenario()
    at_start = {status_at(s, 0).value for s in scenario.campaigns}
    assert at_start == {"pending", "sending", "completed"}
    later = {status_at(s, 180).value for s in scenario.campaigns}
    assert {"failed", "cancelled", "completed", "sending"} <= later
    ids = scenario.ids()
    assert len(ids) == 8
    assert all(i.startswith("camp_") for i in ids)
    assert "camp_launch_eu" in ids


def test_the_launch_sends_slowly_for_minutes() -> None:
    spec = demo_scenario().get("camp_launch_eu")
    assert spec is not None
    assert status_at(spec, 0) is CampaignStatus.SENDING
    assert status_at(spec, 600) is CampaignStatus.SENDING
    sent = [campaign_state(spec, t)["stats"]["sent"] for t in range(0, 600, 60)]
    assert sent == sorted(sent) and len(set(sent)) == len(sent)


def test_high_failure_rate_campaign_fails_more_than_five_percent() -> None:
    spec = demo_scenario().get("camp_promo_br")
    assert spec is not None
    stats = campaign_state(spec, 3600)["stats"]
    assert stats["failed"] / stats["total_recipients"] > 0.05


def test_failed_and_cancelled_stop_part_way() -> None:
    scenario = demo_scenario()
    for campaign_id, status in (
        ("camp_push_cert_fail", "failed"),
        ("camp_holiday_teaser", "cancelled"),
    ):
        spec = scenario.get(campaign_id)
        assert spec is not None
        before = campaign_state(spec, spec.send_end - 1)
        after = campaign_state(spec, spec.send_end + 3600)
        assert before["status"] == "sending" and after["status"] == status
        assert after["stats"]["sent"] + after["stats"]["failed"] < spec.total_recipients
        assert after["sent_at"] is not None and after["completed_at"] is None


def test_pending_campaign_starts_later_and_omits_unset_timestamps() -> None:
    spec = demo_scenario().get("camp_app_update")
    assert spec is not None and spec.start_after > 0
    pending = campaign_state(spec, 0)
    assert pending["status"] == "pending"
    assert "sent_at" not in pending and "completed_at" not in pending
    assert pending["stats"]["sent"] == 0 and pending["rates"]["delivery_rate"] == 0.0
    sending = campaign_state(spec, spec.start_after + 1)
    assert sending["status"] == "sending" and sending["sent_at"] is not None
    assert "completed_at" not in sending
    done = campaign_state(spec, spec.send_end)
    assert done["status"] == "completed" and done["completed_at"] is not None


def test_other_campaigns_send_null_for_unset_timestamps() -> None:
    spec = CampaignSpec("camp_x", 100, start_after=10)
    body = campaign_state(spec, 0)
    assert body["sent_at"] is None and body["completed_at"] is None


def test_completed_campaign_engagement_keeps_rising_ever_more_slowly() -> None:
    spec = demo_scenario().get("camp_weekly_digest")
    assert spec is not None
    assert campaign_state(spec, 0)["status"] == "completed"
    opened = [campaign_state(spec, t)["stats"]["opened"] for t in range(0, 7200, 900)]
    gains = [b - a for a, b in zip(opened, opened[1:], strict=False)]
    assert all(g > 0 for g in gains[:4])
    assert gains == sorted(gains, reverse=True)
    clicked = [campaign_state(spec, t)["stats"]["clicked"] for t in (0, 1800, 3600)]
    assert clicked[0] < clicked[1] < clicked[2]


def test_delivered_settles_soon_after_sending() -> None:
    spec = CampaignSpec("camp_x", 5000, start_after=0, send_duration=100, delivery_lag=8)
    settled = campaign_state(spec, 100 + 8)["stats"]["delivered"]
    assert settled == campaign_state(spec, 10_000)["stats"]["delivered"]
    assert settled == math.floor(spec.delivery_rate * campaign_state(spec, 100)["stats"]["sent"])


def test_engagement_approaches_the_configured_rates() -> None:
    spec = CampaignSpec("camp_x", 20_000, start_after=-10_000, send_duration=60, open_tau=60)
    rates = campaign_state(spec, 0)["rates"]
    assert rates["delivery_rate"] == pytest.approx(spec.delivery_rate, abs=0.002)
    assert rates["open_rate"] == pytest.approx(spec.open_rate, abs=0.002)
    assert rates["click_rate"] == pytest.approx(spec.click_rate, abs=0.01)


def test_timestamps_follow_the_lifecycle_in_whole_utc_seconds() -> None:
    spec = CampaignSpec("camp_x", 100, start_after=30, send_duration=60, created_ago=90)
    body = campaign_state(spec, 200, epoch=DEFAULT_EPOCH)
    assert body["created_at"] == "2024-01-15T10:28:30Z"
    assert body["sent_at"] == "2024-01-15T10:30:30Z"
    assert body["completed_at"] == "2024-01-15T10:31:30Z"
    # At speed 10 a simulated minute is six wall seconds: no timestamp runs ahead of the clock.
    fast = campaign_state(spec, 200, epoch=DEFAULT_EPOCH, speed=10)
    assert fast["sent_at"] == "2024-01-15T10:30:03Z"
    assert fast["completed_at"] == "2024-01-15T10:30:09Z"


def test_bodies_decode_with_the_clients_models() -> None:
    for spec in demo_scenario().campaigns:
        campaign = decode_campaign(encode_json(campaign_state(spec, 100)))
        assert campaign.campaign_id == spec.campaign_id
        assert campaign.status is not CampaignStatus.UNKNOWN


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    a, b, c = demo_scenario(1), demo_scenario(1), demo_scenario(2)
    spec_a, spec_b, spec_c = (s.get("camp_launch_eu") for s in (a, b, c))
    assert spec_a and spec_b and spec_c
    assert campaign_state(spec_a, 100) == campaign_state(spec_b, 100)
    assert campaign_state(spec_a, 100)["stats"] != campaign_state(spec_c, 100)["stats"]
    assert generated_scenario(5, seed=3) == generated_scenario(5, seed=3)


def test_generated_sending_campaigns_stay_sending_for_half_an_hour() -> None:
    scenario = generated_scenario(50, seed=9)
    assert scenario.ids()[:2] == ["load_0001", "load_0002"]
    for spec in scenario.campaigns:
        assert status_at(spec, 0) is CampaignStatus.SENDING
        assert status_at(spec, 1800) is CampaignStatus.SENDING


@pytest.mark.parametrize("status", ["pending", "completed", "failed", "cancelled"])
def test_generated_scenarios_in_other_statuses(status: str) -> None:
    for spec in generated_scenario(10, seed=1, status=status).campaigns:
        assert status_at(spec, 0).value == status
        assert status_at(spec, 1800).value == status


def test_generated_rejects_unknown_status() -> None:
    with pytest.raises(ValueError, match="status"):
        generated_scenario(3, status="weird")


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"campaign_id": "a/b"}, "campaign_id"),
        ({"campaign_id": ""}, "campaign_id"),
        ({"campaign_id": "camp x"}, "campaign_id"),
        ({"outcome": "exploded"}, "outcome"),
        ({"failure_rate": 1.5}, "failure_rate"),
        ({"click_rate": 0.5, "open_rate": 0.2}, "click_rate"),
        ({"send_duration": 0}, "send_duration"),
        ({"total_recipients": -1}, "total_recipients"),
        ({"created_ago": 10, "start_after": -60}, "created_ago"),
    ],
)
def test_bad_specs_name_the_field(changes: dict[str, Any], key: str) -> None:
    values: dict[str, Any] = {"campaign_id": "camp_x", "total_recipients": 10, **changes}
    with pytest.raises(ScenarioError) as caught:
        CampaignSpec(**values)
    assert caught.value.key == key
    assert key in str(caught.value)


def test_scenario_ids_must_be_unique_and_scenarios_add_up() -> None:
    one = Scenario((CampaignSpec("camp_a", 1),), name="one")
    with pytest.raises(ScenarioError, match="duplicate"):
        one + one
    both = one + Scenario((CampaignSpec("camp_b", 1),), name="two")
    assert both.ids() == ["camp_a", "camp_b"]
    assert both.get("camp_b") is not None and both.get("camp_c") is None


spec_strategy = st.builds(
    CampaignSpec,
    campaign_id=st.just("camp_prop"),
    total_recipients=st.integers(0, 200_000),
    outcome=st.sampled_from(["completed", "failed", "cancelled"]),
    start_after=st.floats(-5_000, 5_000),
    send_duration=st.floats(1, 10_000),
    stop_fraction=st.floats(0, 1),
    created_ago=st.just(10_000.0),
    failure_rate=st.floats(0, 1),
    delivery_rate=st.floats(0, 1),
    open_rate=st.just(0.5),
    click_rate=st.floats(0, 0.5),
    delivery_lag=st.floats(0, 60),
    open_tau=st.floats(1, 10_000),
    click_tau=st.floats(1, 10_000),
    jitter=st.floats(0, 0.9),
    seed=st.integers(0, 2**32),
)


@settings(max_examples=150, deadline=None)
@given(spec=spec_strategy, t1=st.floats(-100, 20_000), step=st.floats(0, 5_000))
def test_property_invariants_and_monotone_counters(
    spec: CampaignSpec, t1: float, step: float
) -> None:
    first, second = campaign_state(spec, t1), campaign_state(spec, t1 + step)
    check_body(first)
    check_body(second)
    for name in COUNTERS:
        assert second["stats"][name] >= first["stats"][name]


def test_with_seed_changes_only_the_seed() -> None:
    scenario = demo_scenario().with_seed(42)
    assert all(s.seed == 42 for s in scenario.campaigns)
    original = demo_scenario().campaigns[0]
    assert dataclasses.replace(scenario.campaigns[0], seed=0) == original
