"""Every cadence of the viewer, in one place: how often frames are built and parts redrawn.

The presenter builds frames on the injected clock; the widgets' short animations (a highlight
that fades, a column that settles) run on Textual's timers. Each figure is a trade between how
fresh the screen is and what a frame costs (Textual re-renders every widget a change overlaps,
~2-3 ms, and the bytes go to the terminal).
"""

from __future__ import annotations

from typing import Final

FRAME_SECONDS: Final = 2.0
"""Campaigns changed by polls are drained into a frame this often: each poll lands on screen at
most this late, every row still changes once per poll interval, and fifty campaigns polled every
5 s cost one frame every two seconds. Urgent changes (a banner, a key prompt, the selected
campaign's first data, anything the user just did) build a frame at once."""

COUNTDOWN_SECONDS: Final = 1.0
"""While something on screen counts seconds (a 429 countdown, an offline probe, a retry, a
stale age), frames come this often instead."""

STATUS_SECONDS: Final = 5.0
"""The budget figures (requests in the last minute, the server's remaining count) move with
every poll: they are redrawn this often at most; a change that matters (429s, pause, an
overrun) shows at once."""

CHART_MIN_INTERVAL: Final = 15.0
"""Seconds (on the injected clock) between two replots of the same campaign's chart (a replot
costs ~50 ms and ~13 KB of terminal output)."""

CHART_SETTLE_SECONDS: Final = 0.3
"""How long the cursor rests on another campaign before its chart is drawn (a replot on every
key press while scrolling would cost ~50-250 ms each)."""

FLASH_SECONDS: Final = 2.0
"""How long changed counter deltas stay highlighted."""

COUNTER_SETTLE_SECONDS: Final = 0.5
"""How long the cursor rests on a campaign before the counter columns shrink to fit it."""
