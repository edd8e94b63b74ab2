"""Time, injected: the engine and the store never read the system clock or sleep on their own.

`SystemClock` is the real thing. `FakeClock` keeps virtual time for tests: `sleep` parks the caller
until `advance` (or `run_until`) moves virtual time past its deadline, so a test runs simulated
hours in milliseconds and never waits in real time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """What the engine, the store and the simulator need to know about time."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (for scheduling)."""
        ...

    def wall(self) -> float:
        """Unix time in seconds (for timestamps shown to people and sent by servers)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return after `seconds` on this clock (at once for zero or less)."""
        ...


class SystemClock:
    """The real clocks: `time.monotonic`, `time.time` and `asyncio.sleep`."""

    def monotonic(self) -> float:
        """`time.monotonic()`."""
        return time.monotonic()

    def wall(self) -> float:
        """`time.time()`."""
        return time.time()

    async def sleep(self, seconds: float) -> None:
        """`asyncio.sleep(max(0, seconds))`."""
        await asyncio.sleep(max(0.0, seconds))


def _loop_has_ready_work(loop: asyncio.AbstractEventLoop) -> bool | None:
    """True when callbacks are queued to run on this loop iteration; None when unknowable.

    CPython's loops keep runnable callbacks in `_ready`; other loops (uvloop) hide it, and then
    `FakeClock` falls back to counting quiet yields.
    """
    ready = getattr(loop, "_ready", None)
    if ready is None:
        return None
    return len(ready) > 0


class FakeClock:
    """Virtual time for tests. Nothing moves until `advance` or `run_until` is awaited.

    Sleepers wake strictly in deadline order (ties in the order they went to sleep), and after
    each wake the event loop is allowed to settle, so a chain of work that a wake sets off (an
    in-process HTTP request, a store update, the next `sleep`) completes at that virtual instant.
    """

    def __init__(
        self,
        start_wall: float = 1_700_000_000.0,
        *,
        start_monotonic: float = 1_000.0,
        settle_rounds: int = 3,
        max_settle_yields: int = 10_000,
    ) -> None:
        self._now = start_monotonic
        """Current virtual monotonic time."""
        self._wall_offset = start_wall - start_monotonic
        """wall() - monotonic(): virtual wall time moves in step with monotonic time."""
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        """Heap of (deadline, sequence, future); cancelled futures are skipped lazily."""
        self._sequence = itertools.count()
        self._activity = 0
        """Bumped by every sleep and every wake, to tell when the loop has gone quiet."""
        self.settle_rounds = settle_rounds
        """Consecutive quiet yields after which the loop counts as settled."""
        self.max_settle_yields = max_settle_yields
        """Upper bound on yields per settle, so a busy loop cannot hang a test."""

    def monotonic(self) -> float:
        """Virtual monotonic seconds."""
        return self._now

    def wall(self) -> float:
        """Virtual Unix seconds."""
        return self._now + self._wall_offset

    async def sleep(self, seconds: float) -> None:
        """Park until virtual time reaches now + seconds (yield once for zero or less)."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._sequence), future))
        self._activity += 1
        await future

    @property
    def pending_sleepers(self) -> int:
        """How many sleepers are parked (cancelled ones excluded)."""
        return sum(1 for _, _, future in self._sleepers if not future.done())

    def next_deadline(self) -> float | None:
        """The earliest deadline of a parked sleeper, or None when nobody sleeps."""
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)
        return self._sleepers[0][0] if self._sleepers else None

    async def settle(self) -> None:
        """Yield to the loop until no task is runnable and no sleeper came or went for a while."""
        loop = asyncio.get_running_loop()
        quiet = 0
        last = -1
        for _ in range(self.max_settle_yields):
            await asyncio.sleep(0)
            busy = _loop_has_ready_work(loop)
            if self._activity == last and not busy:
                quiet += 1
                # A readable ready queue that is empty is proof enough; without it, insist on
                # a run of quiet yields, since one request takes several loop iterations.
                if quiet >= (1 if busy is False else self.settle_rounds):
                    return
            else:
                quiet = 0
                last = self._activity

    def _wake_due(self) -> None:
        """Resolve every sleeper whose deadline has been reached, earliest first."""
        while self._sleepers and self._sleepers[0][0] <= self._now:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)
                self._activity += 1

    async def advance(self, seconds: float) -> None:
        """Move virtual time forward by `seconds`, waking sleepers one deadline at a time."""
        if seconds < 0:
            raise ValueError("time cannot go backwards")
        target = self._now + seconds
        await self.settle()
        while (deadline := self.next_deadline()) is not None and deadline <= target:
            self._now = max(self._now, deadline)
            self._wake_due()
            await self.settle()
        self._now = target
        await self.settle()

    async def run_until(self, predicate: Callable[[], bool], timeout_virtual: float) -> bool:
        """Advance until `predicate()` holds; True, or TimeoutError after `timeout_virtual` s."""
        end = self._now + timeout_virtual
        await self.settle()
        while not predicate():
            deadline = self.next_deadline()
            if deadline is None or deadline > end:
                await self.advance(max(0.0, end - self._now))
                if predicate():
                    return True
                raise TimeoutError(f"condition not met within {timeout_virtual} virtual seconds")
            self._now = max(self._now, deadline)
            self._wake_due()
            await self.settle()
        return True
