"""One place the presenter and `watch` hand each evaluation's transitions to: the desktop
notifier and the `--on-alert` hook. Also the sample alert of `appizer-tui alerts test`.

The viewer's own channels (red rows, toasts, the bell, the alerts list) and `watch`'s alert lines
read the same transitions from the frame; they are not here.
"""

from __future__ import annotations

from collections.abc import Iterable

from appizer_tui.alerts.alert import FAILURE_RATE, Alert, alert_time, severity_of
from appizer_tui.alerts.hooks import HookRunner
from appizer_tui.alerts.notify import TerminalNotifier
from appizer_tui.alerts.rules import AlertConfig
from appizer_tui.api.models import Campaign, CampaignStatus, Stats
from appizer_tui.state.format import format_percent
from appizer_tui.state.metrics import compute_metrics

SAMPLE_CAMPAIGN_ID = "camp_alerts_test"


class AlertChannels:
    """The optional desktop notifier and hook, fed with every transition."""

    def __init__(
        self, notifier: TerminalNotifier | None = None, hooks: HookRunner | None = None
    ) -> None:
        self.notifier = notifier
        self.hooks = hooks

    def send(self, alerts: Iterable[Alert]) -> None:
        """Notify and queue a hook run for each alert; never waits (call on the event loop)."""
        for alert in alerts:
            if self.notifier is not None:
                self.notifier.notify(alert)
            if self.hooks is not None:
                self.hooks.submit(alert)

    @property
    def problem(self) -> str | None:
        """The hook's current failure, for the status line."""
        return None if self.hooks is None else self.hooks.problem

    async def aclose(self, grace: float | None = None) -> None:
        """Let queued hook runs finish, for at most `grace` seconds (None: until done; each run
        is bounded by its timeout), then stop the workers, killing any run still going."""
        if self.hooks is not None:
            await self.hooks.drain(grace)
            await self.hooks.aclose()


def sample_alert(now: float, config: AlertConfig | None = None) -> Alert:
    """A firing `failure_rate` alert on a made-up campaign, shaped exactly like a real one."""
    threshold = (config or AlertConfig()).failure_rate
    campaign = Campaign(
        campaign_id=SAMPLE_CAMPAIGN_ID,
        status=CampaignStatus.SENDING,
        raw_status="sending",
        stats=Stats(total_recipients=10_000, sent=3_800, delivered=3_650, failed=700),
    )
    value = compute_metrics(campaign).failure_rate
    return Alert(
        rule=FAILURE_RATE,
        state="firing",
        severity=severity_of(FAILURE_RATE),
        campaign_id=SAMPLE_CAMPAIGN_ID,
        value=value,
        threshold=threshold,
        message=(
            f"test alert from appizer-tui alerts test: failure rate {format_percent(value)}"
            f" is at or above {format_percent(threshold)}"
        ),
        campaign=campaign,
        at=alert_time(now),
    )


async def send_test_alert(
    channels: AlertChannels, now: float, config: AlertConfig | None = None
) -> tuple[Alert, str | None]:
    """Send `sample_alert` through `channels` and wait for the hook; (alert, hook problem)."""
    alert = sample_alert(now, config)
    channels.send([alert])
    await channels.aclose()
    return alert, channels.problem
