"""The launch rules and the engine that evaluates them, once per change, for the viewer and `watch`.

Rules (each can be switched off with `--no-alert RULE` / `disabled` in the `[alerts]` table):

- `failure_rate` (alarm): the store's failure rate (`Metrics.failure_rate`, the one formula in
  `state/metrics.py`) at or above `failure_rate` (default 5 %) once at least `min_attempts`
  (default 200) sends were attempted (sent + failed).
- `stalled` (alarm): a `sending` campaign whose sent + failed has not grown for `stall_after`
  seconds (default 120) between successful polls. Measured from the first poll that saw the
  current count to the latest successful poll, so it fires at the first poll `stall_after` after
  the count stopped moving: within `stall_after` + one interval of it. It resolves when the count
  grows again or the campaign stops sending.
- `delivery_rate` (alarm, off by default): `Metrics.delivery_rate` below the floor
  `delivery_rate` once at least `min_attempts` were sent.
- `finished`, `failed`, `cancelled` (notices): the campaign's status became completed, failed or
  cancelled while it was watched. They fire once and never resolve; a campaign that was already
  finished when first seen gives no notice (a viewer reopening a watchlist of fifty old campaigns
  must not send fifty notifications).
- `api` (alarm, campaign_id null): see `api_rule.py`.

Hysteresis. An alert fires once when its rule becomes true, resolves when it becomes false, and
fires again only after resolving. A rate rule resolves only once the value is back past its
threshold by `HYSTERESIS` (a fifth) of the distance to the good end: a 5 % failure alert resolves
below 4 %, a 90 % delivery floor resolves at 92 % and above. A rate hovering at the threshold
fires once and stays firing. Stalls resolve on the first growth, which cannot flap: firing again
takes another `stall_after` without growth.

Time is the caller's: `evaluate(..., now)` takes wall seconds (the clock's `wall()`, the same
time base as `CampaignView.last_success_at`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Final

import msgspec

from appizer_tui.alerts import defaults
from appizer_tui.alerts.alert import (
    API,
    CANCELLED,
    DELIVERY_RATE,
    FAILED,
    FAILURE_RATE,
    FINISHED,
    RULE_NAMES,
    STALLED,
    Alert,
    AlertState,
    Check,
    alert_time,
    severity_of,
)
from appizer_tui.alerts.api_rule import API_CONDITIONS, ApiConditions
from appizer_tui.api.models import Campaign, CampaignStatus
from appizer_tui.safe_text import safe_text
from appizer_tui.state.format import format_count, format_duration, format_percent
from appizer_tui.state.model import CampaignView, GlobalState

HYSTERESIS: Final = 0.2
"""Share of the distance from a rate threshold to the good end a value must travel back before
its alert resolves."""
HISTORY_LIMIT: Final = 1000
"""Transitions `history()` keeps (the oldest go first)."""

_NOTICE_STATUS: Final = {
    CampaignStatus.COMPLETED: FINISHED,
    CampaignStatus.FAILED: FAILED,
    CampaignStatus.CANCELLED: CANCELLED,
}


class AlertConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The rules' settings: the `[alerts]` table of the config file, and the alert flags.

    Decode a table with `msgspec.convert(table, AlertConfig)`; a bad value raises
    `msgspec.ValidationError` naming the key.
    """

    failure_rate: float = defaults.FAILURE_RATE
    """Failure rate (a fraction) at or above which `failure_rate` fires."""
    min_attempts: int = defaults.MIN_ATTEMPTS
    """Sends attempted (sent + failed) before the rate rules apply."""
    stall_after: float = defaults.STALL_AFTER
    """Seconds without growth of sent + failed after which a sending campaign is `stalled`."""
    delivery_rate: float | None = None
    """Delivery rate floor (a fraction) below which `delivery_rate` fires; None: off."""
    disabled: frozenset[str] = frozenset()
    """Rules switched off (names from `RULE_NAMES`)."""

    def __post_init__(self) -> None:
        if not 0.0 < self.failure_rate <= 1.0:
            raise ValueError("failure_rate must be a fraction above 0 and at most 1")
        if self.min_attempts < 0:
            raise ValueError("min_attempts must be 0 or more")
        if not self.stall_after > 0.0:
            raise ValueError("stall_after must be more than 0 seconds")
        if self.delivery_rate is not None and not 0.0 < self.delivery_rate <= 1.0:
            raise ValueError("delivery_rate must be a fraction above 0 and at most 1")
        unknown = sorted(self.disabled - set(RULE_NAMES))
        if unknown:
            raise ValueError(f"unknown rule {unknown[0]!r}; the rules are {', '.join(RULE_NAMES)}")

    def enabled(self, rule: str) -> bool:
        """True unless `rule` is disabled (`delivery_rate` also needs a floor)."""
        if rule == DELIVERY_RATE and self.delivery_rate is None:
            return False
        return rule not in self.disabled


def failure_resolve_level(threshold: float) -> float:
    """The failure rate a firing `failure_rate` alert must fall below to resolve (4 % for 5 %).
    Rounded so that a rate exactly at the level, as the store computes it, counts as at it."""
    return round(threshold * (1.0 - HYSTERESIS), 12)


def delivery_resolve_level(floor: float) -> float:
    """The delivery rate a firing `delivery_rate` alert must reach to resolve (92 % for 90 %)."""
    return round(floor + HYSTERESIS * (1.0 - floor), 12)


def _attempts(campaign: Campaign) -> int:
    return campaign.stats.sent + campaign.stats.failed


def check_failure_rate(view: CampaignView, config: AlertConfig, firing: bool) -> Check | None:
    """`failure_rate`'s verdict, or None while there is no rate to judge."""
    rate = view.metrics.failure_rate
    if view.campaign is None or rate is None:
        return None
    campaign, limit = view.campaign, config.failure_rate
    attempts = _attempts(campaign)
    if firing:
        active = rate >= failure_resolve_level(limit)
    else:
        active = attempts >= config.min_attempts and rate >= limit

    def describe() -> str:
        who, failed = safe_text(view.campaign_id), format_count(campaign.stats.failed)
        if active:
            return (
                f"{who}: failure rate {format_percent(rate)} is at or above"
                f" {format_percent(limit)} ({failed} failed of {format_count(attempts)} attempted)"
            )
        return f"{who}: failure rate back to {format_percent(rate)} ({failed} failed)"

    return Check(active, rate, limit, describe)


def check_delivery_rate(view: CampaignView, config: AlertConfig, firing: bool) -> Check | None:
    """`delivery_rate`'s verdict, or None while there is no rate or no floor."""
    rate, floor = view.metrics.delivery_rate, config.delivery_rate
    if view.campaign is None or rate is None or floor is None:
        return None
    if firing:
        active = rate < delivery_resolve_level(floor)
    else:
        active = view.campaign.stats.sent >= config.min_attempts and rate < floor

    def describe() -> str:
        who = safe_text(view.campaign_id)
        if active:
            return f"{who}: delivery rate {format_percent(rate)} is below {format_percent(floor)}"
        return f"{who}: delivery rate back to {format_percent(rate)}"

    return Check(active, rate, floor, describe)


class _Progress(msgspec.Struct):
    """sent + failed as last seen, and the time of the first successful poll that saw it."""

    attempts: int
    since: float


class AlertEngine:
    """Evaluates the rules on the store's views; keeps what is firing and every transition.

    Call `evaluate` with the views that changed since the last call (all of them is fine too)
    and the global state, and again at `next_check_at()` even when nothing changed. Call
    `forget` when a campaign leaves the watchlist.
    """

    def __init__(self, config: AlertConfig | None = None, *, history_limit: int = HISTORY_LIMIT):
        self.config = config if config is not None else AlertConfig()
        self._firing: dict[tuple[str, str | None], Alert] = {}
        """(rule, campaign id, or the api condition's name) -> its firing alert."""
        self._by_campaign: dict[str | None, frozenset[str]] = {}
        self._progress: dict[str, _Progress] = {}
        self._status: dict[str, CampaignStatus] = {}
        self._api = ApiConditions()
        self._last_global: GlobalState | None = None
        self._history: deque[Alert] = deque(maxlen=history_limit)

    # -- reading -------------------------------------------------------------------------------

    def firing(self, campaign_id: str | None) -> frozenset[str]:
        """Names of the rules firing for a campaign (`None`: the `api` rule)."""
        return self._by_campaign.get(campaign_id, frozenset())

    def firing_alerts(self) -> tuple[Alert, ...]:
        """The latest `firing` transition of every alert still firing, oldest first."""
        return tuple(self._firing.values())

    def history(self) -> tuple[Alert, ...]:
        """Every transition since the engine started (the newest `history_limit`), oldest first."""
        return tuple(self._history)

    def next_check_at(self) -> float | None:
        """Wall time at which a timed `api` condition may change although nothing else did."""
        if not self.config.enabled(API):
            return None
        return self._api.next_change_at(self._api_firing)

    # -- evaluating ----------------------------------------------------------------------------

    def evaluate(
        self, views: Iterable[CampaignView], global_state: GlobalState, now: float
    ) -> list[Alert]:
        """Apply the rules to `views` and the global state at wall time `now`; return the
        transitions (firing or resolved), in order, and record them in `history()`."""
        transitions: list[Alert] = []
        for view in views:
            if view.campaign is not None:
                transitions.extend(self._campaign_transitions(view, now))
        if self.config.enabled(API) and self._api_due(global_state, now):
            self._api.update(global_state, now)
            for condition, check in self._api.checks(now, self._api_firing):
                alert = self._apply((API, condition), None, None, check, now)
                if alert is not None:
                    transitions.append(alert)
        self._history.extend(transitions)
        return transitions

    def _api_due(self, global_state: GlobalState, now: float) -> bool:
        """True when the global state changed or a timed condition's moment came: the `api`
        rule has nothing new to say otherwise (most evaluations are one campaign's poll)."""
        if global_state == self._last_global:
            due = self.next_check_at()
            if due is None or now < due:
                return False
        self._last_global = global_state
        return True

    def forget(self, campaign_id: str) -> None:
        """Drop a campaign that left the watchlist, with no `resolved` transitions."""
        self._progress.pop(campaign_id, None)
        self._status.pop(campaign_id, None)
        for key in [key for key, held in self._firing.items() if held.campaign_id == campaign_id]:
            del self._firing[key]
        self._by_campaign.pop(campaign_id, None)

    def _api_firing(self, condition: str) -> bool:
        return (API, condition) in self._firing

    def _campaign_transitions(self, view: CampaignView, now: float) -> list[Alert]:
        campaign = view.campaign
        assert campaign is not None
        config, cid = self.config, view.campaign_id
        found: list[Alert | None] = []
        if config.enabled(FAILURE_RATE):
            check = check_failure_rate(view, config, (FAILURE_RATE, cid) in self._firing)
            found.append(self._apply((FAILURE_RATE, cid), cid, campaign, check, now))
        if config.enabled(DELIVERY_RATE):
            check = check_delivery_rate(view, config, (DELIVERY_RATE, cid) in self._firing)
            found.append(self._apply((DELIVERY_RATE, cid), cid, campaign, check, now))
        stall = self._check_stalled(view, campaign)
        if config.enabled(STALLED):
            found.append(self._apply((STALLED, cid), cid, campaign, stall, now))
        found.append(self._notice(cid, campaign, now))
        return [alert for alert in found if alert is not None]

    def _check_stalled(self, view: CampaignView, campaign: Campaign) -> Check | None:
        seen_at = view.last_success_at
        if seen_at is None:
            return None
        attempts = _attempts(campaign)
        progress = self._progress.get(view.campaign_id)
        if progress is None or progress.attempts != attempts:
            progress = self._progress[view.campaign_id] = _Progress(attempts, seen_at)
        still = seen_at - progress.since
        active = campaign.status is CampaignStatus.SENDING and still >= self.config.stall_after

        def describe() -> str:
            who, processed = safe_text(view.campaign_id), format_count(attempts)
            if active:
                total = format_count(campaign.stats.total_recipients)
                return (
                    f"{who}: no progress for {format_duration(still)} while sending"
                    f" ({processed} of {total} processed)"
                )
            if campaign.status is CampaignStatus.SENDING:
                return f"{who}: sending again ({processed} processed)"
            return f"{who}: no longer sending ({safe_text(campaign.raw_status)})"

        return Check(active, still, self.config.stall_after, describe)

    def _notice(self, cid: str, campaign: Campaign, now: float) -> Alert | None:
        before = self._status.get(cid)
        self._status[cid] = campaign.status
        rule = _NOTICE_STATUS.get(campaign.status)
        if rule is None or before is None or before.is_terminal or not self.config.enabled(rule):
            return None
        stats = campaign.stats
        message = (
            f"{safe_text(cid)}: {safe_text(campaign.raw_status)}"
            f" ({format_count(stats.sent)} sent, {format_count(stats.failed)} failed"
            f" of {format_count(stats.total_recipients)})"
        )
        notice = Check(True, None, None, lambda: message)
        return self._record(rule, "firing", cid, campaign, notice, now)

    def _apply(
        self,
        key: tuple[str, str | None],
        cid: str | None,
        campaign: Campaign | None,
        check: Check | None,
        now: float,
    ) -> Alert | None:
        """The transition `check` makes for the alert `key`, if any, recorded as the new state."""
        firing = key in self._firing
        if check is None or check.active == firing:
            return None
        state: AlertState = "firing" if check.active else "resolved"
        alert = self._record(key[0], state, cid, campaign, check, now)
        rules = self._by_campaign.get(cid, frozenset())
        if check.active:
            self._firing[key] = alert
            self._by_campaign[cid] = rules | {key[0]}
        else:
            del self._firing[key]
            if cid is not None or not any(map(self._api_firing, API_CONDITIONS)):
                self._by_campaign[cid] = rules - {key[0]}
        return alert

    @staticmethod
    def _record(
        rule: str,
        state: AlertState,
        cid: str | None,
        campaign: Campaign | None,
        check: Check,
        now: float,
    ) -> Alert:
        return Alert(
            rule=rule,
            state=state,
            severity=severity_of(rule),
            campaign_id=cid,
            value=check.value,
            threshold=check.threshold,
            message=check.describe(),
            campaign=campaign,
            at=alert_time(now),
        )
