"""Keys as a terminal delivers them over SSH: several in one read, all queued before the viewer
handles the first (Pilot's `press` waits for the app to go idle after each key, which hides
every race between a key that opens a field and the keys typed into it)."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot

_CHARACTERS = {"enter": "\r", "backspace": "\x7f", "escape": "\x1b", "tab": "\t"}


def key_event(key: str) -> events.Key:
    """The Key event the terminal driver makes for `key` ("a", "/", "enter", "ctrl+c")."""
    if len(key) == 1:
        return events.Key(_character_to_key(key), key)
    if key.startswith("ctrl+") and len(key) == 6:
        return events.Key(key, chr(ord(key[-1]) & 0x1F))
    return events.Key(key, _CHARACTERS.get(key))


async def burst(pilot: Pilot[Any], *keys: str) -> None:
    """Queue every key at once, as one read from the terminal does, then let the app work.
    A single-character string stands for its key; longer strings name a key ("enter")."""
    app: App[Any] = pilot.app
    for key in keys:
        # As the terminal driver sends each key it parsed: no turn of the loop in between.
        app.post_message(key_event(key))
    # Each pause lets every queue handle what it held when the pause began; a key may pass
    # through a few (the app, the focused widget, its parents), so allow some per key.
    for _ in range(len(keys) + 3):
        await pilot.pause()


def typed(text: str) -> tuple[str, ...]:
    """`text` as keys, one per character."""
    return tuple(text)
