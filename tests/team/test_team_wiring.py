"""How the front ends show and drive team mode: watch's stderr line, the status line's text in
the frame, the viewer's controller, and the --redis setting."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from redis_support import RedisServer
from team_support import Member, wait_for

from appizer_tui.alerts.rules import AlertConfig
from appizer_tui.api.secret import ApiKey
from appizer_tui.config import ConfigError, resolve_settings
from appizer_tui.plain.team_line import TeamLine
from appizer_tui.polling.clock import FakeClock
from appizer_tui.present.presenter import Presenter
from appizer_tui.sim.scenarios import CampaignSpec
from appizer_tui.sim.server import RunningServer
from appizer_tui.state.store import CampaignStore
from appizer_tui.team.status import TeamStatus
from appizer_tui.ui.controller import TEAM_KEY, TEAM_PAUSE, Controller
from appizer_tui.ui.options import ViewerOptions

SENDING = (CampaignSpec("camp_0", 50_000, start_after=-60, send_duration=3600),)


def test_watch_says_joining_a_new_leader_and_polling_alone_once_each() -> None:
    err = io.StringIO()
    line = TeamLine(err, lambda: 0.0)
    for status in (
        TeamStatus(mode="follower", members=2, leader="a:1"),
        TeamStatus(mode="follower", members=3, leader="a:1"),  # a member more: no line
        TeamStatus(mode="leader", members=3, leader="b:2"),
        TeamStatus(mode="solo", problem="Redis unreachable (redis://:****@h/0: ConnectionError)"),
        TeamStatus(mode="solo", problem="Redis unreachable (redis://:****@h/0: TimeoutError)"),
        TeamStatus(mode="follower", members=2, leader="b:2"),
    ):
        line(status)
    said = [text.split("  ", 1)[1] for text in err.getvalue().splitlines()]
    assert said == [
        "team: 2 members, leader: a:1",
        "team: 3 members, leader: b:2",
        "solo: Redis unreachable (redis://:****@h/0: ConnectionError)",
        "team: 2 members, leader: b:2",
    ]


def test_the_status_line_gets_the_team_state_from_the_frame_made_inert() -> None:
    presenter = Presenter(CampaignStore(interval=5.0), FakeClock())
    assert presenter.publish().status.team == ""
    presenter.set_team("team: 2 members, leader: evil\x1b]0;x\x07host:1")
    team = presenter.publish().status.team
    assert team.startswith("team: 2 members, leader: evil")
    assert "\x1b" not in team and "\x07" not in team


def _controller(member: Member) -> Controller:
    options = ViewerOptions(
        base_url="",
        demo=False,
        key_masked=None,
        alert_config=AlertConfig(),
        export_dir=Path("."),
        watchlist_path=None,
    )
    presenter = Presenter(member.store, FakeClock())
    return Controller(member.store, member.member, presenter, options)


async def test_in_a_team_pause_and_a_new_key_are_refused_alone_they_work(
    redis_server: RedisServer, serve: Callable[..., RunningServer]
) -> None:
    server = serve(*SENDING)
    teamed = Member(server, redis_server.url, ("camp_0",)).start()
    alone = Member(server, None, ("camp_0",)).start()
    try:
        await wait_for(lambda: teamed.mode == "leader", "a leader")
        await wait_for(lambda: alone.member.poller is not None, "a solo poller")
        controller = _controller(teamed)
        assert controller.toggle_pause() == TEAM_PAUSE
        assert controller.set_api_key(ApiKey("sk_live_other_key_0000000000")) == TEAM_KEY
        assert not teamed.store.global_state().paused
        solo = _controller(alone)
        assert solo.toggle_pause() is None
        assert alone.store.global_state().paused
        # Adds go through the member: the leader polls the new one for the team.
        controller.add(["camp_new"])
        assert "camp_new" in teamed.store.ids()
    finally:
        await teamed.close()
        await alone.close()


def test_the_redis_setting_comes_from_the_environment_and_never_shows_its_password() -> None:
    env = {"APPIZER_REDIS_URL": "rediss://user:s3cret@redis.example.com:6380/0"}
    settings = resolve_settings(env=env, api_key="sk_test_x")
    assert settings.redis_url is not None
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings.redis_url)
    assert settings.redis_url.reveal().endswith("@redis.example.com:6380/0")
    with pytest.raises(ConfigError) as refused:
        resolve_settings(env={}, api_key="sk_test_x", redis_url="http://u:s3cret@host/0")
    assert "s3cret" not in str(refused.value) and "(--redis)" in str(refused.value)
    assert resolve_settings(env={}, api_key="sk_test_x").redis_url is None
