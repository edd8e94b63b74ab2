"""The rule engine: at-or-above thresholds, firing and resolved transitions, one verdict."""

from __future__ import annotations

import math
import subprocess
import sys

from present_helpers import campaign

from appizer_tui.api.models import CampaignStatus
from appizer_tui.present.rules import FAILURE_RATE, Alert, RuleEngine
from appizer_tui.state.model import CampaignView, GlobalState, Metrics


def view(campaign_id: str, failure_rate: float | None) -> CampaignView:
    return CampaignView(
        campaign_id=campaign_id,
        campaign=campaign(campaign_id, CampaignStatus.SENDING),
        metrics=Metrics(failure_rate=failure_rate),
    )


def test_fires_exactly_at_the_threshold_not_below() -> None:
    engine = RuleEngine.failure_rate(0.05)
    alerts = engine.evaluate([view("below", 0.0499), view("at", 0.05)], GlobalState(), 10.0)
    assert alerts == (Alert("at", FAILURE_RATE, "firing", 0.05, 0.05, 10.0),)
    assert engine.firing("at") and engine.firing("at", FAILURE_RATE)
    assert not engine.firing("below")


def test_a_transition_is_reported_once_then_resolved() -> None:
    engine = RuleEngine.failure_rate(0.05)
    assert len(engine.evaluate([view("c", 0.06)], GlobalState(), 1.0)) == 1
    assert engine.evaluate([view("c", 0.08)], GlobalState(), 2.0) == ()  # still firing
    resolved = engine.evaluate([view("c", 0.01)], GlobalState(), 3.0)
    assert [a.state for a in resolved] == ["resolved"] and not engine.firing("c")


def test_unknown_or_non_finite_values_never_fire() -> None:
    engine = RuleEngine.failure_rate(0.05)
    views = [view("none", None), view("nan", math.nan), view("inf", math.inf)]
    assert engine.evaluate(views, GlobalState(), 1.0) == ()


def test_a_removed_campaign_starts_afresh() -> None:
    engine = RuleEngine.failure_rate(0.05)
    engine.evaluate([view("c", 0.5)], GlobalState(), 1.0)
    engine.forget("c")
    assert not engine.firing("c")
    assert len(engine.evaluate([view("c", 0.5)], GlobalState(), 2.0)) == 1


def test_the_presenter_and_its_rules_load_no_textual() -> None:
    code = (
        "import sys\n"
        "import appizer_tui.present.presenter, appizer_tui.plain.watch\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
