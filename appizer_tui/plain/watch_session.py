"""`watch`'s listener: `WatchSession` turns store events and the presenter's alert transitions
into printed lines, and knows when the run is over (every campaign finished or not found, the key
refused, the base URL not the API, a signal, a closed output). `run_watch` (watch.py) wires it to
the engine; `history_read.py` replays a recording through it.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Sequence

from appizer_tui.api.models import CampaignStatus
from appizer_tui.plain.summary import EndReason
from appizer_tui.plain.watch_output import WatchPrinter
from appizer_tui.polling.clock import Clock
from appizer_tui.present.frame import Frame
from appizer_tui.state.events import (
    CampaignErrored,
    CampaignFinished,
    CampaignUpdated,
    GlobalChanged,
    StoreEvent,
)
from appizer_tui.state.format import format_clock_time, format_countdown
from appizer_tui.state.model import ErrorInfo, Phase, rate_limited_error
from appizer_tui.state.store import CampaignStore

AUTH_NOTE = "stopping: set a valid key (APPIZER_API_KEY or --api-key)"


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
            error = rate_limited_error(until, now)
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
