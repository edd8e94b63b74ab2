"""One place the presenter and `watch` hand each evaluation's transitions to: the desktop
notifier and the `--on-alert` hook. Also the sample alert of `appizer-tui alerts test`.

The viewer's own channels (red rows, toasts, the bell, the alerts list) and `watch`'s alert lines
read the same transitions from the frame; they are not here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from appizer_tui.alerts.alert import FAILURE_RATE, RULE_NAMES, Alert
from appizer_tui.alerts.hooks import TIMEOUT, HookRunner
from appizer_tui.alerts.notify import TerminalNotifier
from appizer_tui.alerts.rules import AlertConfig, AlertEngine
from appizer_tui.api.models import Campaign, CampaignStatus, Stats
from appizer_tui.state.metrics import compute_metrics
from appizer_tui.state.model import CampaignView, GlobalState

SAMPLE_CAMPAIGN_ID = "camp_alerts_test"


class AlertChannels:
    """The optional desktop notifier and hook, fed with every transition."""

    def __init__(
        self, notifier: TerminalNotifier | None = None, hooks: HookRunner | None = None
    ) -> None:
        self.notifier = notifier
        self.hooks = hooks

    @classmethod
    def configured(
        cls,
        notify: str,
        on_alert: str | None,
        write: Callable[[str], object] | None,
        *,
        bell: bool = True,
        on_problem: Callable[[str], None] | None = None,
        hook_timeout: float = TIMEOUT,
        env: Mapping[str, str] | None = None,
    ) -> AlertChannels:
        """The channels `--notify` and `--on-alert` ask for. `write` sends bytes to the
        terminal (None: no terminal, no notification); `bell=False` leaves the bell to the
        caller (the viewer rings it from the frame)."""
        notifier = None
        if write is not None:
            notifier = TerminalNotifier.from_env(notify, write, env)
            if notifier.method == "off" or (notifier.method == "bell" and not bell):
                notifier = None
        hooks = None
        if on_alert is not None:
            hooks = HookRunner(on_alert, on_problem=on_problem, timeout=hook_timeout, env=env)
        return cls(notifier, hooks)

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


def sample_alert(now: float) -> Alert:
    """A firing `failure_rate` alert on a made-up campaign, made by the rule itself (at its
    default threshold), so it is shaped exactly like a real one."""
    campaign = Campaign(
        campaign_id=SAMPLE_CAMPAIGN_ID,
        status=CampaignStatus.SENDING,
        raw_status="sending",
        stats=Stats(total_recipients=10_000, sent=3_800, delivered=3_650, failed=700),
    )
    view = CampaignView(
        campaign_id=SAMPLE_CAMPAIGN_ID,
        campaign=campaign,
        last_success_at=now,
        metrics=compute_metrics(campaign),
    )
    rule_only = AlertConfig(disabled=frozenset(RULE_NAMES) - {FAILURE_RATE})
    (alert,) = AlertEngine(rule_only).evaluate([view], GlobalState(), now)
    return alert


async def send_test_alert(channels: AlertChannels, now: float) -> tuple[Alert, str | None]:
    """Send `sample_alert` through `channels` and wait for the hook; (alert, hook problem)."""
    alert = sample_alert(now)
    channels.send([alert])
    await channels.aclose()
    return alert, channels.problem
