"""The viewer's toasts for alert transitions (the presenter puts them in each frame)."""

from __future__ import annotations

from appizer_tui.alerts.alert import NOTICE_RULES, Alert
from appizer_tui.present.frame import Severity, Toast
from appizer_tui.safe_text import safe_text

_ALARM_TITLES = {
    "failure_rate": "Failure alert",
    "stalled": "Stall alert",
    "delivery_rate": "Delivery alert",
    "api": "API alert",
}


def alert_toast(alert: Alert) -> Toast:
    """The toast for one transition: a finish notice (as "Campaign finished"), an alarm, or
    an alarm's resolution. The texts were made inert by the rules."""
    if alert.rule in NOTICE_RULES:
        severity: Severity = "information" if alert.rule == "finished" else "warning"
        status = alert.campaign.status.value if alert.campaign is not None else alert.rule
        name = safe_text(alert.campaign_id, max_length=80)
        return Toast("Campaign finished", f"{name} {status}", severity)
    if not alert.firing:
        return Toast("Alert resolved", alert.message, "information")
    return Toast(_ALARM_TITLES.get(alert.rule, "Alert"), alert.message, "error", timeout=15)
