"""Recorder: a CampaignStore listener that hands every poll's outcome to a HistoryWriter.

A successful poll is recognised by the view's `polls` count going up (a schedule-only change
also sends `CampaignUpdated`); its sample is the view's Campaign at `last_success_at`, the time
it was fetched. A failed poll (`CampaignErrored`) is recorded with its ErrorInfo. Global
conditions are recorded on their transitions, with no campaign: an auth error (401/403), a 429
pause (its end in `next_retry_at`), an outage (kind "network"), and a "cleared" event (code: the
condition's kind) when one ends, so a replay can rebuild the global state at any time.

Nothing recorded is derived from the API key: samples are keyed by base URL and campaign id,
and the fields recorded are the API's answer and the error's. As a second line of defence,
`redact` (see `key_redactor`, given a way to read the key in use) blanks a key a server might
echo in an error's text before it is queued.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from appizer_tui.api.secret import ApiKey, mask_key
from appizer_tui.history.writer import HistoryWriter
from appizer_tui.state.events import (
    CampaignErrored,
    CampaignRemoved,
    CampaignUpdated,
    GlobalChanged,
    StoreEvent,
)
from appizer_tui.state.model import ErrorInfo, GlobalState, rate_limited_error
from appizer_tui.state.store import CampaignStore

CLEARED = "cleared"
"""Kind of the event that ends a global condition; its `code` names the condition's kind."""
REDACTED = "[redacted]"


def key_redactor(current_key: Callable[[], ApiKey | None]) -> Callable[[str], str]:
    """A `redact` function that blanks the key in use (and its masked form) in a text."""

    def redact(text: str) -> str:
        key = current_key()
        if key is None:
            return text
        secret = key.reveal()
        return text.replace(secret, REDACTED).replace(mask_key(secret), REDACTED)

    return redact


class Recorder:
    """Records `store`'s polls of `base_url` through `writer`. Call `attach()` to start."""

    def __init__(
        self,
        store: CampaignStore,
        writer: HistoryWriter,
        base_url: str,
        *,
        wall: Callable[[], float] = time.time,
        redact: Callable[[str], str] | None = None,
    ) -> None:
        self._store = store
        self._writer = writer
        self._base_url = base_url
        self._wall = wall
        self._redact = redact
        self._polls: dict[str, int] = {}
        self._global = GlobalState()
        self._detach: Callable[[], None] | None = None

    def attach(self) -> Callable[[], None]:
        """Subscribe to the store; returns the function that unsubscribes."""
        if self._detach is None:
            self._detach = self._store.subscribe(self.on_event)
        return self.detach

    def detach(self) -> None:
        """Stop recording (what was queued is still written by the writer). A global condition
        still open (offline, 429, auth) is recorded as cleared: the next session starts knowing
        nothing of it, and a replay must not show it lasting across that session."""
        if self._detach is not None:
            self._detach()
            self._detach = None
            self._global_changed(GlobalState(budget=self._global.budget))

    def on_event(self, event: StoreEvent) -> None:
        """The store listener."""
        if isinstance(event, CampaignUpdated):
            self._updated(event.campaign_id)
        elif isinstance(event, CampaignErrored):
            self._error(event.campaign_id, event.error)
        elif isinstance(event, GlobalChanged):
            self._global_changed(self._store.global_state())
        elif isinstance(event, CampaignRemoved):
            self._polls.pop(event.campaign_id, None)

    def _updated(self, campaign_id: str) -> None:
        view = self._store.get(campaign_id)
        if view is None or view.campaign is None or view.last_success_at is None:
            return
        if view.polls <= self._polls.get(campaign_id, 0):
            return  # a schedule change, not a poll
        self._polls[campaign_id] = view.polls
        self._writer.record_sample(self._base_url, campaign_id, view.last_success_at, view.campaign)

    def _error(self, campaign_id: str | None, error: ErrorInfo) -> None:
        if self._redact is not None:
            error = ErrorInfo(
                kind=error.kind,
                title=self._redact(error.title),
                message=self._redact(error.message),
                code=None if error.code is None else self._redact(error.code),
                http_status=error.http_status,
                since=error.since,
                next_retry_at=error.next_retry_at,
                attempts=error.attempts,
            )
        self._writer.record_error(self._base_url, campaign_id, self._wall(), error)

    def _global_changed(self, state: GlobalState) -> None:
        old, self._global = self._global, state
        now = self._wall()
        if state.auth_error != old.auth_error:
            if state.auth_error is not None:
                self._error(None, state.auth_error)
            else:
                self._error(None, _cleared("auth", now))
        until = state.rate_limited_until
        if until != old.rate_limited_until:
            if until is not None:
                self._error(None, rate_limited_error(until, now))
            else:
                self._error(None, _cleared("rate_limited", now))
        if state.offline_since != old.offline_since:
            if state.offline_since is not None:
                self._error(None, _offline(state.offline_since, state.next_probe_at))
            else:
                self._error(None, _cleared("network", now))


def _cleared(kind: str, now: float) -> ErrorInfo:
    return ErrorInfo(kind=CLEARED, title="Cleared", message=f"{kind} ended", code=kind, since=now)


def _offline(since: float, next_probe_at: float | None) -> ErrorInfo:
    return ErrorInfo(
        kind="network",
        title="Offline",
        message="the API is unreachable",
        since=since,
        next_retry_at=next_probe_at,
    )
