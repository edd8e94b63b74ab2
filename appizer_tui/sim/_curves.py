"""The arithmetic behind one simulated campaign: sending pace, failures and engagement.

Everything here is a pure function of numbers from a campaign spec. The counters the API reports
must never go down from one poll to the next, so they are built either from integer arithmetic on
non-decreasing inputs or from float expressions that are monotone term by term.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

PACE_SEGMENTS = 12
"""Sending is split into this many equal stretches of time, each at its own (seeded) pace."""

FAILURE_CHUNKS = 8
"""Recipients are split into this many blocks, each with its own (seeded) failure fraction."""


@dataclass(frozen=True, slots=True)
class Pace:
    """How many recipients have been attempted by each pace knot (time fractions k/PACE_SEGMENTS).

    `at_knot[0]` is 0 and `at_knot[-1]` is the campaign's total; the list never decreases.
    """

    at_knot: tuple[int, ...]

    def attempted(self, fraction: float) -> int:
        """Recipients attempted once `fraction` (0..1) of the sending time has passed."""
        if fraction <= 0.0:
            return 0
        if fraction >= 1.0:
            return self.at_knot[-1]
        scaled = fraction * PACE_SEGMENTS
        index = min(int(scaled), PACE_SEGMENTS - 1)
        low, high = self.at_knot[index], self.at_knot[index + 1]
        # Integer steps inside a stretch, never past its end: monotone across stretch borders too.
        return low + min(high - low, int((high - low) * (scaled - index)))

    def continuous(self, fraction: float) -> float:
        """The same curve without rounding, for the engagement integrals."""
        fraction = min(max(fraction, 0.0), 1.0)
        scaled = fraction * PACE_SEGMENTS
        index = min(int(scaled), PACE_SEGMENTS - 1)
        low, high = self.at_knot[index], self.at_knot[index + 1]
        return low + (high - low) * (scaled - index)


@dataclass(frozen=True, slots=True)
class Failures:
    """Which of the attempted recipients fail: block k of `sizes[k]` recipients has `failed[k]`
    failures spread evenly over it."""

    starts: tuple[int, ...]
    sizes: tuple[int, ...]
    failed: tuple[int, ...]
    failed_before: tuple[int, ...]

    def among(self, attempted: int) -> int:
        """Failures among the first `attempted` recipients (never more than `attempted`)."""
        if attempted <= 0 or not self.sizes:
            return 0
        block = bisect_right(self.starts, attempted) - 1
        block = min(block, len(self.sizes) - 1)
        size = self.sizes[block]
        into = min(attempted - self.starts[block], size)
        if size == 0:
            return self.failed_before[block]
        # Integer floor keeps `failed` and `attempted - failed` both non-decreasing.
        return self.failed_before[block] + (self.failed[block] * into) // size

    @property
    def total(self) -> int:
        """Failures once every recipient has been attempted."""
        return self.failed_before[-1] + self.failed[-1] if self.sizes else 0


def build_pace(total: int, jitter: float, rng: random.Random) -> Pace:
    """A sending curve with uneven stretches (jitter 0 = perfectly steady)."""
    weights = [max(0.05, 1.0 + jitter * rng.uniform(-1.0, 1.0)) for _ in range(PACE_SEGMENTS)]
    scale = sum(weights)
    knots = [0]
    running = 0.0
    for weight in weights:
        running += weight
        knots.append(min(total, round(total * running / scale)))
    knots[-1] = total
    for i in range(1, len(knots)):
        knots[i] = max(knots[i], knots[i - 1])
    return Pace(tuple(knots))


def build_failures(total: int, failure_rate: float, jitter: float, rng: random.Random) -> Failures:
    """Failure blocks whose fractions vary around `failure_rate` but average to it."""
    chunks = min(FAILURE_CHUNKS, max(total, 1))
    base, extra = divmod(total, chunks)
    sizes = [base + (1 if i < extra else 0) for i in range(chunks)]
    spread = [max(0.0, 1.0 + jitter * rng.uniform(-1.0, 1.0)) for _ in range(chunks)]
    mean = sum(spread) / chunks or 1.0
    failed = [
        min(size, round(failure_rate * factor / mean * size))
        for size, factor in zip(sizes, spread, strict=True)
    ]
    starts, before = [], []
    position = done = 0
    for size, fails in zip(sizes, failed, strict=True):
        starts.append(position)
        before.append(done)
        position += size
        done += fails
    return Failures(tuple(starts), tuple(sizes), tuple(failed), tuple(before))


@dataclass(frozen=True, slots=True)
class Flow:
    """A piecewise-constant arrival rate: `rate` per second between `start` and `end`."""

    start: float
    end: float
    rate: float


def exposure(flows: Sequence[Flow], now: float, tau: float) -> float:
    """How many arrivals have acted by `now` if each acts after an exponential delay (mean `tau`).

    For one flow that is rate * integral over u in [start, min(end, now)] of
    (1 - exp(-(now - u) / tau)) du. It rises quickly at first, then ever more slowly: people open
    a notification soon after it arrives or hours later.
    """
    total = 0.0
    for flow in flows:
        if now <= flow.start:
            continue
        width = flow.end - flow.start
        if now >= flow.end:
            # constant - constant * exp(-x): monotone in `now` even in floating point.
            settled = width - tau * -math.expm1(-width / tau) * math.exp(-(now - flow.end) / tau)
        else:
            running = now - flow.start
            settled = running - tau * -math.expm1(-running / tau)
        total += flow.rate * max(0.0, settled)
    return total
