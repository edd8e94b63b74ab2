"""Wiring the history (`appizer_tui.history`) to the front ends that poll: the viewer and `watch`.

`start_recording` starts a HistoryWriter and a Recorder on a store when the settings allow it
(not `--no-history`, `--no-persist` nor `--demo`) and returns a `Recording` handle whose `close()`
detaches and flushes. The writer's one warning (the file is read-only, corrupt, locked...) goes
to `on_warning`, called from the writer's thread: front ends hand it on thread-safely.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from appizer_tui.history.recorder import Recorder, key_redactor
from appizer_tui.history.writer import HistoryWriter
from appizer_tui.settings_table import Settings
from appizer_tui.state.store import CampaignStore


def history_enabled(settings: Settings) -> bool:
    """True when polls should be recorded (and the viewer may start from the file). The demo
    never writes the user's files."""
    return not (settings.no_history or settings.no_persist or settings.demo)


@dataclass
class RecordingHandle:
    """A running recording: its writer (for `warning`) and the way to stop it."""

    writer: HistoryWriter
    recorder: Recorder

    def close(self) -> None:
        """Stop listening, write what is queued, close the file."""
        self.recorder.detach()
        self.writer.close()


def start_recording(
    store: CampaignStore,
    settings: Settings,
    *,
    on_warning: Callable[[str], None] | None = None,
    wall: Callable[[], float] = time.time,
) -> RecordingHandle | None:
    """Record `store`'s polls of `settings.base_url` into `settings.history_file` (pruned to
    `history_days` in the writer's thread); None when history is off."""
    if not history_enabled(settings):
        return None
    # The user state folder may not exist yet (a first run); if it cannot be made, the writer
    # says why once.
    with contextlib.suppress(OSError):
        settings.history_file.parent.mkdir(parents=True, exist_ok=True)
    writer = HistoryWriter(
        settings.history_file,
        on_warning=on_warning,
        retention_days=settings.history_days,
        wall=wall,
    ).start()
    key = settings.api_key
    recorder = Recorder(
        store, writer, settings.base_url, wall=wall, redact=key_redactor(lambda: key)
    )
    recorder.attach()
    return RecordingHandle(writer, recorder)
