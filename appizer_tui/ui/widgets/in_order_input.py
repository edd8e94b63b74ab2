"""An Input that applies every key in the order it was typed, however fast keys arrive.

Textual's Input inserts a character as soon as it reads the key, but runs its own bindings
(Backspace, the arrows, Enter...) only once the key has bubbled up to the app; when several
keys come in one read (over SSH, a paste-like burst), the characters behind an editing key
overtake it: "prom<Backspace>o" became "pro" instead of "pro" + "o". Here the field's own
bindings run when the field reads the key, like the characters around them.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class InOrderInput(Input):
    """An `Input` whose editing keys keep their place among the characters typed."""

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                # Handled: neither Input's own key handler nor the app's bindings see it again.
                event.stop()
                event.prevent_default()
                return
