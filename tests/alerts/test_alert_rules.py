"""The rules on the fake clock, fed through a real CampaignStore: each fires once at the right
moment, resolves, and does not flap on a value hovering at its threshold."""

from __future__ import annotations

import json

import msgspec
import pytest
from alert_support import CID, INTERVAL, Feed, campaign

from appizer_tui.alerts.alert import RULE_NAMES
from appizer_tui.alerts.api_rule import API_AFTER, API_RESOLVE_AFTER
from appizer_tui.alerts.rules import AlertConfig
from appizer_tui.api.models import Campaign, CampaignStatus
from appizer_tui.safe_text import safe_text
from appizer_tui.state.model import ErrorInfo, GlobalState

SENDING, COMPLETED = CampaignStatus.SENDING, CampaignStatus.COMPLETED


# -- failure_rate ------------------------------------------------------------------------------


async def test_failure_rate_fires_once_attempts_reach_the_minimum_and_resolves_below_the_band():
    feed = Feed()

    # 10 % of attempts fail from the start; 50 more attempts a poll; after the 4th poll (200
    # attempts) no more failures, so the rate falls: 8 %, 6.7 %, 5.7 %, 5 %, 4.4 %, 4 %, 3.6 %.
    def truth(elapsed: float) -> Campaign:
        k = int(elapsed // INTERVAL)
        attempts = 50 * (k + 1)
        failed = min(attempts // 10, 20)
        return campaign(attempts - failed, failed)

    await feed.run(truth, until=60)

    assert feed.transitions("failure_rate") == [(15.0, "firing"), (50.0, "resolved")]
    firing = next(alert for _, alert in feed.seen if alert.state == "firing")
    assert firing.value == pytest.approx(0.10)
    assert firing.threshold == 0.05
    assert firing.severity == "alarm" and firing.campaign_id == CID
    assert "failure rate 10.0%" in firing.message


async def test_failure_rate_hovering_at_the_threshold_fires_once_and_resolves_once():
    feed = Feed()
    # Rates seen poll after poll (attempts grow by 100 each time).
    rates = [0.052, 0.049, 0.051, 0.048, 0.053, 0.047, 0.03, 0.045, 0.049, 0.042, 0.05]
    shown: list[float | None] = []
    for k, rate in enumerate(rates):
        attempts = 1000 + 100 * k
        failed = round(rate * attempts)
        feed.poll(campaign(attempts - failed, failed))
        view = feed.store.get(CID)
        assert view is not None
        shown.append(view.metrics.failure_rate)
        await feed.clock.advance(INTERVAL)
    # The store's figures really do cross 5 % back and forth, then 4 % while resolved.
    crossings = sum((a >= 0.05) != (b >= 0.05) for a, b in zip(shown, shown[1:], strict=False))
    assert crossings >= 5, shown
    assert feed.transitions("failure_rate") == [
        (0.0, "firing"),
        (30.0, "resolved"),  # 3 %: below 4 %
        (50.0, "firing"),  # 5 % again, after resolving
    ]


async def test_failure_rate_needs_min_attempts_and_can_be_disabled():
    feed = Feed(AlertConfig(min_attempts=1000))
    feed.poll(campaign(900, 99))  # 9.9 % of 999 attempts
    assert feed.seen == []
    feed.poll(campaign(900, 100))
    assert feed.transitions("failure_rate") == [(0.0, "firing")]

    off = Feed(AlertConfig(disabled=frozenset({"failure_rate"})))
    off.poll(campaign(900, 500))
    assert off.seen == []


# -- stalled -----------------------------------------------------------------------------------

STOP, RESUME = 300.0, 600.0


def stalling(elapsed: float) -> Campaign:
    """10 a second until STOP, frozen (still sending) until RESUME, then 10 a second again."""
    grown = 10 * min(elapsed, STOP) + 10 * max(0.0, elapsed - RESUME)
    return campaign(int(grown), 0, total=20_000)


async def test_a_stall_is_detected_within_stall_after_plus_one_interval_and_resolves_on_growth():
    feed = Feed()
    await feed.run(stalling, until=700)
    transitions = feed.transitions("stalled")
    assert [state for _, state in transitions] == ["firing", "resolved"]
    fired_at, resolved_at = transitions[0][0], transitions[1][0]
    assert STOP + 120 <= fired_at <= STOP + 120 + INTERVAL
    assert resolved_at == RESUME + INTERVAL  # the first poll that sees growth
    alert = feed.seen[0][1]
    assert alert.value == pytest.approx(120.0) and alert.threshold == 120.0
    assert "no progress for 2 min" in alert.message


async def test_a_stall_counts_only_between_successful_polls_and_ends_when_sending_ends():
    feed = Feed(AlertConfig(stall_after=60))

    def truth(elapsed: float) -> Campaign | None:
        if 100 < elapsed < 200:
            return None  # the polls fail: no verdict on a campaign we cannot see
        if elapsed >= 250:
            return campaign(500, 0, total=500, status=COMPLETED)
        return campaign(int(5 * min(elapsed, 50)), 0, total=500)

    await feed.run(truth, until=260)
    # Frozen at 250 since t=50; the last success before the failures was at 100 (50 s): no
    # alert. The first success after them (200) has seen no growth for 150 s: it fires then.
    assert feed.transitions("stalled") == [(200.0, "firing"), (250.0, "resolved")]
    assert feed.transitions("finished") == [(250.0, "firing")]


async def test_pending_and_finished_campaigns_never_stall():
    feed = Feed()
    pending = campaign(0, 0, total=1000, status=CampaignStatus.PENDING)
    await feed.run(lambda _: pending, until=400)
    assert feed.seen == []


# -- delivery_rate -----------------------------------------------------------------------------


async def test_delivery_rate_floor_is_off_by_default_and_hysteresis_holds_it_firing():
    assert Feed().poll(campaign(5000, delivery_rate=0.5)) == []

    feed = Feed(AlertConfig(delivery_rate=0.9))
    rates = [0.95, 0.89, 0.91, 0.89, 0.915, 0.93, 0.89]
    for k, rate in enumerate(rates):
        feed.poll(campaign(1000 + 100 * k, delivery_rate=rate))
        await feed.clock.advance(INTERVAL)
    # Fires below 90 %, resolves only at 92 % (90 % + a fifth of the last 10 %).
    assert feed.transitions("delivery_rate") == [
        (5.0, "firing"),
        (25.0, "resolved"),
        (30.0, "firing"),
    ]

    few = Feed(AlertConfig(delivery_rate=0.9))
    few.poll(campaign(199, delivery_rate=0.1))
    assert few.seen == []  # fewer than min_attempts sent


# -- notices -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "rule"),
    [
        (CampaignStatus.COMPLETED, "finished"),
        (CampaignStatus.FAILED, "failed"),
        (CampaignStatus.CANCELLED, "cancelled"),
    ],
)
async def test_a_terminal_status_seen_while_watching_is_noticed_once(status, rule):
    feed = Feed()
    feed.poll(campaign(0, 0, total=100, status=CampaignStatus.PENDING))
    await feed.clock.advance(INTERVAL)
    feed.poll(campaign(40, 0, total=100))
    await feed.clock.advance(INTERVAL)
    for _ in range(3):
        feed.poll(campaign(60, 0, total=100, status=status))
        await feed.clock.advance(INTERVAL)
    assert feed.transitions(rule) == [(10.0, "firing")]
    notice = feed.seen[-1][1]
    assert notice.severity == "notice" and notice.value is None and notice.threshold is None
    assert notice.campaign is not None and notice.campaign.status is status
    assert feed.engine.firing(CID) == frozenset()  # news, not a state


async def test_a_campaign_already_finished_when_first_seen_gives_no_notice():
    feed = Feed()
    feed.poll(campaign(100, 0, status=COMPLETED))
    feed.poll(campaign(100, 0, status=COMPLETED))
    assert feed.seen == []


async def test_notices_can_be_disabled_one_by_one():
    feed = Feed(AlertConfig(disabled=frozenset({"finished"})))
    feed.poll(campaign(10, 0, total=100))
    feed.poll(campaign(100, 0, status=COMPLETED))
    assert feed.seen == []


# -- api ---------------------------------------------------------------------------------------


async def test_a_refused_key_fires_at_once_and_resolves_after_it_stays_accepted():
    feed = Feed()
    refused = ErrorInfo(kind="auth", title="key refused", message="nope", http_status=401)
    fired = feed.set_global(GlobalState(auth_error=refused))
    assert [(a.rule, a.state, a.campaign_id, a.value) for a in fired] == [
        ("api", "firing", None, 401.0)
    ]
    assert feed.engine.firing(None) == frozenset({"api"})
    await feed.clock.advance(2)
    assert feed.set_global(GlobalState()) == []
    due = feed.engine.next_check_at()
    assert due == pytest.approx(feed.clock.wall() + API_RESOLVE_AFTER)
    await feed.clock.advance(API_RESOLVE_AFTER)
    assert [a.state for a in feed.evaluate()] == ["resolved"]
    assert feed.engine.firing(None) == frozenset()


async def test_rate_limited_fires_after_a_minute_and_short_gaps_do_not_end_it():
    feed = Feed()
    limited = GlobalState(rate_limited_until=feed.clock.wall() + 30)
    assert feed.set_global(limited) == []
    assert feed.engine.next_check_at() == pytest.approx(feed.clock.wall() + API_AFTER)
    await feed.clock.advance(30)
    assert feed.set_global(GlobalState()) == []  # the pause ended...
    await feed.clock.advance(5)
    again = GlobalState(rate_limited_until=feed.clock.wall() + 30)
    assert feed.set_global(again) == []  # ...and the next request got a 429 at once
    await feed.clock.advance(24.9)
    assert feed.evaluate() == []
    await feed.clock.advance(0.1)
    fired = feed.evaluate()
    assert [(a.rule, a.state, a.value, a.threshold) for a in fired] == [
        ("api", "firing", 60.0, 60.0)
    ]
    assert "rate limited for 1 min" in fired[0].message
    await feed.clock.advance(5)
    feed.set_global(GlobalState())
    await feed.clock.advance(API_RESOLVE_AFTER)
    assert [a.state for a in feed.evaluate()] == ["resolved"]


async def test_offline_counts_from_the_first_failed_request_of_the_outage():
    feed = Feed()
    began = feed.clock.wall() - 20  # the outage is declared after a streak of failures
    assert feed.set_global(GlobalState(offline_since=began)) == []
    assert feed.engine.next_check_at() == pytest.approx(began + API_AFTER)
    await feed.clock.advance(40)
    assert [a.message for a in feed.evaluate()] == ["the API unreachable for 1 min"]
    assert feed.set_global(GlobalState()) == []
    await feed.clock.advance(API_RESOLVE_AFTER)
    assert [a.state for a in feed.evaluate()] == ["resolved"]


async def test_the_api_rule_can_be_disabled():
    feed = Feed(AlertConfig(disabled=frozenset({"api"})))
    refused = ErrorInfo(kind="auth", title="key refused", message="nope", http_status=403)
    assert feed.set_global(GlobalState(auth_error=refused)) == []
    assert feed.engine.next_check_at() is None


# -- what the engine keeps, and the alert's JSON --------------------------------------------------


async def test_firing_history_and_forget():
    feed = Feed(None, "a", "b")
    feed.poll(campaign(900, 100, campaign_id="a"))
    feed.poll(campaign(1000, 0, campaign_id="b"))
    assert feed.engine.firing("a") == frozenset({"failure_rate"})
    assert feed.engine.firing("b") == frozenset()
    assert [a.campaign_id for a in feed.engine.firing_alerts()] == ["a"]
    feed.engine.forget("a")
    assert feed.engine.firing("a") == frozenset()
    assert feed.engine.firing_alerts() == ()
    assert [(a.campaign_id, a.state) for a in feed.engine.history()] == [("a", "firing")]


def test_an_alert_is_one_line_of_json_with_exactly_the_documented_fields():
    hostile = "camp\x1b]0;owned\x07;$(rm -rf ~)\n"
    feed = Feed(None, hostile)
    fetched = campaign(900, 100, campaign_id=hostile)
    alert = feed.poll(fetched)[0]
    line = alert.to_json()
    assert "\n" not in line and "\x1b" not in line and "\x07" not in line
    record = json.loads(line)
    assert list(record) == [
        "rule",
        "state",
        "severity",
        "campaign_id",
        "value",
        "threshold",
        "message",
        "campaign",
        "at",
    ]
    assert record["campaign_id"] == safe_text(hostile) == "camp\\x1b]0;owned\\x07;$(rm -rf ~)\\x0a"
    assert record["campaign"]["campaign_id"] == safe_text(hostile)
    assert record["campaign"]["stats"]["failed"] == 100
    assert record["campaign"]["status"] == "sending"
    assert record["at"] == "2023-11-14T22:13:20Z"  # the fake clock's start
    assert alert.campaign_id == hostile  # the engine's own id stays comparable with the store


def test_config_defaults_and_the_config_file_table():
    config = AlertConfig()
    assert (config.failure_rate, config.min_attempts, config.stall_after) == (0.05, 200, 120.0)
    assert config.delivery_rate is None and config.disabled == frozenset()
    assert all(config.enabled(rule) for rule in RULE_NAMES if rule != "delivery_rate")

    table = {"failure_rate": 0.1, "stall_after": 60, "disabled": ["finished", "api"]}
    loaded = msgspec.convert(table, AlertConfig)
    assert loaded.stall_after == 60.0 and loaded.disabled == frozenset({"finished", "api"})
    with pytest.raises(msgspec.ValidationError, match="failure_rate"):
        msgspec.convert({"failure_rate": "high"}, AlertConfig)
    with pytest.raises(msgspec.ValidationError, match="stall"):
        msgspec.convert({"stall": 5}, AlertConfig)
    with pytest.raises(msgspec.ValidationError, match="unknown rule 'failure'"):
        msgspec.convert({"disabled": ["failure"]}, AlertConfig)
    with pytest.raises(ValueError, match="fraction"):
        AlertConfig(failure_rate=5)


def test_forgetting_a_campaign_keeps_the_api_alert_even_under_a_clashing_name():
    feed = Feed(None, "auth")
    feed.poll(campaign(900, 100, campaign_id="auth"))
    refused = ErrorInfo(kind="auth", title="key refused", message="nope", http_status=401)
    feed.set_global(GlobalState(auth_error=refused))
    feed.engine.forget("auth")
    assert feed.engine.firing("auth") == frozenset()
    assert feed.engine.firing(None) == frozenset({"api"})
    assert [a.rule for a in feed.engine.firing_alerts()] == ["api"]


async def test_a_short_rate_limit_long_ago_does_not_count_towards_a_new_one():
    feed = Feed()
    feed.set_global(GlobalState(rate_limited_until=feed.clock.wall() + 30))
    await feed.clock.advance(30)
    feed.set_global(GlobalState())
    await feed.clock.advance(3600)  # nobody evaluated in between: nothing changed
    assert feed.set_global(GlobalState(rate_limited_until=feed.clock.wall() + 30)) == []
    assert feed.engine.next_check_at() == pytest.approx(feed.clock.wall() + API_AFTER)


async def test_the_api_rule_fires_while_any_of_its_conditions_does():
    feed = Feed()
    refused = ErrorInfo(kind="auth", title="key refused", message="nope", http_status=401)
    began = feed.clock.wall() - 60
    fired = feed.set_global(GlobalState(auth_error=refused, offline_since=began))
    assert [a.message for a in fired] == [
        "the API key was refused (HTTP 401: key refused)",
        "the API unreachable for 1 min",
    ]
    feed.set_global(GlobalState(offline_since=began))
    await feed.clock.advance(API_RESOLVE_AFTER)
    assert [a.message for a in feed.evaluate()] == ["the API key is accepted again"]
    assert feed.engine.firing(None) == frozenset({"api"})  # still offline
    feed.set_global(GlobalState())
    await feed.clock.advance(API_RESOLVE_AFTER)
    assert [a.state for a in feed.evaluate()] == ["resolved"]
    assert feed.engine.firing(None) == frozenset()
