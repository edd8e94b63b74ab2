"""The team layer's pure parts: the namespace, the Redis URL, entries, membership, status."""

from __future__ import annotations

import pickle

import msgspec
import pytest

from appizer_tui.api.models import decode_campaign
from appizer_tui.api.secret import ApiKey
from appizer_tui.state.events import StoreEvent
from appizer_tui.state.model import ErrorInfo, Phase
from appizer_tui.state.store import CampaignStore
from appizer_tui.team.membership import team_campaigns, team_focus
from appizer_tui.team.namespace import team_namespace
from appizer_tui.team.redis_url import RedisUrl
from appizer_tui.team.status import TeamStatus
from appizer_tui.team.wire import (
    CampaignEntry,
    MemberRecord,
    apply_entry,
    decode_entry,
    encode,
    entry_from_view,
)

KEY = "sk_live_Zq9xW3tPm7Lk2Vb8Nc4Rf6Hj"
BASE = "https://api.appizer.com/v1"
BODY = (
    b'{"success": true, "campaign_id": "camp_1", "status": "sending", "stats": '
    b'{"total_recipients": 1000, "sent": 400, "delivered": 380, "failed": 4}}'
)


def test_the_namespace_depends_on_key_and_base_url_and_shows_neither() -> None:
    namespace = team_namespace(BASE, ApiKey(KEY))
    assert namespace == team_namespace(BASE + "/", ApiKey(KEY))
    assert namespace != team_namespace(BASE, ApiKey(KEY[:-1] + "X"))
    assert namespace != team_namespace("https://eu.api.appizer.com/v1", ApiKey(KEY))
    assert namespace.startswith("appizer-tui:team:")
    for form in (KEY, KEY[8:], KEY[-4:], ApiKey(KEY).masked, "appizer.com"):
        assert form not in namespace


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:s3cret-pw@cache:6379/0", "redis://:****@cache:6379/0"),
        ("rediss://app:s3cret-pw@cache.example.com", "rediss://app:****@cache.example.com"),
        (
            "unix:///run/redis.sock?db=2&password=s3cret-pw",
            "unix:///run/redis.sock?db=2&password=****",
        ),
        ("redis://localhost:6379", "redis://localhost:6379"),
    ],
)
def test_a_redis_password_is_masked_everywhere_it_shows(url: str, shown: str) -> None:
    redis_url = RedisUrl(url)
    assert redis_url.masked == shown
    assert "s3cret" not in repr(redis_url) + str(redis_url) + f"{redis_url}"
    assert redis_url.reveal() == url
    with pytest.raises(TypeError):
        pickle.dumps(redis_url)


@pytest.mark.parametrize(
    "url", ["http://cache:6379", "cache:6379", "redis://", "unix://", "redis://h:99999"]
)
def test_a_bad_redis_url_is_refused_without_its_password(url: str) -> None:
    with pytest.raises(ValueError, match="Redis URL") as raised:
        RedisUrl(url.replace("//", "//:s3cret@", 1) if "//h" in url else url)
    assert "s3cret" not in str(raised.value)


def test_the_status_line_text() -> None:
    assert TeamStatus(mode="solo").text == "solo"
    assert TeamStatus(mode="follower", members=4, leader="box:12").text == (
        "team: 4 members, leader: box:12"
    )
    problem = "Redis unreachable (redis://:****@h:6379: ConnectionError)"
    assert TeamStatus(mode="solo", problem=problem).text == f"solo: {problem}"


def test_the_leader_polls_the_union_and_serves_the_most_selected_first() -> None:
    members = {
        "b": MemberRecord(host="h", pid=2, campaigns=("c2", "c3"), selected="c3"),
        "a": MemberRecord(host="h", pid=1, campaigns=("c1", "c2"), selected="c2"),
        "c": MemberRecord(host="h", pid=3, campaigns=("c3",), selected="c3"),
    }
    assert team_campaigns(members) == ("c1", "c2", "c3")
    assert team_focus(members) == "c3"
    assert team_focus({}) is None


def _leader_store() -> CampaignStore:
    store = CampaignStore(interval=5.0, wall=lambda: 1000.0)
    store.add("camp_1")
    store.record_success("camp_1", decode_campaign(BODY), at=990.0, phase=Phase.ACTIVE)
    return store


def test_an_entry_gives_a_member_the_leaders_view_once() -> None:
    leader = _leader_store()
    entry = decode_entry(encode(entry_from_view(leader.get("camp_1"), written_at=995.0)))  # type: ignore[arg-type]
    assert entry is not None
    member = CampaignStore(interval=5.0, wall=lambda: 1000.0)
    member.add("camp_1")
    events: list[StoreEvent] = []
    member.subscribe(events.append)
    apply_entry(member, entry)
    view, truth = member.get("camp_1"), leader.get("camp_1")
    assert view is not None and truth is not None
    assert view.campaign == truth.campaign
    assert view.last_success_at == 990.0  # freshness from the answer's fetch time
    assert view.phase is Phase.ACTIVE
    seen = len(events)
    apply_entry(member, entry)  # the same entry again changes nothing
    assert len(events) == seen
    assert member.get("camp_1") == view


def test_an_error_entry_is_recorded_and_an_unwatched_campaign_ignored() -> None:
    member = CampaignStore(interval=5.0, wall=lambda: 1000.0)
    member.add("camp_1")
    error = ErrorInfo(kind="server", title="Server error", message="503 [/x]", since=998.0)
    entry = CampaignEntry(
        campaign_id="camp_1",
        written_at=999.0,
        phase=Phase.ERROR_BACKOFF,
        expected_interval=5.0,
        next_poll_at=1010.0,
        error=error,
    )
    apply_entry(member, entry)
    apply_entry(member, msgspec.structs.replace(entry, campaign_id="camp_2"))
    view = member.get("camp_1")
    assert view is not None and view.error == error and view.phase is Phase.ERROR_BACKOFF
    assert member.get("camp_2") is None


@pytest.mark.parametrize(
    "data",
    [b"not json", b'{"campaign_id": 3}', b'{"campaign_id": "c", "written_at": 1, "phase": "x"}'],
)
def test_an_entry_that_does_not_decode_is_ignored(data: bytes) -> None:
    assert decode_entry(data) is None


def test_a_campaign_that_does_not_decode_leaves_the_view_as_it_was() -> None:
    member = CampaignStore(interval=5.0, wall=lambda: 1000.0)
    member.add("camp_1")
    entry = CampaignEntry(
        campaign_id="camp_1",
        written_at=999.0,
        phase=Phase.ACTIVE,
        expected_interval=5.0,
        fetched_at=998.0,
        campaign=msgspec.Raw(b'{"campaign_id": "camp_1"}'),
    )
    apply_entry(member, entry)
    view = member.get("camp_1")
    assert view is not None and view.campaign is None
