"""Alert rules, evaluated once per frame by the presenter; the viewer and `watch` read the result.

A rule measures one value of a campaign's view and fires when it is at or above its threshold
(`>=`, everywhere). The engine keeps each (campaign, rule) pair's state and reports transitions:
an `Alert` with state "firing" when a pair starts firing, "resolved" when it stops. The list's red
row, the rate's red value, the toast, the bell and `watch`'s alert line all read this one result
(`RuleEngine.firing`, and the transitions `evaluate` returns).

Today there is one rule, the failure rate (failed / total); more rules, hysteresis and channels
plug in through `Rule` and `RuleEngine(rules=...)`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Final, Literal, Protocol

import msgspec

from appizer_tui.state.model import CampaignView, GlobalState

DEFAULT_FAILURE_RATE_THRESHOLD: Final = 0.05
"""failed / total at or above which the failure-rate rule fires (the `--alert-failure-rate`
default)."""

FAILURE_RATE: Final = "failure_rate"
"""The failure-rate rule's name."""

AlertState = Literal["firing", "resolved"]


class Alert(msgspec.Struct, frozen=True):
    """A transition of one rule for one campaign: it started ("firing") or stopped ("resolved")
    firing at wall time `at`, with the value measured then."""

    campaign_id: str
    rule: str
    state: AlertState
    value: float
    threshold: float
    at: float


class Rule(Protocol):
    """One condition on a campaign's view."""

    @property
    def name(self) -> str:
        """A stable identifier ("failure_rate"), used in Alert.rule and by watch."""
        ...

    @property
    def threshold(self) -> float:
        """The value at or above which the rule fires."""
        ...

    def measure(self, view: CampaignView) -> float | None:
        """The value the rule watches, None while it is unknown."""
        ...


class FailureRateRule(msgspec.Struct, frozen=True):
    """Fires when failed / total (`Metrics.failure_rate`) is at or above `threshold`."""

    threshold: float = DEFAULT_FAILURE_RATE_THRESHOLD
    name: str = FAILURE_RATE

    def measure(self, view: CampaignView) -> float | None:
        """The campaign's failure rate."""
        return view.metrics.failure_rate


def breached(value: float | None, threshold: float) -> bool:
    """The one comparison every rule uses: a known, finite value at or above the threshold."""
    return value is not None and math.isfinite(value) and value >= threshold


class RuleEngine:
    """Evaluates the rules on the views it is given and remembers which pairs are firing."""

    def __init__(self, rules: Sequence[Rule] | None = None) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules) if rules is not None else (FailureRateRule(),)
        self._firing: dict[str, set[str]] = {}
        """campaign id -> names of the rules firing for it."""

    @classmethod
    def failure_rate(cls, threshold: float = DEFAULT_FAILURE_RATE_THRESHOLD) -> RuleEngine:
        """An engine with the failure-rate rule alone, at `threshold`."""
        return cls([FailureRateRule(threshold)])

    def evaluate(
        self, views: Iterable[CampaignView], global_state: GlobalState, now: float
    ) -> tuple[Alert, ...]:
        """Evaluate every rule on `views` (the campaigns that changed) at wall time `now`; the
        transitions, in view then rule order. `global_state` is for rules on the whole key
        (none yet)."""
        alerts: list[Alert] = []
        for view in views:
            firing = self._firing.get(view.campaign_id, set())
            for rule in self.rules:
                value = rule.measure(view)
                now_firing = breached(value, rule.threshold)
                if now_firing == (rule.name in firing):
                    continue
                if now_firing:
                    firing.add(rule.name)
                else:
                    firing.discard(rule.name)
                state: AlertState = "firing" if now_firing else "resolved"
                shown = value if value is not None and math.isfinite(value) else math.nan
                alerts.append(Alert(view.campaign_id, rule.name, state, shown, rule.threshold, now))
            if firing:
                self._firing[view.campaign_id] = firing
            else:
                self._firing.pop(view.campaign_id, None)
        return tuple(alerts)

    def firing(self, campaign_id: str, rule: str | None = None) -> bool:
        """True while `rule` (any rule, when None) fires for the campaign."""
        names = self._firing.get(campaign_id)
        if not names:
            return False
        return rule is None or rule in names

    def forget(self, campaign_id: str) -> None:
        """The campaign left the watchlist: drop its state (a re-added one starts afresh)."""
        self._firing.pop(campaign_id, None)
