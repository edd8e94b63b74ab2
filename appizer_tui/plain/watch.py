"""`appizer-tui watch`: follow campaigns until they finish, as lines, with a meaningful exit status.

This is a thin front end on the same engine, store, presenter and alert rules as the viewer: a
`Poller` fetches and writes a `CampaignStore`, and a `WatchSession` (watch_session.py) listens
to the store's events (update, terminal and error lines) and to the viewer's `Presenter`, whose
frames carry the `AlertEngine`'s transitions (alert lines; the desktop notification and the
`--on-alert` hook get them from the presenter too). It never polls, sleeps between requests,
computes a rate or decides an alert itself, so the budget, backoff, 404 grace, outage probing,
rate math and alerts are exactly the viewer's.

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
from appizer_tui.plain.watch_session import WatchSession
from appizer_tui.polling.clock import Clock, SystemClock
from appizer_tui.polling.engine import Poller
from appizer_tui.present.presenter import Presenter
from appizer_tui.state.format import format_interval
from appizer_tui.state.store import CampaignStore
from appizer_tui.team.member import TeamMember, polling_engine
from appizer_tui.team.redis_url import RedisUrl

FORMATS = ("text", "jsonl")
SIGPIPE_EXIT = 128 + 13


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
