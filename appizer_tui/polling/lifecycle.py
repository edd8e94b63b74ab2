"""The cadence rules: after each poll of a campaign, which phase it is in and when to poll next.

Pure decisions on a campaign's `Track`; the engine does the I/O and the store writes.

- pending, sending and unknown statuses: every `interval`;
- completed: an engagement tail, every `tail_interval` until `tail_duration` after completion,
  ending early once opened and clicked have not moved for `tail_quiet_polls` polls;
- failed and cancelled: one confirming fetch, then stop;
- 404 in the first `not_found_grace` seconds of watching (the documented first minute): retried
  with growing delays, at most `interval` apart, until the minute is over (a campaign created a
  moment ago may not be visible yet); only a 404 at or after the end of the minute is final;
- 5xx, network, invalid responses: exponential backoff with full jitter, reset on success.
"""

from __future__ import annotations

import math
import random

import msgspec

from appizer_tui.api.models import Campaign, CampaignStatus
from appizer_tui.polling.backoff import Backoff, grace_delay
from appizer_tui.polling.interval import DEFAULT_INTERVAL
from appizer_tui.state.model import Phase

STOP = math.inf
"""A due time that never comes: the campaign waits for a manual refresh."""


class Cadence(msgspec.Struct, frozen=True):
    """The timing settings the rules need."""

    interval: float = DEFAULT_INTERVAL
    tail_interval: float = 60.0
    tail_duration: float = 1800.0
    tail_quiet_polls: int = 5
    not_found_grace: float = 60.0


class Decision(msgspec.Struct, frozen=True):
    """What follows one poll: the new phase and the delay before the next (None: stop)."""

    phase: Phase
    delay: float | None


class Track(msgspec.Struct, eq=False):
    """The engine's private bookkeeping for one watched campaign."""

    campaign_id: str
    watched_since: float
    """Monotonic time watching started (or the last manual retry): the 404 grace runs from it."""
    backoff: Backoff
    phase: Phase = Phase.WAITING
    due: float = 0.0
    """Monotonic time the next poll is due; STOP when stopped."""
    last_end: float | None = None
    """Monotonic time the last request ended."""
    tail_until: float | None = None
    """Wall time the engagement tail ends; None while not completed."""
    engagement: tuple[int, int] = (-1, -1)
    """(opened, clicked) at the last tail poll."""
    quiet_polls: int = 0
    confirming: bool = False
    """A failed/cancelled status was seen once; the next such fetch stops polling."""
    finished: bool = False
    """Polling stopped because the campaign is over (a manual refresh does not restart it)."""
    grace_attempts: int = 0
    failures_in_row: int = 0
    error_kind: str | None = None
    error_since: float | None = None


def after_success(track: Track, campaign: Campaign, now_wall: float, cadence: Cadence) -> Decision:
    """Phase and delay after a successful fetch; resets the failure bookkeeping."""
    track.backoff.reset()
    track.grace_attempts = 0
    track.failures_in_row = 0
    track.error_kind = None
    track.error_since = None
    status = campaign.status
    if status is CampaignStatus.COMPLETED:
        return _engagement_tail(track, campaign, now_wall, cadence)
    if status in (CampaignStatus.FAILED, CampaignStatus.CANCELLED):
        if track.finished or track.confirming:
            return _finish(track)
        track.confirming = True
        return Decision(Phase.ACTIVE, cadence.interval)
    # pending, sending or a status this version does not know: keep watching closely.
    track.confirming = False
    track.finished = False
    track.tail_until = None
    return Decision(Phase.ACTIVE, cadence.interval)


def _finish(track: Track) -> Decision:
    track.finished = True
    track.confirming = False
    return Decision(Phase.DONE, None)


def _completed_wall(campaign: Campaign, now_wall: float) -> float:
    """When sending ended, by the server's word if it gave one (never later than now)."""
    if campaign.completed_at is None:
        return now_wall
    try:
        return min(campaign.completed_at.timestamp(), now_wall)
    except (OverflowError, OSError, ValueError):
        return now_wall


def _engagement_tail(
    track: Track, campaign: Campaign, now_wall: float, cadence: Cadence
) -> Decision:
    """Completed: slow polls while opens and clicks still rise, then stop."""
    engagement = (campaign.stats.opened, campaign.stats.clicked)
    if track.finished:
        return _finish(track)
    if track.tail_until is None:
        track.tail_until = _completed_wall(campaign, now_wall) + cadence.tail_duration
        track.quiet_polls = 0
    elif engagement == track.engagement:
        track.quiet_polls += 1
    else:
        track.quiet_polls = 0
    track.engagement = engagement
    track.confirming = False
    if now_wall >= track.tail_until or track.quiet_polls >= cadence.tail_quiet_polls:
        return _finish(track)
    return Decision(Phase.TAIL, cadence.tail_interval)


def after_not_found(
    track: Track, now_mono: float, cadence: Cadence, rng: random.Random
) -> Decision:
    """A 404: retried through the whole first-minute grace, else not found (stopped).

    The retries come at growing delays, never more than `interval` apart (a grace retry costs
    what a normal poll does), and the last one lands at the end of the grace, so a 404 is final
    only once the campaign has had its whole minute to appear.
    """
    track.failures_in_row += 1
    grace_left = cadence.not_found_grace - (now_mono - track.watched_since)
    if grace_left <= 0:
        return Decision(Phase.NOT_FOUND, None)
    track.grace_attempts += 1
    delay = grace_delay(track.grace_attempts, rng, cap=cadence.interval)
    return Decision(Phase.ERROR_BACKOFF, min(delay, grace_left))


def after_failure(track: Track) -> Decision:
    """A 5xx, network, invalid or internal failure: back off with full jitter."""
    track.failures_in_row += 1
    return Decision(Phase.ERROR_BACKOFF, track.backoff.next_delay())


def cost_cadence(track: Track, cadence: Cadence) -> float | None:
    """Seconds between the requests this campaign costs at its configured cadence; None when it
    costs nothing (stopped)."""
    if track.phase.is_stopped:
        return None
    if track.phase is Phase.TAIL:
        return cadence.tail_interval
    return cadence.interval
