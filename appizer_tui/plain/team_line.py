"""`watch`'s one line on stderr when its place in a team changes (`--redis`).

The line is the status line's own text (`TeamStatus.text`): `team: 3 members, leader: host:pid`,
`solo`, or `solo: Redis unreachable (redis://host:6379/0: ConnectionError)` with any password
masked. It is printed when this process joins or leaves a team and when the leader changes; not
when members come and go (a line per viewer opened) nor when the error behind polling alone
changes its kind (a refused connection, then a timeout, while Redis stays away). Both formats
print it on stderr: stdout stays campaign lines or JSON events.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TextIO

from appizer_tui.safe_text import safe_text
from appizer_tui.state.format import format_clock_time
from appizer_tui.team.status import TeamStatus


class TeamLine:
    """A `TeamMember` status listener that writes the changes worth a line to `err`."""

    def __init__(self, err: TextIO, wall: Callable[[], float]) -> None:
        self._err = err
        self._wall = wall
        self._shown: tuple[bool, bool, str | None] | None = None

    def __call__(self, status: TeamStatus) -> None:
        key = (status.mode == "solo", status.problem is not None, status.leader)
        if key == self._shown:
            return
        self._shown = key
        # The leader's host name comes from Redis: untrusted, made inert like any server text.
        line = f"{format_clock_time(self._wall())}  {safe_text(status.text, max_length=300)}\n"
        with contextlib.suppress(OSError):  # a closed stderr must not stop the engine
            self._err.write(line)
            self._err.flush()
