"""The team's state as one value for the status line and stderr."""

from __future__ import annotations

import msgspec


class TeamStatus(msgspec.Struct, frozen=True, kw_only=True):
    """Solo or team: `text` is what the status line shows."""

    mode: str
    """"solo", "leader" (this process polls for the team) or "follower"."""
    members: int = 1
    leader: str | None = None
    """The leader's `host:pid`."""
    campaigns: int = 0
    """Campaigns the poller serves: the team's union, or this process's own when solo (for
    the budget sentence)."""
    problem: str | None = None
    """Why this process polls alone although a Redis URL was given (password masked)."""

    @property
    def text(self) -> str:
        """`team: 4 members, leader: host:1234`, `solo`, or `solo: Redis unreachable (...)`."""
        if self.mode == "solo":
            return "solo" if self.problem is None else f"solo: {self.problem}"
        noun = "member" if self.members == 1 else "members"
        return f"team: {self.members} {noun}, leader: {self.leader or '?'}"
