"""The viewer's App: hosts the polling engine, turns store events into messages, and guards
against the two ways a Textual app can hurt its user: dying silently and printing secrets.

    store event (engine's task) --post_message--> CampaignChanged / GlobalChanged / ...
        --handler, in one batch_update--> MainScreen reads the frozen view, sets widget props

The engine runs as one async worker on the App (so it outlives any pane) with
`exit_on_error=False`: a crash in it becomes a visible banner, never a silent exit. A crash
anywhere else prints a traceback without local variables, since a local may hold the API key.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

import rich
from rich.segment import Segments
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from appizer_tui.polling.clock import Clock
from appizer_tui.safe_text import safe_text
from appizer_tui.state import events
from appizer_tui.state.store import CampaignStore
from appizer_tui.ui import messages
from appizer_tui.ui.commands import ACTION_COMMANDS, CampaignCommands
from appizer_tui.ui.controller import Controller
from appizer_tui.ui.options import ViewerOptions
from appizer_tui.ui.screens.main import MainScreen

if TYPE_CHECKING:
    from appizer_tui.polling.engine import Poller

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_ENGINE_FAILED = 1
ENGINE_STOP_TIMEOUT = 5.0
"""Seconds quitting waits for the engine to wind down before leaving anyway."""


class AppizerApp(App[int]):
    """The live viewer. `run()` returns the exit code (0, or 1 after the engine failed)."""

    CSS_PATH = "app.tcss"
    TITLE = "appizer-tui"
    COMMANDS = App.COMMANDS | {CampaignCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # Ctrl+C quits cleanly (Textual's default only tells you to press Ctrl+Q).
        Binding("ctrl+c", "quit_viewer", "Quit", show=False, priority=True, id="app.ctrl_c"),
        Binding("ctrl+q", "quit_viewer", "Quit", show=False, priority=True, id="app.ctrl_q"),
    ]

    def __init__(
        self,
        *,
        store: CampaignStore,
        poller: Poller,
        clock: Clock,
        options: ViewerOptions,
    ) -> None:
        super().__init__()
        self.store = store
        self.poller = poller
        self.clock = clock
        self.options = options
        self.controller = Controller(store, poller, options)
        self.engine_error: str | None = None
        self._unsubscribe: list[object] = []
        self._stopping = False

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(
            store=self.store, controller=self.controller, clock=self.clock, options=self.options
        )

    @property
    def main_screen(self) -> MainScreen | None:
        """The main screen, wherever it is on the stack."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    # ----- life cycle --------------------------------------------------------------------

    def on_mount(self) -> None:
        self._unsubscribe.append(self.store.subscribe(self._on_store_event))
        self.run_worker(self.poller.run(), name="engine", group="engine", exit_on_error=False)
        if self.options.watchlist_path is not None and len(self.store):
            # Ids given on the command line join the saved watchlist.
            change = self.controller.record_change()
            self.run_worker(
                partial(self.controller.persist, self.store.ids(), (), change),
                thread=True,
                name="persist",
                group="persist",
                exit_on_error=False,
            )
        if self.options.startup_warning:
            self.notify(
                safe_text(self.options.startup_warning, max_length=500),
                title="Watchlist",
                severity="warning",
                timeout=15,
                markup=False,
            )

    async def run_async(self, **kwargs: Any) -> int | None:
        """Run the app; the exit code (1 after a crash) even when no result was set."""
        result = await super().run_async(**kwargs)
        return result if result is not None else self.return_code

    async def on_unmount(self) -> None:
        for unsubscribe in self._unsubscribe:
            if callable(unsubscribe):
                unsubscribe()
        self._unsubscribe.clear()
        await self._stop_engine()
        # A save still running (or never started) when the viewer ends must not be lost.
        error = self.controller.flush(self.store.ids())
        if error is not None:
            log.warning("%s", error)

    async def _stop_engine(self) -> None:
        if self._stopping:
            return
        self._stopping = True
        try:
            await asyncio.wait_for(self.poller.stop(), ENGINE_STOP_TIMEOUT)
        except Exception:  # noqa: BLE001 - leaving anyway; say what happened in the log
            log.exception("the engine did not stop cleanly")

    async def action_quit_viewer(self) -> None:
        """Stop the engine, then leave with the exit code."""
        await self._stop_engine()
        code = EXIT_ENGINE_FAILED if self.engine_error is not None else EXIT_OK
        self.exit(code, return_code=code)

    # ----- store events -> messages ------------------------------------------------------

    def _on_store_event(self, event: events.StoreEvent) -> None:
        """Store listener: runs inside the engine's task, so it only posts messages (or queues
        a row for the main screen's next tick, which draws nothing now)."""
        if isinstance(event, events.CampaignUpdated | events.CampaignErrored):
            main = self.main_screen
            if main is not None and main.defer_to_tick(event.campaign_id):
                return
            changed = event.changed if isinstance(event, events.CampaignUpdated) else True
            self.post_message(messages.CampaignChanged(event.campaign_id, changed))
        elif isinstance(event, events.CampaignAdded | events.CampaignRemoved):
            self.post_message(messages.WatchlistChanged())
        elif isinstance(event, events.GlobalChanged):
            main = self.main_screen
            if main is None or not main.defer_global():
                self.post_message(messages.GlobalChanged())
        elif isinstance(event, events.CampaignFinished):
            self.post_message(messages.CampaignFinished(event.campaign_id, event.status))
        elif isinstance(event, events.FailureAlert):
            self.post_message(messages.FailureAlert(event.campaign_id, event.failure_rate))

    @on(messages.CampaignChanged)
    def _campaign_changed(self, message: messages.CampaignChanged) -> None:
        main = self.main_screen
        if main is not None and main.is_mounted:
            with self.batch_update():
                main.campaign_changed(message.campaign_id)

    @on(messages.WatchlistChanged)
    def _watchlist_changed(self) -> None:
        main = self.main_screen
        if main is not None and main.is_mounted:
            with self.batch_update():
                main.reload()

    @on(messages.GlobalChanged)
    def _global_changed(self) -> None:
        main = self.main_screen
        if main is not None and main.is_mounted:
            with self.batch_update():
                main.global_changed()

    @on(messages.CampaignFinished)
    def _finished(self, message: messages.CampaignFinished) -> None:
        view = self.store.get(message.campaign_id)
        if view is None or view.previous is None:
            # Already finished when first fetched: nothing happened in front of the user.
            return
        name = safe_text(message.campaign_id, max_length=80)
        severity: SeverityLevel = (
            "information" if message.status.value == "completed" else "warning"
        )
        self.notify(
            f"{name} {message.status.value}",
            title="Campaign finished",
            severity=severity,
            markup=False,
        )

    @on(messages.FailureAlert)
    def _failure_alert(self, message: messages.FailureAlert) -> None:
        name = safe_text(message.campaign_id, max_length=80)
        rate = f"{message.failure_rate * 100:.1f}%"
        threshold = f"{self.options.alert_failure_rate * 100:.1f}%"
        self.notify(
            f"{name}: failure rate {rate} is over {threshold}",
            title="Failure alert",
            severity="error",
            timeout=15,
            markup=False,
        )
        self.bell()

    # ----- the engine worker -------------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "engine" or self._stopping:
            return
        if event.state is WorkerState.ERROR:
            error = worker.error
            name = type(error).__name__ if error is not None else "error"
            detail = safe_text(str(error), max_length=200) if error is not None else ""
            self._engine_failed(f"{name}: {detail}" if detail else name, error)
        elif event.state is WorkerState.SUCCESS:
            self._engine_failed("the polling engine returned unexpectedly", None)

    def _engine_failed(self, text: str, error: BaseException | None) -> None:
        if error is not None:
            # The traceback goes to the log only, without locals (they could hold the key).
            log.error("the polling engine stopped: %s", text, exc_info=(type(error), error, None))
        self.engine_error = f"{text} \u00b7 figures on screen are no longer updated"
        main = self.main_screen
        if main is not None:
            main.fatal = self.engine_error
            if main.is_mounted:
                main.global_changed()
        self.bell()

    def _fatal_error(self) -> None:
        """Textual's crash report, minus the local variables (a local may hold the API key)."""
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    # ----- command palette ---------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self.main_screen
        if main is None:
            return
        for title, help_text, action in ACTION_COMMANDS:
            yield SystemCommand(title, help_text, partial(main.run_action, action))
