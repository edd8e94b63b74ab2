"""`appizer-tui replay` without --format: the viewer over a recording.

The same store -> presenter -> frames path as the live viewer, fed by a ReplaySource on a
ReplayClock instead of the polling engine. `ReplayEngine` stands in for the Poller (the
Controller's calls) and implements the replay keys (`appizer_tui.ui.replay_app.ReplayControls`).
No key, no network.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from msgspec.structs import replace

from appizer_tui.api.secret import ApiKey
from appizer_tui.history.reader import Recording
from appizer_tui.polling.replay import ReplayClock, ReplaySource
from appizer_tui.settings_table import Settings
from appizer_tui.state.format import format_clock_time
from appizer_tui.state.model import GlobalState
from appizer_tui.state.store import CampaignStore

SPEEDS = (0.25, 4096.0)
"""Slowest and fastest speed `<` and `>` reach."""
NO_ENGINE = "a replay only plays what was recorded: no polling"


class ReplayEngine:
    """Plays `recording` into `store` on `clock`; the Poller's methods for the Controller, and
    the replay keys. `say` shows a line to the user (actions that need the live engine)."""

    def __init__(
        self,
        store: CampaignStore,
        clock: ReplayClock,
        recording: Recording,
        *,
        say: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.start = recording.start or clock.wall()
        self.end = recording.end or self.start
        self.say = say
        self.recording = recording
        self.source = ReplaySource(store, clock, recording)
        self._moved = asyncio.Event()
        self._stopped = False

    # -- the engine's life, as the App runs it ---------------------------------------------------

    async def run(self) -> None:
        """Play to the end; wait there for a seek back (or the end of the viewer)."""
        while not self._stopped:
            await self.source.run()
            self._moved.clear()
            await self._moved.wait()

    async def stop(self) -> None:
        """End `run`."""
        self._stopped = True
        self._moved.set()

    # -- the replay keys -----------------------------------------------------------------------

    def toggle_pause(self) -> None:
        """Pause, or play on."""
        if self.clock.paused:
            self.resume()
        else:
            self.pause()

    def seek_by(self, seconds: float) -> None:
        """Jump `seconds` from the current position, within the recording."""
        self._seek(self.clock.wall() + seconds)

    def seek_to_start(self) -> None:
        """Jump to the recording's start."""
        self._seek(self.start)

    def seek_to_end(self) -> None:
        """Jump to the recording's end."""
        self._seek(self.end)

    def change_speed(self, factor: float) -> None:
        """Multiply the speed by `factor`, between SPEEDS (0, as fast as possible, stays 0)."""
        low, high = SPEEDS
        self.clock.set_speed(
            min(high, max(low, self.clock.speed * factor)) if self.clock.speed else 0
        )

    def label(self, now: float) -> str:
        """The header's text: the replay clock and the speed."""
        speed = "max" if self.clock.speed == 0 else f"{self.clock.speed:g}x"
        return f"{format_clock_time(now)} \u00b7 {speed}"

    def prepare(self) -> None:
        """Decode every sample now (`Recording.prepare`; the viewer runs it in a thread)."""
        self.recording.prepare()

    def _seek(self, position: float) -> None:
        self.source.seek(min(self.end, max(self.start, position)))
        self._moved.set()

    # -- the Poller's methods, as the Controller calls them --------------------------------------

    def pause(self) -> None:
        """Stop the replay clock (PAUSED in the header, as in the live viewer)."""
        self.clock.pause()
        self.store.set_global(_with_paused(self.store, paused=True))

    def resume(self) -> None:
        """Play on."""
        self.clock.resume()
        self.store.set_global(_with_paused(self.store, paused=False))

    def set_focus(self, campaign_id: str | None) -> None:
        """Nothing to poll sooner."""

    def add(self, *campaign_ids: str) -> None:
        """Not in a replay."""
        self.say(f"{NO_ENGINE}; watch new campaigns in the live viewer")

    def remove(self, campaign_id: str) -> None:
        """Not in a replay."""
        self.say(f"{NO_ENGINE}; the recording's campaigns stay listed")

    def refresh(self, campaign_id: str | None = None) -> None:
        """Not in a replay."""
        self.say(NO_ENGINE)

    def retry(self, campaign_id: str | None = None) -> None:
        """Not in a replay."""
        self.say(NO_ENGINE)

    def set_api_key(self, api_key: ApiKey) -> None:
        """Not in a replay."""
        self.say(f"{NO_ENGINE}; no key is used")


def _with_paused(store: CampaignStore, *, paused: bool) -> GlobalState:
    return replace(store.global_state(), paused=paused)


def run_replay_viewer(
    settings: Settings, recording: Recording, *, start: float, speed: float
) -> int:
    """The viewer over `recording` from `start` at `speed`; its exit code."""
    from appizer_tui._startup import gc_paused

    with gc_paused():
        from appizer_tui.cli_common import alert_config
        from appizer_tui.ui.options import ViewerOptions
        from appizer_tui.ui.replay_app import ReplayApp

    options = ViewerOptions(
        base_url=settings.base_url,
        demo=False,
        key_masked=None,
        # The rules show on the rows as live; a replay sends no notification and runs no hook.
        alert_config=alert_config(settings),
        export_dir=settings.export_dir,
        watchlist_path=None,
    )

    async def run() -> int:
        clock = ReplayClock(start, speed=speed)
        store = CampaignStore(interval=settings.interval, wall=clock.wall)
        app: ReplayApp | None = None

        def say(text: str) -> None:
            if app is not None:
                app.notify(text, title="Replay", severity="warning", markup=False)

        engine = ReplayEngine(store, clock, recording, say=say)
        app = ReplayApp(store=store, engine=engine, clock=clock, options=options)
        code = await app.run_async()
        return code if isinstance(code, int) else 0

    try:
        return asyncio.run(run())
    except KeyboardInterrupt:
        return 130
