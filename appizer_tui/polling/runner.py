"""One campaign's polling loop: permit, fetch, record, repeat; and what each outcome means.

`CampaignRunner` is shared by all campaign tasks of a Poller. It turns each outcome into a phase
and a next due time (via `lifecycle`), into store writes, and into global conditions (auth pause,
429 pause, outage) via `Conditions`. Nothing raised inside a campaign's loop ends it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Mapping
from typing import Protocol

from appizer_tui.api.client import InvalidCampaignIdError
from appizer_tui.api.errors import AppizerError
from appizer_tui.api.models import Campaign
from appizer_tui.api.ratelimit import RateLimitInfo
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling import lifecycle
from appizer_tui.polling.budget import RateBudget
from appizer_tui.polling.clock import Clock
from appizer_tui.polling.conditions import Conditions
from appizer_tui.polling.lifecycle import STOP, Cadence, Decision, Track
from appizer_tui.polling.outage import is_unreachable
from appizer_tui.polling.outcomes import error_info, internal_error, invalid_id_error, stamped
from appizer_tui.polling.scheduler import PermitScheduler
from appizer_tui.polling.status import expected_interval
from appizer_tui.state.model import ErrorInfo, Phase
from appizer_tui.state.store import CampaignStore

log = logging.getLogger(__name__)


class CampaignSource(Protocol):
    """What the engine needs from a client (`AppizerClient` is one)."""

    @property
    def rate_limit(self) -> RateLimitInfo | None:
        """The newest rate-limit headers seen."""
        ...

    async def get_campaign(self, campaign_id: str) -> Campaign:
        """Fetch one campaign; raise AppizerError subclasses on failure."""
        ...

    def set_api_key(self, api_key: ApiKey | None) -> None:
        """Use another key from the next request on."""
        ...


class CampaignRunner:
    """Runs campaign loops and applies their outcomes. `cadence` is kept current by the Poller."""

    def __init__(
        self,
        client: CampaignSource,
        store: CampaignStore,
        clock: Clock,
        scheduler: PermitScheduler,
        budget: RateBudget,
        conditions: Conditions,
        tracks: Mapping[str, Track],
        cadence: Cadence,
        rng: random.Random,
        on_cost_change: Callable[[], None],
    ) -> None:
        self.client = client
        self.cadence = cadence
        """The timing rules in force (replaced by `Poller.set_interval`)."""
        self._store = store
        self._clock = clock
        self._scheduler = scheduler
        self._budget = budget
        self._conditions = conditions
        self._tracks = tracks
        self._rng = rng
        self._on_cost_change = on_cost_change

    def expected(self, track: Track) -> float:
        """The interval this campaign should see now, stretched by the budget."""
        return expected_interval(track, self.cadence, self._conditions.achieved)

    async def run(self, track: Track) -> None:
        """Permit, fetch, record, until cancelled. Nothing raised inside ends the loop."""
        while True:
            try:
                probe = await self._scheduler.permit(track.campaign_id, track.due)
                await self._poll_once(track, probe)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("polling %r failed", track.campaign_id)
                with contextlib.suppress(Exception):
                    self._apply(track, lifecycle.after_failure(track), internal_error(exc))
                # Never spin: even a persistent bug waits at least a second per round.
                await self._clock.sleep(max(1.0, track.due - self._clock.monotonic()))

    async def _poll_once(self, track: Track, probe: bool) -> None:
        """One request for one campaign, its outcome recorded."""
        outcome: Campaign | Exception
        try:
            outcome = await self.client.get_campaign(track.campaign_id)
        except (AppizerError, InvalidCampaignIdError) as exc:
            outcome = exc
        except Exception as exc:  # a bug in the client: recorded on the campaign, not raised
            log.exception("unexpected error fetching %r", track.campaign_id)
            outcome = exc
        finally:
            self._budget.observe(self.client.rate_limit, self._scheduler.in_flight - 1)
            self._scheduler.release(probe=probe)
        if track.campaign_id not in self._tracks:
            return  # removed while the request was in flight
        track.last_end = self._clock.monotonic()
        if isinstance(outcome, Campaign):
            self._on_success(track, outcome)
        elif isinstance(outcome, AppizerError):
            self._on_api_error(track, outcome, probe)
        elif isinstance(outcome, InvalidCampaignIdError):  # can never be found
            self._apply(track, Decision(Phase.NOT_FOUND, None), invalid_id_error(outcome))
        else:
            self._apply(track, lifecycle.after_failure(track), internal_error(outcome))

    def _on_success(self, track: Track, campaign: Campaign) -> None:
        now, wall = self._clock.monotonic(), self._clock.wall()
        self._conditions.reachable(now)
        # A success (a manual refresh through an auth pause) proves the key works again.
        self._conditions.lift_auth_pause(now)
        decision = lifecycle.after_success(track, campaign, wall, self.cadence)
        self._apply(track, decision, campaign)

    def _on_api_error(self, track: Track, error: AppizerError, probe: bool) -> None:
        now, wall = self._clock.monotonic(), self._clock.wall()
        if is_unreachable(error):
            watched = len(self._tracks)
            self._conditions.unreachable(track.campaign_id, now, wall, watched, probe)
            self._apply(track, lifecycle.after_failure(track), error)
            return
        self._conditions.reachable(now)
        if error.kind in ("auth", "rate_limited") or error.affects_all:
            # Global: no error on the campaign; it is first in line when polling resumes.
            track.due = now
            if error.kind == "auth" or error.affects_all:
                self._conditions.auth_pause(error, wall)
            else:
                self._conditions.rate_limited(error, now, wall)
        elif error.kind == "not_found":
            decision = lifecycle.after_not_found(track, now, self.cadence, self._rng)
            self._apply(track, decision, error)
        else:
            self._apply(track, lifecycle.after_failure(track), error)

    def _apply(
        self, track: Track, decision: Decision, outcome: Campaign | AppizerError | ErrorInfo
    ) -> None:
        """Set the track's phase and due time and write the outcome to the store."""
        now, wall = self._clock.monotonic(), self._clock.wall()
        cost_before = lifecycle.cost_cadence(track, self.cadence)
        track.phase = decision.phase
        expected = self.expected(track)
        next_wall: float | None = None
        if decision.delay is None:
            track.due = STOP
        else:
            track.due = now + decision.delay
            shown = decision.delay
            if decision.phase in (Phase.ACTIVE, Phase.TAIL):
                shown = max(shown, expected)  # under a stretched budget the turn comes later
            next_wall = wall + shown
        cid = track.campaign_id
        if isinstance(outcome, Campaign):
            self._store.record_success(
                cid,
                outcome,
                at=wall,
                phase=decision.phase,
                next_poll_at=next_wall,
                expected_interval=expected,
            )
        else:
            info = outcome if isinstance(outcome, ErrorInfo) else error_info(outcome)
            info = stamped(track, info, wall, next_wall)
            self._store.record_error(cid, info, phase=decision.phase, next_poll_at=next_wall)
        if lifecycle.cost_cadence(track, self.cadence) != cost_before:
            self._on_cost_change()
