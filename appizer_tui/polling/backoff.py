"""Exponential backoff with full jitter, for one campaign's retries after a failed poll.

Full jitter (a uniform draw between zero and the exponential ceiling) spreads the retries of many
campaigns that failed together, so they do not come back as one burst.
"""

from __future__ import annotations

import random

DEFAULT_BASE = 1.0
DEFAULT_CAP = 60.0


class Backoff:
    """Delays for consecutive failures: uniform(0, min(cap, base * 2**(attempt - 1))).

    `attempts` counts failures since the last success; `reset()` starts over.
    """

    def __init__(
        self,
        *,
        base: float = DEFAULT_BASE,
        cap: float = DEFAULT_CAP,
        rng: random.Random | None = None,
    ) -> None:
        if base <= 0 or cap < base:
            raise ValueError("backoff needs 0 < base <= cap")
        self.base = base
        """Ceiling of the first delay, in seconds."""
        self.cap = cap
        """No delay is ever longer than this."""
        self.attempts = 0
        """Consecutive failures so far."""
        self._rng = rng if rng is not None else random.Random()

    def ceiling(self, attempt: int) -> float:
        """The upper bound of the delay after the `attempt`-th consecutive failure (1-based)."""
        # Cap the exponent too: 2**1000 is a float overflow waiting to happen.
        exponent = min(max(attempt - 1, 0), 62)
        return min(self.cap, self.base * (2.0**exponent))

    def next_delay(self) -> float:
        """Count one more failure and return how long to wait before the next try."""
        self.attempts += 1
        return self._rng.uniform(0.0, self.ceiling(self.attempts))

    def reset(self) -> None:
        """A success: the next failure starts from `base` again."""
        self.attempts = 0


def grace_delay(
    attempt: int, rng: random.Random, *, base: float = 2.0, cap: float = DEFAULT_CAP
) -> float:
    """Delay before re-asking for a campaign that 404'd in its first minute (1-based attempt).

    Equal jitter rather than full jitter: the point is to give a campaign created a moment ago
    time to become visible, so the wait must not collapse to zero. Never longer than `cap`.
    """
    ceiling = base * (2.0 ** min(max(attempt - 1, 0), 10))
    return min(rng.uniform(ceiling / 2.0, ceiling), cap)
