"""Replay: a clock over recorded time, and a source that writes a Recording into a CampaignStore
as that clock advances, so the same presenter, viewer and printers show a launch afterwards.

`ReplayClock` has the Clock protocol's shape: `wall()` is the replay position (recorded wall
time); `monotonic()` and `sleep()` follow the real clock underneath, so a front end's cadences
and timers keep their real-time meaning and monotonic time never goes back across a seek. It
plays at `speed` (0: as fast as possible), pauses, and seeks.

`ReplaySource` makes the store's writes the engine would have made: `record_success` at each
run's first and last poll (phase DONE once the status is terminal, else ACTIVE), `record_error`
for a failed poll, `set_global` for the global conditions. `seek(t)` rebuilds the store's state
at `t` without replaying what came before: each campaign's in-memory history gets its newest
`capacity` points in one `History.load`, then its last two polls go through `record_success`
(so `previous` and the metrics are the live ones) and a later error through `record_error`.
After a seek the chart's past is at full resolution where the live viewer would have thinned
its older half.
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
from collections.abc import Callable, Sequence
from typing import Any

from msgspec.structs import replace

from appizer_tui.history.codec import from_ms, to_ms
from appizer_tui.history.reader import CampaignTrack, RecordedError, Recording
from appizer_tui.history.recorder import CLEARED
from appizer_tui.polling.clock import Clock, SystemClock
from appizer_tui.state.history import COUNTERS, RATES, History
from appizer_tui.state.model import GlobalState, Phase
from appizer_tui.state.store import CampaignStore

_COUNTER_COLUMNS = range(5, 11)
"""Where COUNTERS sit in a sample row (see codec.SAMPLE_VALUE_COLUMNS)."""


class ReplayClock:
    """Replay time starting at wall time `start`. See the module docstring."""

    def __init__(
        self, start: float, *, speed: float = 1.0, paused: bool = False, base: Clock | None = None
    ) -> None:
        self._base = base if base is not None else SystemClock()
        self._anchor_position = start
        self._anchor_real = self._base.monotonic()
        self._speed = max(0.0, speed)
        self._paused = paused
        self._changed = asyncio.Event()
        self.generation = 0
        """Bumped by every seek, pause, resume and speed change."""

    def monotonic(self) -> float:
        """The real clock's monotonic time."""
        return self._base.monotonic()

    def wall(self) -> float:
        """The replay position: the recorded wall time being shown."""
        if self._paused or self._speed == 0:
            return self._anchor_position
        return self._anchor_position + (self._base.monotonic() - self._anchor_real) * self._speed

    async def sleep(self, seconds: float) -> None:
        """Sleep in real time (a front end's timers keep their meaning at any speed)."""
        await self._base.sleep(seconds)

    @property
    def speed(self) -> float:
        """Replay seconds per real second (0: as fast as possible)."""
        return self._speed

    @property
    def paused(self) -> bool:
        """True while the position stands still."""
        return self._paused

    def set_speed(self, speed: float) -> None:
        """Play at `speed` from the current position."""
        self._move(self.wall(), speed=max(0.0, speed))

    def pause(self) -> None:
        """Stop the position where it is."""
        self._move(self.wall(), paused=True)

    def resume(self) -> None:
        """Play on from the current position."""
        self._move(self.wall(), paused=False)

    def seek(self, position: float) -> None:
        """Jump to recorded wall time `position` (keeps pause and speed)."""
        self._move(position)

    def _move(
        self, position: float, *, speed: float | None = None, paused: bool | None = None
    ) -> None:
        self._anchor_position = position
        self._anchor_real = self._base.monotonic()
        if speed is not None:
            self._speed = speed
        if paused is not None:
            self._paused = paused
        self.generation += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, position: float) -> bool:
        """Wait until the replay reaches `position`: True then, False as soon as the clock is
        sought, paused, resumed or changes speed first (the caller re-plans)."""
        generation = self.generation
        while self.generation == generation:
            now = self.wall()
            if now >= position:
                return True
            if self._speed == 0 and not self._paused:
                self._anchor_position = position  # as fast as possible: jump, but let others run
                await self._base.sleep(0)
                continue
            changed = asyncio.ensure_future(self._changed.wait())
            waiters: set[asyncio.Future[Any]] = {changed}
            if not self._paused:
                waiters.add(asyncio.ensure_future(self._base.sleep((position - now) / self._speed)))
            try:
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()
        return False


class ReplaySource:
    """Plays `recording` into `store` on `clock`; adds its campaigns to the store at once."""

    def __init__(self, store: CampaignStore, clock: ReplayClock, recording: Recording) -> None:
        self._store = store
        self._clock = clock
        self._tracks = recording.tracks
        self._campaign_errors: dict[str, list[RecordedError]] = {}
        self._global_errors: list[RecordedError] = []
        for recorded in recording.errors:
            if recorded.campaign_id is None:
                self._global_errors.append(recorded)
            else:
                self._campaign_errors.setdefault(recorded.campaign_id, []).append(recorded)
        self._errors = recording.errors
        self._queue: list[tuple[float, int, int]] = []
        """Heap of (time, order, what): what >= 0 is a track's next event, -1 the next error."""
        self._next_event = [0] * len(self._tracks)
        """Per track: 2 * run + 0 for the run's first poll, + 1 for its last."""
        self._next_error = 0
        for track in self._tracks:
            store.add(track.campaign_id)
        self.seek(clock.wall())

    @property
    def finished(self) -> bool:
        """True when everything up to the end of the recording has been played."""
        return not self._queue

    async def run(self, on_end: Callable[[], None] | None = None) -> None:
        """Play from the clock's position to the end of the recording, following its seeks,
        pauses and speed; then call `on_end` and return."""
        while self._queue:
            head = self._queue[0]
            # False when sought, paused or re-sped meanwhile: then re-plan from the new head.
            if await self._clock.wait_until(head[0]) and self._queue and self._queue[0] == head:
                heapq.heappop(self._queue)
                self._play(head[2])
        if on_end is not None:
            on_end()

    def seek(self, position: float) -> None:
        """Show the state at recorded wall time `position` (fast: no replay of the past)."""
        backwards = any(
            view.last_success_at is not None and view.last_success_at > position
            for view in self._store.views()
        )
        if backwards:  # views keep counters of their past; start them afresh, in order
            for track in self._tracks:
                self._store.remove(track.campaign_id)
            for track in self._tracks:
                self._store.add(track.campaign_id)
        self._clock.seek(position)
        self._queue = []
        for index, track in enumerate(self._tracks):
            self._rebuild(track, position)
            self._next_event[index] = self._first_event_after(track, position)
            self._push(index)
        self._next_error = bisect.bisect_right([e.at for e in self._errors], position)
        self._store.set_global(self._global_at(position, self._store.global_state()))
        self._push_error()

    # -- playing -------------------------------------------------------------------------------

    def _push(self, index: int) -> None:
        track, event = self._tracks[index], self._next_event[index]
        run, last = divmod(event, 2)
        if run < len(track):
            at = track.ends[run] if last else track.starts[run]
            heapq.heappush(self._queue, (from_ms(at), index, index))

    def _push_error(self) -> None:
        if self._next_error < len(self._errors):
            heapq.heappush(self._queue, (self._errors[self._next_error].at, -1, -1))

    def _play(self, what: int) -> None:
        if what < 0:
            recorded = self._errors[self._next_error]
            self._next_error += 1
            self._apply_error(recorded)
            self._push_error()
            return
        track, event = self._tracks[what], self._next_event[what]
        run, last = divmod(event, 2)
        at = track.ends[run] if last else track.starts[run]
        self._success(track, run, from_ms(at))
        # A run polled once has no separate last poll.
        self._next_event[what] = event + 1 if not last and track.ends[run] > at else 2 * run + 2
        self._push(what)

    def _success(self, track: CampaignTrack, run: int, at: float) -> None:
        campaign = track.campaign(run)
        phase = Phase.DONE if campaign.status.is_terminal else Phase.ACTIVE
        self._store.record_success(track.campaign_id, campaign, at=at, phase=phase)

    def _apply_error(self, recorded: RecordedError) -> None:
        if recorded.campaign_id is None:
            self._store.set_global(_next_global(self._store.global_state(), recorded))
            return
        error = recorded.error
        stopped = error.kind in ("not_found", "invalid_id") and error.next_retry_at is None
        phase = Phase.NOT_FOUND if stopped else Phase.ERROR_BACKOFF
        self._store.record_error(recorded.campaign_id, error, phase=phase)

    # -- seeking -------------------------------------------------------------------------------

    @staticmethod
    def _first_event_after(track: CampaignTrack, position: float) -> int:
        position_ms = to_ms(position)
        run = bisect.bisect_right(track.starts, position_ms) - 1
        if run < 0:
            return 0
        return 2 * run + 1 if track.ends[run] > position_ms else 2 * run + 2

    def _rebuild(self, track: CampaignTrack, position: float) -> None:
        """The campaign's view and in-memory history as they were at `position`."""
        cid = track.campaign_id
        position_ms = to_ms(position)
        last_run = bisect.bisect_right(track.starts, position_ms) - 1
        if last_run < 0:
            return
        history = self._store.history(cid)
        first_run = max(0, last_run - history.capacity - 1)
        times, runs = track_points(track, first_run, last_run, position_ms)
        # Room for the last two polls, so that recording them thins nothing.
        keep = max(0, min(len(times) - 2, history.capacity - 2))
        older = slice(len(times) - 2 - keep, -2)
        load_track(history, track, times[older], runs[older])
        for at, run in zip(times[-2:], runs[-2:], strict=True):
            self._success(track, run, at)
        errors = self._campaign_errors.get(cid, [])
        after = bisect.bisect_right([e.at for e in errors], position) - 1
        if after >= 0 and errors[after].at > times[-1]:
            self._apply_error(errors[after])

    def _global_at(self, position: float, current: GlobalState) -> GlobalState:
        state = GlobalState(paused=current.paused, budget=current.budget)
        for recorded in self._global_errors:
            if recorded.at > position:
                break
            state = _next_global(state, recorded)
        if state.rate_limited_until is not None and state.rate_limited_until <= position:
            state = _with(state, rate_limited_until=None)
        return state


def track_points(
    track: CampaignTrack, first_run: int, last_run: int, position_ms: int
) -> tuple[list[float], list[int]]:
    """(wall times, runs) of the polls from `first_run` to `last_run` done by `position_ms`:
    each run's first poll, and its last one when later."""
    starts, ends = track.starts[first_run : last_run + 1], track.ends[first_run : last_run + 1]
    if starts == ends:  # the usual case while sending: every poll changed something
        return [t / 1000 for t in starts], list(range(first_run, last_run + 1))
    times: list[float] = []
    runs: list[int] = []
    for run, start, end in zip(range(first_run, last_run + 1), starts, ends, strict=True):
        times.append(from_ms(start))
        runs.append(run)
        if start < end <= position_ms:
            times.append(from_ms(end))
            runs.append(run)
    return times, runs


def load_track(history: History, track: CampaignTrack, times: list[float], runs: list[int]) -> None:
    """Fill `history` with the polls at `times` of `runs` (ascending) in one call."""
    if not runs:
        history.load(times, {name: [] for name in COUNTERS}, {name: [] for name in RATES})
        return
    span = slice(runs[0], runs[-1] + 1)
    columns: list[Sequence[Any]] = [track.columns()[c][span] for c in _COUNTER_COLUMNS]
    columns += [column[span] for column in track.api_rates()]
    if len(runs) != span.stop - span.start:  # some run gives two points: pick them
        picks = [run - span.start for run in runs]
        columns = [[column[i] for i in picks] for column in columns]
    counters = dict(zip(COUNTERS, columns[:6], strict=True))
    history.load(times, counters, dict(zip(RATES, columns[6:], strict=True)))


def _with(state: GlobalState, **changes: Any) -> GlobalState:
    return replace(state, **changes)


def _next_global(state: GlobalState, recorded: RecordedError) -> GlobalState:
    """The global state after one recorded global event."""
    error = recorded.error
    if error.kind == CLEARED:
        cleared = {
            "auth": {"auth_error": None},
            "rate_limited": {"rate_limited_until": None},
            "network": {"offline_since": None, "next_probe_at": None},
        }.get(error.code or "", {})
        return _with(state, **cleared)
    if error.kind == "auth":
        return _with(state, auth_error=error)
    if error.kind == "rate_limited":
        return _with(state, rate_limited_until=error.next_retry_at)
    if error.kind == "network":
        return _with(state, offline_since=error.since, next_probe_at=error.next_retry_at)
    return state
