"""A bounded history of one campaign's samples, in compact column arrays.

Each sample is a time, the six counters and the three rates the API reported, stored in `array`
columns (80 bytes a sample) rather than a list of dicts. When the buffer is full, every other
sample in the older half is dropped: recent samples keep full resolution, older ones thin out, and
memory never grows past the capacity however long the viewer runs. The store can lower every
history's capacity at once (`limit`) so that a thousand campaigns share a fixed sample budget.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Mapping, Sequence
from typing import overload

from appizer_tui.api.models import Campaign
from appizer_tui.state import metrics

COUNTERS = ("total_recipients", "sent", "delivered", "opened", "clicked", "failed")
"""Counter columns, in the order of `Stats`."""
RATES = ("delivery_rate_api", "open_rate_api", "click_rate_api")
"""The rates exactly as the API reported them (NaN where it did not)."""
SERIES = (
    "sent",
    "delivered",
    "opened",
    "clicked",
    "failed",
    "total_recipients",
    "delivery_rate",
    "open_rate",
    "click_rate",
    "failure_rate",
    "progress",
    "throughput",
)
"""Names `History.series` accepts."""
MIN_CAPACITY = 8
_INT64_MAX = 2**63 - 1


def _clamp64(value: int) -> int:
    """Counters beyond int64 (a broken server) are pinned rather than crashing the store."""
    if -_INT64_MAX <= value <= _INT64_MAX:
        return value
    return _INT64_MAX if value > 0 else -_INT64_MAX


def _none_to_nan(value: float | None) -> float:
    return math.nan if value is None else value


class _Processed(Sequence[int]):
    """sent + failed per sample, computed on access instead of copied."""

    def __init__(self, sent: array[int], failed: array[int]) -> None:
        self._sent = sent
        self._failed = failed

    def __len__(self) -> int:
        return len(self._sent)

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...
    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        if isinstance(index, slice):
            return [s + f for s, f in zip(self._sent[index], self._failed[index], strict=True)]
        return self._sent[index] + self._failed[index]


class History:
    """Samples of one campaign, oldest first. Bounded by `capacity`; thinned when full."""

    def __init__(self, capacity: int = 720, *, limit: Callable[[], int] | None = None) -> None:
        self._capacity = max(MIN_CAPACITY, capacity)
        self._limit = limit
        self.version = 0
        """Bumped on every append, so a consumer can tell whether anything changed."""
        self._times = array("d")
        self._counters = {name: array("q") for name in COUNTERS}
        self._rates = {name: array("d") for name in RATES}

    def __len__(self) -> int:
        return len(self._times)

    @property
    def capacity(self) -> int:
        """Most samples kept: the capacity asked for, or less while `limit()` says so."""
        if self._limit is None:
            return self._capacity
        return max(MIN_CAPACITY, min(self._capacity, self._limit()))

    def append(self, at: float, campaign: Campaign) -> None:
        """Add one sample taken at wall time `at`."""
        if self._times and at < self._times[-1]:
            # The wall clock stepped back (NTP): keep times sorted, since rates bisect them.
            at = self._times[-1]
        capacity = self.capacity
        while len(self._times) >= capacity:
            self._thin()
        self._times.append(at)
        stats, counters = campaign.stats, self._counters
        counters["total_recipients"].append(_clamp64(stats.total_recipients))
        counters["sent"].append(_clamp64(stats.sent))
        counters["delivered"].append(_clamp64(stats.delivered))
        counters["opened"].append(_clamp64(stats.opened))
        counters["clicked"].append(_clamp64(stats.clicked))
        counters["failed"].append(_clamp64(stats.failed))
        rates = campaign.rates
        self._rates["delivery_rate_api"].append(_none_to_nan(rates.delivery_rate))
        self._rates["open_rate_api"].append(_none_to_nan(rates.open_rate))
        self._rates["click_rate_api"].append(_none_to_nan(rates.click_rate))
        self.version += 1

    def load(
        self,
        times: Sequence[float],
        counters: Mapping[str, Sequence[int]],
        rates: Mapping[str, Sequence[float]],
    ) -> None:
        """Replace every sample with these, oldest first, keeping the newest `capacity`.

        `counters` has one sequence per name in COUNTERS and `rates` per name in RATES (the
        API's rates, NaN where it sent none), each as long as `times`. For a history rebuilt in
        bulk (replay seeking, a viewer starting from the history file): far cheaper than one
        append each.
        """
        keep = slice(max(0, len(times) - self.capacity), len(times))
        self._times = array("d", times[keep])
        self._counters = {name: array("q", counters[name][keep]) for name in COUNTERS}
        self._rates = {name: array("d", rates[name][keep]) for name in RATES}
        self.version += 1

    def _thin(self) -> None:
        """Drop every other sample in the older half, keeping the oldest one."""
        half = len(self._times) // 2
        columns: list[array[int] | array[float]] = [self._times]
        columns.extend(self._counters.values())
        columns.extend(self._rates.values())
        for column in columns:
            del column[1:half:2]

    def times(self) -> tuple[float, ...]:
        """Sample times (wall seconds), oldest first."""
        return tuple(self._times)

    def processed(self) -> Sequence[int]:
        """sent + failed per sample (a live view): the counter throughput is measured on."""
        return _Processed(self._counters["sent"], self._counters["failed"])

    def latest_throughput(self) -> float | None:
        """Recipients per second over the last minute of samples."""
        return metrics.throughput(self._times, self.processed())

    def series(self, name: str) -> tuple[float, ...]:
        """One value per sample for `name` (see SERIES); NaN where a value is undefined."""
        if name in self._counters:
            return tuple(float(v) for v in self._counters[name])
        compute = self._derived(name)
        return tuple(_none_to_nan(compute(i)) for i in range(len(self._times)))

    def _derived(self, name: str) -> Callable[[int], float | None]:
        """A function of the sample index computing derived series `name` via `metrics`."""
        c, r = self._counters, self._rates
        table: dict[str, Callable[[int], float | None]] = {
            "delivery_rate": lambda i: metrics.delivery_rate(
                r["delivery_rate_api"][i], c["delivered"][i], c["sent"][i]
            ),
            "open_rate": lambda i: metrics.open_rate(
                r["open_rate_api"][i], c["opened"][i], c["delivered"][i]
            ),
            "click_rate": lambda i: metrics.click_rate(
                r["click_rate_api"][i], c["clicked"][i], c["delivered"][i]
            ),
            "failure_rate": lambda i: metrics.failure_rate(c["failed"][i], c["sent"][i]),
            "progress": lambda i: metrics.progress(
                c["total_recipients"][i], c["sent"][i], c["failed"][i]
            ),
        }
        if name == "throughput":
            processed = self.processed()
            return lambda i: metrics.throughput(self._times, processed, end=i)
        if name not in table:
            raise KeyError(f"unknown series {name!r}; known: {', '.join(SERIES)}")
        return table[name]

    def memory_bytes(self) -> int:
        """Bytes held by the sample columns (for memory budgets in benchmarks)."""
        total = self._times.itemsize * len(self._times)
        for counter in self._counters.values():
            total += counter.itemsize * len(counter)
        for rate in self._rates.values():
            total += rate.itemsize * len(rate)
        return total
