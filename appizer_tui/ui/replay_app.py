"""The viewer over a recording (`appizer-tui replay`): the live viewer's App, screens and keys,
with a REPLAY badge and the replay clock in the header, and keys that move the replay.

The App knows nothing of the history file: `appizer_tui.replay_viewer` passes a
`ReplayControls` that stands in for the polling engine (the Controller's actions that need a
real engine say so) and moves the replay clock and source.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar, Protocol

from textual.binding import Binding, BindingType

from appizer_tui.polling.clock import Clock
from appizer_tui.state.store import CampaignStore
from appizer_tui.ui.app import AppizerApp
from appizer_tui.ui.options import ViewerOptions

MINUTE = 60.0


class ReplayControls(Protocol):
    """What the replay keys do (implemented over ReplaySource and ReplayClock)."""

    def toggle_pause(self) -> None:
        """Pause, or play on."""

    def seek_by(self, seconds: float) -> None:
        """Jump `seconds` forward (negative: back), within the recording."""

    def seek_to_start(self) -> None:
        """Jump to the recording's start."""

    def seek_to_end(self) -> None:
        """Jump to the recording's end."""

    def change_speed(self, factor: float) -> None:
        """Multiply the speed by `factor` (within the allowed speeds)."""

    def label(self, now: float) -> str:
        """The header's replay text at replay time `now`."""

    def prepare(self) -> None:
        """Decode the whole recording, so that seeks are fast (blocking: run in a thread)."""


class ReplayApp(AppizerApp):
    """AppizerApp over a recording; `engine` is the stand-in the Controller drives."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *AppizerApp.BINDINGS,
        Binding("space", "replay_pause", "Pause", priority=True, id="replay.pause"),
        Binding("left", "replay_seek(-1)", "-1 min", priority=True, id="replay.back"),
        Binding("right", "replay_seek(1)", "+1 min", priority=True, id="replay.forward"),
        Binding("shift+left", "replay_seek(-10)", "-10 min", show=False, priority=True),
        Binding("shift+right", "replay_seek(10)", "+10 min", show=False, priority=True),
        Binding("home", "replay_start", "Start", show=False, priority=True, id="replay.start"),
        Binding("end", "replay_end", "End", show=False, priority=True, id="replay.end"),
        Binding("less_than_sign", "replay_speed(0.5)", "Slower", priority=True, id="replay.slower"),
        Binding(
            "greater_than_sign", "replay_speed(2)", "Faster", priority=True, id="replay.faster"
        ),
    ]

    def __init__(
        self,
        *,
        store: CampaignStore,
        engine: ReplayControls,
        clock: Clock,
        options: ViewerOptions,
    ) -> None:
        super().__init__(
            store=store,
            poller=engine,  # type: ignore[arg-type]  # the Poller's methods, see replay_viewer
            clock=clock,
            options=dataclasses.replace(options, polls=False),
            replay_label=engine.label,
        )
        self.replay = engine
        self.title = "appizer-tui replay"

    def on_mount(self) -> None:
        # (Textual calls AppizerApp.on_mount too: each class's handler in the MRO runs.)
        # Decoding every sample waits for the first frame, then runs in a thread.
        self.call_after_refresh(
            self.run_worker,
            self.replay.prepare,
            thread=True,
            name="replay-prepare",
            group="replay",
            exit_on_error=False,
        )

    def _moved(self) -> None:
        self.presenter.wake()

    def action_replay_pause(self) -> None:
        """Space: pause or play on."""
        self.replay.toggle_pause()
        self._moved()

    def action_replay_seek(self, minutes: float) -> None:
        """Left/right: a minute back or forward (shift: ten)."""
        self.replay.seek_by(minutes * MINUTE)
        self._moved()

    def action_replay_start(self) -> None:
        """Home: the start of the recording."""
        self.replay.seek_to_start()
        self._moved()

    def action_replay_end(self) -> None:
        """End: the end of the recording."""
        self.replay.seek_to_end()
        self._moved()

    def action_replay_speed(self, factor: float) -> None:
        """< and >: half or double the speed."""
        self.replay.change_speed(factor)
        self._moved()
