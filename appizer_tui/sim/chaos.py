"""Misbehaviour on demand: the ways a real server or the network in front of it lets a client down.

Each kind is a fraction of requests (0..1); one seeded draw per request picks at most one kind,
so the same seed and the same request order give the same failures.

    server_error   500 or 503 with the documented JSON error body (rate-limit headers included)
    slow           the normal answer, but only after `slow_delay` seconds (past a client's timeout)
    malformed      200 whose body is not JSON (a Python dict repr)
    truncated      200 whose JSON body is cut in half (Content-Length matches the cut body)
    html           a proxy's 502 page in text/html, without rate-limit headers
    reset          the connection dies after the headers and half the body
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields

CHAOS_KINDS = ("server_error", "slow", "malformed", "truncated", "html", "reset")
DEFAULT_SLOW_DELAY = 12.0
"""Past the client's 10 s read timeout."""


@dataclass
class Chaos:
    """Fractions of requests that misbehave, per kind. Mutable, so a test can change it mid-run."""

    server_error: float = 0.0
    slow: float = 0.0
    malformed: float = 0.0
    truncated: float = 0.0
    html: float = 0.0
    reset: float = 0.0
    slow_delay: float = DEFAULT_SLOW_DELAY

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name != "slow_delay" and not 0.0 <= value <= 1.0:
                raise ValueError(f"chaos {item.name} must be between 0 and 1, not {value!r}")
        if self.total > 1.0 + 1e-9:
            raise ValueError("the chaos fractions add up to more than 1")
        if self.slow_delay < 0:
            raise ValueError("the slow delay cannot be negative")

    @classmethod
    def uniform(cls, fraction: float, *, slow_delay: float = DEFAULT_SLOW_DELAY) -> Chaos:
        """`fraction` of all requests misbehave, shared equally between the kinds."""
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"the chaos fraction must be between 0 and 1, not {fraction!r}")
        share = fraction / len(CHAOS_KINDS)
        return cls(**{kind: share for kind in CHAOS_KINDS}, slow_delay=slow_delay)

    @property
    def total(self) -> float:
        """The fraction of requests that misbehave in some way."""
        return float(sum(getattr(self, kind) for kind in CHAOS_KINDS))

    def pick(self, rng: random.Random) -> str | None:
        """One kind for the next request, or None for a normal answer. Always one draw."""
        draw = rng.random()
        edge = 0.0
        for kind in CHAOS_KINDS:
            edge += float(getattr(self, kind))
            if draw < edge:
                return kind
        return None
