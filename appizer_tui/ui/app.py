"""The viewer's App: hosts the polling engine and the presenter, and guards against the two ways
a Textual app can hurt its user: dying silently and printing secrets.

    engine (worker) -> store -> presenter (worker) -> Frame -> MainScreen.frame -> widgets

The engine runs as one async worker on the App (so it outlives any pane) with
`exit_on_error=False`: a crash in it becomes a banner in the next frame, never a silent exit.
The presenter is a worker too; a crash there (a bug, with nothing left to draw) ends the viewer
with a traceback, never a frozen screen. Tracebacks are printed without local variables, since a
local may hold the API key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

import rich
from rich.segment import Segments
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerCancelled, WorkerState

from appizer_tui.alerts.channels import AlertChannels
from appizer_tui.alerts.rules import AlertEngine
from appizer_tui.polling.clock import Clock
from appizer_tui.present.presenter import Presenter
from appizer_tui.safe_text import safe_text
from appizer_tui.state.store import CampaignStore
from appizer_tui.team.member import TeamMember
from appizer_tui.ui.colors import theme_for
from appizer_tui.ui.commands import ACTION_COMMANDS, CampaignCommands
from appizer_tui.ui.controller import CLIPBOARD_SENT, Controller
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
        # Ctrl+C copies the text selected with the mouse, else quits cleanly (Textual's default
        # only tells you to press Ctrl+Q).
        Binding("ctrl+c", "copy_or_quit", "Quit", show=False, priority=True, id="app.ctrl_c"),
        Binding("ctrl+q", "quit_viewer", "Quit", show=False, priority=True, id="app.ctrl_q"),
    ]

    def __init__(
        self,
        *,
        store: CampaignStore,
        poller: Poller | TeamMember,
        clock: Clock,
        options: ViewerOptions,
        replay_label: Callable[[float], str] | None = None,
    ) -> None:
        """`poller` is the engine: a `Poller`, or with `--redis` a `TeamMember` (whose state the
        status line then shows)."""
        super().__init__()
        self.theme = theme_for(self.console.color_system, self.theme)
        self.set_class(self.no_color, "-no-color")  # app.tcss marks alerts without colour
        self.store = store
        self.poller = poller
        self.clock = clock
        self.options = options
        # Desktop notifications go through Textual's driver, between its frames; the bell
        # for alarms comes from the frame (`Frame.bell`), so the notifier never rings it.
        # A failing hook shows in the status line from the next frame, built at once.
        self.alert_channels = AlertChannels.configured(
            options.notify,
            options.on_alert,
            self._write_to_terminal,
            bell=False,
            on_problem=lambda _: self.presenter.wake(),
        )
        self.presenter = Presenter(
            store,
            clock,
            alerts=AlertEngine(options.alert_config),
            channels=self.alert_channels,
            base_url=options.base_url,
            demo=options.demo,
            key_masked=options.key_masked,
            time_mode=options.time_mode,
            replay_label=replay_label,
        )
        if isinstance(poller, TeamMember):
            poller.set_status_listener(lambda status: self.presenter.set_team(status.text))
        self.controller = Controller(store, poller, self.presenter, options)
        self.engine_error: str | None = None
        self._engine: Worker[None] | None = None
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
        self.run_worker(self.presenter.run(), name="presenter", group="presenter")
        self._engine = self.run_worker(
            self.poller.run(), name="engine", group="engine", exit_on_error=False
        )
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

    def _write_to_terminal(self, text: str) -> None:
        """Raw bytes to the terminal (a desktop notification), as `App.bell` writes its BEL."""
        if not self.is_headless and self._driver is not None:
            self._driver.write(text)

    async def on_unmount(self) -> None:
        await self._stop_engine()
        # Hook runs still going are given a moment, then killed (each is bounded anyway).
        await self.alert_channels.aclose(grace=1.0)
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
            if isinstance(self.poller, TeamMember) and self._engine is not None:
                # Its run() leaves the team (lease and membership given up) when cancelled.
                self._engine.cancel()
                with contextlib.suppress(WorkerCancelled):
                    await asyncio.wait_for(self._engine.wait(), ENGINE_STOP_TIMEOUT)
        except Exception:  # noqa: BLE001 - leaving anyway; say what happened in the log
            log.exception("the engine did not stop cleanly")

    async def action_copy_or_quit(self) -> None:
        """Ctrl+C: with text selected on the screen, copy it (OSC 52); without, quit."""
        selected = self.screen.get_selected_text()
        if not selected:
            await self.action_quit_viewer()
            return
        self.copy_to_clipboard(selected)
        self.screen.clear_selection()
        self.notify(f"Selection {CLIPBOARD_SENT}", title="Copy", markup=False)

    async def action_quit_viewer(self) -> None:
        """Stop the engine, then leave with the exit code."""
        await self._stop_engine()
        code = EXIT_ENGINE_FAILED if self.engine_error is not None else EXIT_OK
        self.exit(code, return_code=code)

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
        self.presenter.engine_failed(self.engine_error)

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
