"""An Input that applies every key in the order it was typed, however fast keys arrive.

Textual's Input inserts a character as soon as it reads the key, but runs its own bindings
(Backspace, the arrows, Enter...) only once the key has bubbled up to the app; when several
keys come in one read (over SSH, a paste-like burst), the characters behind an editing key
overtake it: "prom<Backspace>o" became "pro" instead of "pro" + "o". Here the field's own
bindings run when the field reads the key, like the characters around them. A dialog's field
takes `on_submit`, run as Enter is read (not later, as a message), so the dialog closes in
order too, and the keys that follow ("acamp_x<Enter>/promo") go back to the app for the screen
below instead of into the closed field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.widgets import Input


class InOrderInput(Input):
    """An `Input` whose editing keys keep their place among the characters typed; `on_submit`
    (value) replaces the `Submitted` message."""

    def __init__(
        self, *args: Any, on_submit: Callable[[str], None] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._on_submit = on_submit

    async def action_submit(self) -> None:
        if self._on_submit is None:
            await super().action_submit()
        else:
            self._on_submit(self.value)

    async def _on_key(self, event: events.Key) -> None:
        if self.screen is not self.app.screen:
            # Typed after the Enter that closed this field's dialog, in the same read: the key
            # belongs to the screen now on top (its bindings, its focus), in the order typed.
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
            return
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                # Handled: neither Input's own key handler nor the app's bindings see it again.
                event.stop()
                event.prevent_default()
                return
