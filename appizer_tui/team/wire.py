"""What the team writes to Redis, and how a member applies it to its own store.

A `CampaignEntry` is one campaign as the leader's engine last left it: the campaign as the API
sent it (re-encoded in the API's own JSON shape, decoded by members with the API's own decoder,
since whatever comes out of Redis is untrusted input) with its fetch time, the current error,
phase and schedule. Members write entries into their own `CampaignStore` with the same calls the
engine makes (`record_success`, `record_error`, `update_schedule`), so freshness (STALE) is
computed from the answer's fetch time exactly as for a solo poll. The global state (429 pause,
401, OFFLINE, the budget of the team's campaigns) travels as the store's own `GlobalState`.
"""

from __future__ import annotations

import logging

import msgspec

from appizer_tui.api.models import Campaign, decode_campaign, encode_json
from appizer_tui.state.model import CampaignView, ErrorInfo, GlobalState, Phase
from appizer_tui.state.store import CampaignStore

log = logging.getLogger(__name__)


NO_CAMPAIGN = msgspec.Raw(b"null")
"""An entry's campaign before the first successful fetch (msgspec.Raw cannot be optional)."""


class CampaignEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One campaign as the leader's engine last left it."""

    campaign_id: str
    written_at: float
    """Leader's wall time of this write (orders entries; a follower's staleness check)."""
    phase: Phase
    expected_interval: float
    next_poll_at: float | None = None
    fetched_at: float | None = None
    """Wall time of the latest successful fetch (the answer's age comes from this)."""
    campaign: msgspec.Raw = NO_CAMPAIGN
    """That fetch as the API's JSON (`null` before the first); kept raw so a member decodes it
    with the API's own decoder."""
    error: ErrorInfo | None = None


class MemberRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One member as it registers itself: who, what it watches, what it has selected."""

    host: str
    pid: int
    campaigns: tuple[str, ...] = ()
    selected: str | None = None

    @property
    def label(self) -> str:
        """`host:pid`, as the status line shows the leader."""
        return f"{self.host}:{self.pid}"


_entry_decoder = msgspec.json.Decoder(CampaignEntry)
_member_decoder = msgspec.json.Decoder(MemberRecord)
_global_decoder = msgspec.json.Decoder(GlobalState)


def entry_from_view(view: CampaignView, written_at: float) -> CampaignEntry:
    """The entry that publishes this view of the leader's engine."""
    campaign = view.campaign
    return CampaignEntry(
        campaign_id=view.campaign_id,
        written_at=written_at,
        phase=view.phase,
        expected_interval=view.expected_interval,
        next_poll_at=view.next_poll_at,
        fetched_at=view.last_success_at,
        campaign=NO_CAMPAIGN
        if campaign is None
        else msgspec.Raw(encode_json(campaign.to_api_dict())),
        error=view.error,
    )


def as_bytes(value: bytes | str) -> bytes:
    """A Redis reply as bytes (the client is made without `decode_responses`)."""
    return value.encode("utf-8") if isinstance(value, str) else value


def encode(value: CampaignEntry | MemberRecord | GlobalState) -> bytes:
    """JSON bytes for Redis."""
    return msgspec.json.encode(value)


def decode_entry(data: bytes) -> CampaignEntry | None:
    """The entry, or None (logged) when Redis holds something that is not one."""
    try:
        return _entry_decoder.decode(data)
    except (msgspec.DecodeError, ValueError):
        log.warning("ignored a team entry that does not decode")
        return None


def decode_member(data: bytes) -> MemberRecord | None:
    """The member record, or None when it does not decode."""
    try:
        return _member_decoder.decode(data)
    except (msgspec.DecodeError, ValueError):
        return None


def decode_global(data: bytes) -> GlobalState | None:
    """The global state, or None (logged) when it does not decode."""
    try:
        return _global_decoder.decode(data)
    except (msgspec.DecodeError, ValueError):
        log.warning("ignored a team global state that does not decode")
        return None


def _campaign(entry: CampaignEntry) -> Campaign | None:
    if bytes(entry.campaign) == b"null":
        return None
    try:
        return decode_campaign(bytes(entry.campaign))
    except (msgspec.DecodeError, ValueError):
        log.warning("ignored a team entry whose campaign does not decode")
        return None


def apply_entry(store: CampaignStore, entry: CampaignEntry) -> None:
    """Write the entry into `store` as the engine would have, if the store watches it.

    A new fetch (by its fetch time) is recorded as a success, a new error as an error, anything
    else (phase, schedule, a cleared error) as a schedule update; so applying the same entry
    twice changes nothing.
    """
    view = store.get(entry.campaign_id)
    if view is None:
        return
    cid = entry.campaign_id
    campaign = _campaign(entry)
    fetched = entry.fetched_at
    is_new = fetched is not None and (
        view.last_success_at is None or fetched > view.last_success_at
    )
    if campaign is not None and is_new:
        store.record_success(
            cid,
            campaign,
            at=fetched,
            phase=entry.phase,
            next_poll_at=entry.next_poll_at,
            expected_interval=entry.expected_interval,
        )
    current = store.get(cid)
    if entry.error is not None and current is not None and entry.error != current.error:
        store.record_error(cid, entry.error, phase=entry.phase, next_poll_at=entry.next_poll_at)
    store.update_schedule(
        cid,
        phase=entry.phase,
        next_poll_at=entry.next_poll_at,
        expected_interval=entry.expected_interval,
        error=entry.error,
    )


def apply_global(store: CampaignStore, state: GlobalState) -> None:
    """Take the team's global state, keeping this member's own pause switch."""
    store.set_global(msgspec.structs.replace(state, paused=store.global_state().paused))
