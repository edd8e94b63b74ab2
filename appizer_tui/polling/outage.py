"""Noticing that the whole API is unreachable, and probing until it answers again.

When several requests in a row fail to reach the server (connection errors, timeouts, or a
gateway saying the service is down), across more than one campaign, retrying every campaign on its
own schedule only adds load and noise. Instead the engine sends one probe at a time, backing off
to one every `probe_cap` seconds, until one gets an answer; then every campaign resumes, spread
out over an interval.
"""

from __future__ import annotations

from appizer_tui.api.errors import AppizerError

DEFAULT_THRESHOLD = 5
DEFAULT_PROBE_BASE = 1.0
DEFAULT_PROBE_CAP = 30.0
_GATEWAY_DOWN = frozenset({502, 503, 504})


def is_unreachable(error: BaseException) -> bool:
    """True when the error says the API could not be reached at all, not that one campaign
    failed: network errors, and 502/503/504 from whatever sits in front of the API."""
    if not isinstance(error, AppizerError):
        return False
    if error.kind == "network":
        return True
    return error.kind == "server" and error.http_status in _GATEWAY_DOWN


class OutageTracker:
    """Counts consecutive unreachable answers and decides when the next probe may go."""

    def __init__(
        self,
        *,
        threshold: int = DEFAULT_THRESHOLD,
        probe_base: float = DEFAULT_PROBE_BASE,
        probe_cap: float = DEFAULT_PROBE_CAP,
    ) -> None:
        self.threshold = threshold
        """Consecutive unreachable answers that mean an outage."""
        self.probe_base = probe_base
        self.probe_cap = probe_cap
        """Probes back off up to one every this many seconds."""
        self.offline_since: float | None = None
        """Wall time of the first failure of the streak that became an outage."""
        self.next_probe_at: float | None = None
        """Monotonic time the next probe may go, while offline."""
        self.probe_in_flight = False
        self._streak = 0
        self._streak_started: float | None = None
        self._streak_campaigns: set[str] = set()
        self._probes_failed = 0

    @property
    def offline(self) -> bool:
        """True during an outage."""
        return self.offline_since is not None

    def record_unreachable(
        self, campaign_id: str, now_mono: float, now_wall: float, watched: int
    ) -> bool:
        """Count a failure to reach the API; True when this one starts an outage."""
        if self._streak == 0:
            self._streak_started = now_wall
        self._streak += 1
        self._streak_campaigns.add(campaign_id)
        if self.offline:
            return False
        # With one campaign watched its own failures are all the evidence there is.
        distinct_needed = min(2, max(1, watched))
        if self._streak >= self.threshold and len(self._streak_campaigns) >= distinct_needed:
            self.offline_since = self._streak_started
            self._probes_failed = 0
            self.next_probe_at = now_mono + self.probe_base
            return True
        return False

    def record_reachable(self) -> bool:
        """The API answered (with anything); True when this ends an outage."""
        self._streak = 0
        self._streak_started = None
        self._streak_campaigns.clear()
        if not self.offline:
            return False
        self.offline_since = None
        self.next_probe_at = None
        self.probe_in_flight = False
        return True

    def probe_failed(self, now_mono: float) -> None:
        """The probe did not get through: the next one waits longer, up to `probe_cap`."""
        self.probe_in_flight = False
        self._probes_failed += 1
        delay = min(self.probe_cap, self.probe_base * 2.0 ** min(self._probes_failed, 30))
        self.next_probe_at = now_mono + delay

    def probe_now(self, now_mono: float) -> None:
        """A user asked to retry: let the next probe go at once."""
        if self.offline:
            self.next_probe_at = now_mono
