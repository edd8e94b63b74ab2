"""What the frames say: no two parts of the screen contradict each other."""

from __future__ import annotations

from msgspec.structs import replace
from present_helpers import Rig, campaign

from appizer_tui.api.models import CampaignStatus
from appizer_tui.present.banners import campaign_lines
from appizer_tui.state.model import ErrorInfo, GlobalState

NETWORK = ErrorInfo("network", "Network error", "connection refused")


async def test_failed_and_cancelled_rows_are_final_not_live(rig: Rig) -> None:
    for status in (CampaignStatus.FAILED, CampaignStatus.CANCELLED, CampaignStatus.SENDING):
        rig.store.add(status.value)
        rig.poll(status.value, campaign(status.value, status))
    await rig.settle()
    ages = {cid: row.cell("age") for cid, row in rig.frame.rows.items()}
    assert ages == {"failed": "final", "cancelled": "final", "sending": "live"}


async def test_offline_detail_retries_when_the_offline_banner_does(rig: Rig) -> None:
    rig.store.add("a")
    now = rig.clock.wall()
    error = replace(NETWORK, next_retry_at=now + 17, attempts=3)
    rig.store.record_error("a", error)
    rig.store.set_global(GlobalState(offline_since=now - 5, next_probe_at=now + 2))
    await rig.settle()
    frame = rig.frame
    assert "retrying in 2 s" in frame.banners[0].text
    assert frame.detail is not None
    (line,) = campaign_lines(frame.detail.view, frame.now, frame.detail.retry)
    assert "retrying in 2 s" in line.text and "17 s" not in line.text


async def test_paused_detail_says_paused_not_next_retry(rig: Rig) -> None:
    rig.store.add("a")
    error = replace(NETWORK, next_retry_at=rig.clock.wall(), attempts=7)
    rig.store.record_error("a", error)
    rig.store.set_global(GlobalState(paused=True))
    await rig.settle()
    frame = rig.frame
    assert frame.detail is not None
    (line,) = campaign_lines(frame.detail.view, frame.now, frame.detail.retry)
    assert "polling paused" in line.text and "next retry" not in line.text
    assert frame.status.cadence.startswith("PAUSED") and frame.status.overrun is None


async def test_a_refused_key_pauses_the_status_line_too(rig: Rig) -> None:
    rig.store.add("a")
    auth = ErrorInfo("auth", "Unauthorized", "Invalid API key", http_status=401)
    rig.store.set_global(GlobalState(auth_error=auth))
    await rig.settle()
    frame = rig.frame
    assert "polling paused" in frame.banners[0].text
    assert "polling paused" in frame.status.cadence
    assert "polling every" not in frame.status.cadence
