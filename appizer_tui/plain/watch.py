"""`appizer-tui watch`: follow campaigns until they finish, as lines, with a meaningful exit status.

This is a thin front end on the same engine, store, presenter and alert rules as the viewer: a
`Poller` fetches and writes a `CampaignStore`, and this module listens to the store's events
(update, terminal and error lines) and to the viewer's `Presenter`, whose frames carry the
`AlertEngine`'s transitions (alert lines; the desktop notification and the `--on-alert` hook get
them from the presenter too). It never polls, sleeps between requests, computes a rate or
decides an alert itself, so the budget, backoff, 404 grace, outage probing, rate math and
alerts are exactly the viewer's.

Exit status (see `exit_code`): a signal gives 128 + its number, a closed output pipe 141, an auth
error 3, a base URL that is not the API 6; then, only with `exit_status=True`: 4 if any
campaign was not found, else 1 if any failed or was cancelled, else 124 if the timeout came
first, else 0. Without `exit_status`, every
other ending is 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from appizer_tui.alerts.channels import AlertChannels
from appizer_tui.alerts.hooks import TIMEOUT as HOOK_TIMEOUT
from appizer_tui.alerts.rules import AlertConfig, AlertEngine
from appizer_tui.api.client import AppizerClient
from appizer_tui.api.models import CampaignStatus
from appizer_tui.cli_common import (
    EXIT_AUTH,
    EXIT_FAILED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_TIMEOUT,
    EXIT_UNAVAILABLE,
)
from appizer_tui.plain.summary import ColourScheme, EndReason
from appizer_tui.plain.team_line import TeamLine
from appizer_tui.plain.terminal import colour_enabled, on_signals
from appizer_tui.plain.watch_output import JsonlPrinter, TextPrinter, WatchPrinter
from appizer_tui.polling.clock import Clock, SystemClock
from appizer_tui.polling.engine import Poller
from appizer_tui.present.frame import Frame
from appizer_tui.present.presenter import Presenter
from appizer_tui.state.events import (
    CampaignErrored,
    CampaignFinished,
    CampaignUpdated,
    GlobalChanged,
    StoreEvent,
)
from appizer_tui.state.format import format_clock_time, format_countdown, format_interval
from appizer_tui.state.model import ErrorInfo, Phase
from appizer_tui.state.store import CampaignStore
from appizer_tui.team.member import TeamMember, polling_engine
from appizer_tui.team.redis_url import RedisUrl

FORMATS = ("text", "jsonl")
SIGPIPE_EXIT = 128 + 13
AUTH_NOTE = "stopping: set a valid key (APPIZER_API_KEY or --api-key)"


def exit_code(
    *,
    reason: EndReason,
    statuses: Sequence[CampaignStatus | None],
    any_not_found: bool,
    exit_status: bool,
    signal_number: int | None = None,
) -> int:
    """The process exit status for a finished run (the precedence is the module docstring's)."""
    if reason is EndReason.INTERRUPTED:
        return 128 + (signal_number or signal.SIGINT)
    if reason is EndReason.OUTPUT_CLOSED:
        return SIGPIPE_EXIT
    if reason is EndReason.AUTH:
        return EXIT_AUTH
    if reason is EndReason.WRONG_BASE_URL:
        return EXIT_UNAVAILABLE
    if not exit_status:
        return EXIT_OK
    if any_not_found:
        return EXIT_NOT_FOUND
    if any(s in (CampaignStatus.FAILED, CampaignStatus.CANCELLED) for s in statuses):
        return EXIT_FAILED
    if reason is EndReason.TIMEOUT:
        return EXIT_TIMEOUT
    return EXIT_OK


class WatchSession:
    """Turns store events into printed lines and knows when the run is over.

    Listeners run inside the engine's task, so this never raises into it: a closed output ends
    the run, and any other exception is kept and re-raised by `run_watch` after a clean stop.
    """

    def __init__(
        self,
        store: CampaignStore,
        campaign_ids: Sequence[str],
        printer: WatchPrinter,
        clock: Clock,
    ) -> None:
        self.store = store
        self.ids = list(campaign_ids)
        self.printer = printer
        self.clock = clock
        self.finished_ids: set[str] = set()
        self.not_found: set[str] = set()
        self.reason: EndReason | None = None
        self.signal_number: int | None = None
        self.failure: BaseException | None = None
        self.ended = asyncio.Event()
        self._reported_terminal: set[str] = set()
        self._rate_limit_key: int | None = None
        self._offline_key: tuple[float | None, float | None] = (None, None)

    def end(self, reason: EndReason) -> None:
        """Stop the run (the first reason wins)."""
        if self.reason is None:
            self.reason = reason
        self.ended.set()

    def interrupt(self, signal_number: int) -> None:
        """A signal asked us to stop: say so and end (the summary is still printed)."""
        if self.reason is None:
            self.signal_number = signal_number
            name = signal.Signals(signal_number).name
            self.guarded(lambda: self.printer.notice(f"{name} received, stopping", self._now()))
        self.end(EndReason.INTERRUPTED)

    def _now(self) -> float:
        return self.clock.wall()

    def on_event(self, event: StoreEvent) -> None:
        """The store listener."""
        if self.ended.is_set():
            return
        self.guarded(lambda: self._dispatch(event))

    def on_frame(self, frame: Frame) -> None:
        """The presenter's listener: one alert line per transition the frame carries."""
        if frame.alerts and self.reason is not EndReason.OUTPUT_CLOSED:
            self.guarded(lambda: self._print_alerts(frame))

    def _print_alerts(self, frame: Frame) -> None:
        for alert in frame.alerts:
            self.printer.alert(alert, frame.now)

    def guarded(self, action: Callable[[], None]) -> None:
        """Run a printing action; a closed output ends the run, another error is kept."""
        try:
            action()
        except OSError:
            # The reader went away (`| head`, a closed SSH session): nobody is listening.
            self.end(EndReason.OUTPUT_CLOSED)
        except Exception as exc:  # noqa: BLE001 - kept and re-raised outside the engine
            self.failure = exc
            self.ended.set()

    def _dispatch(self, event: StoreEvent) -> None:
        if isinstance(event, CampaignUpdated):
            if event.changed:
                self._updated(event.campaign_id)
            self._check_done(event.campaign_id)
        elif isinstance(event, CampaignFinished):
            self._check_done(event.campaign_id)
        elif isinstance(event, CampaignErrored):
            self._errored(event.campaign_id, event.error)
        elif isinstance(event, GlobalChanged):
            self._global_changed()

    def _updated(self, campaign_id: str) -> None:
        view = self.store.get(campaign_id)
        if view is not None and view.campaign is not None:
            # Stamped with the time fetched, so a replay of the recording prints the same.
            self.printer.update(view, view.last_success_at or self._now())

    def _check_done(self, campaign_id: str) -> None:
        if campaign_id in self.finished_ids:
            return
        view = self.store.get(campaign_id)
        if view is None:
            return
        if view.phase is Phase.NOT_FOUND:
            self.not_found.add(campaign_id)
        elif view.campaign is not None and view.campaign.status.is_terminal:
            if campaign_id not in self._reported_terminal:
                self._reported_terminal.add(campaign_id)
                self.printer.terminal(view, view.last_success_at or self._now())
        else:
            return
        self.finished_ids.add(campaign_id)
        if self.finished_ids.issuperset(self.ids):
            self.end(EndReason.ALL_DONE)

    def _errored(self, campaign_id: str, error: ErrorInfo) -> None:
        if error.kind == "auth":
            self._auth(error)
            return
        view = self.store.get(campaign_id)
        final = view is not None and view.phase is Phase.NOT_FOUND
        if not final and self._offline_key[0] is not None:
            return  # while offline, the one "next probe at" line per probe says it all
        self.printer.campaign_error(campaign_id, error, self._now(), final)
        if final:
            self._check_done(campaign_id)

    def _auth(self, error: ErrorInfo) -> None:
        self.printer.global_error(error, self._now(), AUTH_NOTE)
        self.end(EndReason.AUTH)

    def _global_changed(self) -> None:
        state = self.store.global_state()
        if state.auth_error is not None:
            self._auth(state.auth_error)
            return
        if state.base_url_error is not None:
            self.printer.global_error(state.base_url_error, self._now(), "stopping")
            self.end(EndReason.WRONG_BASE_URL)
            return
        now = self._now()
        # The engine republishes global state often (the budget); print only transitions.
        until = state.rate_limited_until
        if until is not None and round(until) != self._rate_limit_key:
            self._rate_limit_key = round(until)
            error = ErrorInfo(
                kind="rate_limited",
                title="Rate limited",
                message="the API key's request limit is spent",
                http_status=429,
                since=now,
                next_retry_at=until,
            )
            wait = format_countdown(until - now)
            note = f"all polling resumes at {format_clock_time(until)} ({wait})"
            self.printer.global_error(error, now, note)
        elif until is None:
            self._rate_limit_key = None
        self._offline(state.offline_since, state.next_probe_at, now)

    def _offline(self, since: float | None, probe: float | None, now: float) -> None:
        key = (since, None if probe is None else round(probe, 1))
        if key == self._offline_key:
            return
        was_offline = self._offline_key[0] is not None
        self._offline_key = key
        if since is None:
            if was_offline:
                self.printer.notice("the API answers again; polling resumes", now)
            return
        error = ErrorInfo(
            kind="network",
            title="Offline",
            message=f"the API has been unreachable since {format_clock_time(since)}",
            since=since,
            next_retry_at=probe,
        )
        note = (
            f"next probe at {format_clock_time(probe)} ({format_countdown(probe - now)})"
            if probe is not None
            else "probing"
        )
        self.printer.global_error(error, now, note)

    def statuses(self) -> list[CampaignStatus | None]:
        """The latest known status of each watched campaign, in watch order."""
        result: list[CampaignStatus | None] = []
        for campaign_id in self.ids:
            view = self.store.get(campaign_id)
            campaign = view.campaign if view is not None else None
            result.append(campaign.status if campaign is not None else None)
        return result


def alert_presenter(
    session: WatchSession, config: AlertConfig | None, channels: AlertChannels | None
) -> Presenter:
    """The viewer's presenter on the session's store, for its alert decisions: every frame's
    transitions become the session's alert lines (the frames are otherwise unused here).
    `run()` it as a task; `publish()` once more at the end."""
    presenter = Presenter(
        session.store, session.clock, alerts=AlertEngine(config), channels=channels
    )
    presenter.subscribe(session.on_frame)
    return presenter


async def run_watch(
    client: AppizerClient,
    campaign_ids: Sequence[str],
    *,
    interval: float = 5.0,
    fmt: str = "text",
    exit_status: bool = False,
    timeout_seconds: float | None = None,
    max_rpm: float | None = None,
    budget_share: float = 1.0,
    clock: Clock | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    colour: bool | None = None,
    handle_signals: bool = True,
    time_mode: str = "local",
    redis_url: RedisUrl | None = None,
    record: Callable[[CampaignStore], Callable[[], None]] | None = None,
    alert_config: AlertConfig | None = None,
    channels: AlertChannels | None = None,
    hook_grace: float = HOOK_TIMEOUT,
) -> int:
    """Watch `campaign_ids` (already validated) until each is finished or not found, the
    `timeout_seconds` pass, a signal arrives or the key is refused; return the exit status.

    `client` is used and left open (the caller closes it). `colour=None` decides from stdout
    and NO_COLOR; `clock` defaults to the system clock (tests pass a FakeClock);
    `handle_signals` installs SIGINT/SIGTERM/SIGHUP handlers on the running loop;
    `alert_config` sets the alert rules (default: their defaults); `channels` (the desktop
    notification and the `--on-alert` hook) get every transition and are closed at the end,
    after waiting up to `hook_grace` seconds for hook runs still queued.
    `redis_url` joins the team on that Redis (`appizer_tui.team`) instead of polling alone.
    `record`, given the store, starts recording it and returns the function that stops (and
    flushes) the recording, called when the run ends.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown watch format {fmt!r}")
    ids = list(dict.fromkeys(campaign_ids))
    if not ids:
        raise ValueError("nothing to watch")
    clock = clock or SystemClock()
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    started = clock.wall()
    printer: WatchPrinter
    if fmt == "jsonl":
        printer = JsonlPrinter(out)
    else:
        printer = TextPrinter(
            out,
            err,
            ids,
            colour=ColourScheme(colour_enabled(out) if colour is None else colour),
            err_colour=ColourScheme(colour_enabled(err) if colour is None else colour),
            time_mode=time_mode,
            started_at=started,
        )
    store = CampaignStore(interval=interval, wall=clock.wall)
    engine = polling_engine(
        client,
        store,
        clock,
        redis_url=redis_url,
        base_url=client.base_url,
        api_key=client.api_key,
        poller_options={"interval": interval, "max_rpm": max_rpm, "budget_share": budget_share},
        on_status=TeamLine(err, clock.wall),
    )
    session = WatchSession(store, ids, printer, clock)
    presenter = alert_presenter(session, alert_config, channels)
    unsubscribe = store.subscribe(session.on_event)
    stop_recording = record(store) if record is not None else (lambda: None)
    noun = "campaign" if len(ids) == 1 else "campaigns"
    session.guarded(
        lambda: printer.notice(
            f"watching {len(ids)} {noun} every {format_interval(interval)} (Ctrl+C to stop)",
            started,
        )
    )
    remove_signals = on_signals(session.interrupt) if handle_signals else (lambda: None)
    shown = asyncio.create_task(presenter.run(), name="appizer-watch-presenter")
    try:
        await _wait_for_end(session, engine, ids, clock, timeout_seconds)
        unsubscribe()
        # The last changes (a campaign's finish, say) have not reached a frame yet.
        presenter.publish()
        return _finish(session, printer, exit_status)
    finally:
        unsubscribe()
        remove_signals()
        stop_recording()
        shown.cancel()
        await asyncio.gather(shown, return_exceptions=True)
        if channels is not None:
            await channels.aclose(hook_grace)


async def _wait_for_end(
    session: WatchSession,
    engine: Poller | TeamMember,
    ids: Sequence[str],
    clock: Clock,
    timeout_seconds: float | None,
) -> None:
    engine.add(*ids)
    running = asyncio.create_task(engine.run(), name="appizer-watch-engine")
    ended = asyncio.create_task(session.ended.wait(), name="appizer-watch-ended")
    timer = (
        asyncio.create_task(clock.sleep(timeout_seconds), name="appizer-watch-timeout")
        if timeout_seconds is not None
        else None
    )
    waiters: set[asyncio.Task[object]] = {running, ended}
    if timer is not None:
        waiters.add(timer)
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if session.reason is None and timer is not None and timer.done():
            session.end(EndReason.TIMEOUT)
        # No line may follow the summary: stop listening before the engine winds down.
        session.ended.set()
        await engine.stop()
        # A team member's run() is cancelled after its stop (it then leaves the team).
        tasks = (ended, timer, running if isinstance(engine, TeamMember) else None)
        for task in tasks:
            if task is not None:
                task.cancel()
        results = await asyncio.gather(
            running, ended, *([timer] if timer else []), return_exceptions=True
        )
    problem = results[0]
    if isinstance(problem, BaseException) and not isinstance(problem, asyncio.CancelledError):
        raise problem
    if session.failure is not None:
        raise session.failure
    if session.reason is None:
        # The engine returned on its own with campaigns still open: treat it as the end.
        session.end(EndReason.TIMEOUT)


def _finish(session: WatchSession, printer: WatchPrinter, exit_status: bool) -> int:
    reason = session.reason or EndReason.ALL_DONE
    now = session.clock.wall()
    if reason is not EndReason.OUTPUT_CLOSED:
        if reason is EndReason.TIMEOUT:
            open_count = len(session.ids) - len(session.finished_ids)
            session.guarded(
                lambda: printer.notice(f"timed out with {open_count} still running", now)
            )
        views = [session.store.get(cid) for cid in session.ids]
        with contextlib.suppress(OSError):
            printer.finish(views, session.ids, reason, now)
    return exit_code(
        reason=reason,
        statuses=session.statuses(),
        any_not_found=bool(session.not_found),
        exit_status=exit_status,
        signal_number=session.signal_number,
    )
