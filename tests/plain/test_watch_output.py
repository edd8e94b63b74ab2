"""The watch printers and the exit-status rule, fed by a real CampaignStore on a FakeClock."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest

from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats
from appizer_tui.plain.summary import ColourScheme, EndReason, summary_lines
from appizer_tui.plain.terminal import colour_enabled
from appizer_tui.plain.watch import exit_code
from appizer_tui.plain.watch_output import JsonlPrinter, TextPrinter, error_dict, iso_time
from appizer_tui.polling.clock import FakeClock
from appizer_tui.state.model import CampaignView, ErrorInfo, Phase
from appizer_tui.state.store import CampaignStore

PAYLOADS = (
    "\x1b]52;c;aGVsbG8=\x07",  # OSC 52 clipboard write
    "\x1b[2J\x1b[H",  # clear screen
    "\x9b31m",  # a bare C1 CSI
    "\u202eevil\u202c",  # bidi override
    "line\nbreak\r",
    "[/] [link=http://x]y[/link]",  # markup is plain text here, kept as it is
)


def _campaign(status: str = "sending", cid: str = "camp_1", **stats: int) -> Campaign:
    counts = {
        "total_recipients": 1250,
        "sent": 1245,
        "delivered": 1200,
        "opened": 450,
        "clicked": 120,
        "failed": 5,
    } | stats
    return Campaign(
        campaign_id=cid,
        status=CampaignStatus.parse(status),
        raw_status=status,
        created_at=datetime(2024, 1, 15, 10, 30, tzinfo=UTC),
        sent_at=datetime(2024, 1, 15, 10, 31, tzinfo=UTC),
        completed_at=datetime(2024, 1, 15, 10, 34, 12, tzinfo=UTC)
        if status == "completed"
        else None,
        stats=Stats(**counts),
        rates=Rates(delivery_rate=0.964, open_rate=0.375, click_rate=None),
    )


def _view(campaign: Campaign, clock: FakeClock) -> CampaignView:
    store = CampaignStore(wall=clock.wall)
    store.add(campaign.campaign_id)
    view = store.record_success(campaign.campaign_id, campaign, at=clock.wall())
    assert view is not None
    return view


def _printer(colour: bool = False) -> tuple[TextPrinter, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    printer = TextPrinter(
        out,
        err,
        ["camp_1", "camp_longer_id"],
        colour=ColourScheme(colour),
        err_colour=ColourScheme(colour),
        time_mode="utc",
        started_at=FakeClock().wall(),
    )
    return printer, out, err


def test_update_line() -> None:
    clock = FakeClock()
    printer, out, _ = _printer()
    printer.update(_view(_campaign(), clock), clock.wall())
    assert out.getvalue() == (
        "22:13:20  camp_1          sending    1,250/1,250 100.0%  delivered 1,200  opened 450  "
        "clicked 120  failed 5  delivery 96.4%  open 37.5%  click 10.0%\n"
    )  # click rate: the API sent none, so the store derived clicked / delivered


def test_terminal_line_and_colour() -> None:
    clock = FakeClock()
    printer, out, _ = _printer(colour=True)
    printer.terminal(_view(_campaign("completed"), clock), clock.wall())
    assert out.getvalue() == (
        "22:13:20  camp_1          finished: \x1b[32m\u2713 completed\x1b[0m · 1,250/1,250 · "
        "failure rate 0.4% · sending took 3 min 12 s\n"
    )


def test_colour_only_on_a_terminal_without_no_color() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert colour_enabled(Tty(), {}) is True
    assert colour_enabled(Tty(), {"NO_COLOR": "1"}) is False
    assert colour_enabled(io.StringIO(), {}) is False


@pytest.mark.parametrize("payload", PAYLOADS)
def test_server_text_is_inert_in_every_line(payload: str) -> None:
    clock = FakeClock()
    printer, out, err = _printer(colour=False)
    error = ErrorInfo(
        kind="server",
        title="Server error",
        message=f"boom {payload}",
        code=payload,
        http_status=500,
        next_retry_at=clock.wall() + 4,
    )
    printer.campaign_error(f"camp_{payload}", error, clock.wall(), final=False)
    printer.global_error(error, clock.wall(), "retrying")
    view = _view(_campaign(status=f"weird{payload}", cid=f"c{payload}"), clock)
    printer.update(view, clock.wall())
    printer.finish([view], [view.campaign_id], EndReason.ALL_DONE, clock.wall())
    jsonl = io.StringIO()
    JsonlPrinter(jsonl).campaign_error(f"c{payload}", error, clock.wall(), final=False)
    JsonlPrinter(jsonl).update(view, clock.wall())
    for text in (out.getvalue(), err.getvalue(), jsonl.getvalue()):
        for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\r"):
            assert bad not in text
    assert len(err.getvalue().splitlines()) == 2  # a newline in a message never splits a line
    assert "retrying at 22:13:24 (in 4 s)" in err.getvalue()
    for line in jsonl.getvalue().splitlines():
        json.loads(line)


def test_error_dict_is_appizer_error_shaped() -> None:
    error = ErrorInfo(
        kind="not_found",
        title="Not found",
        message="Campaign not found",
        code="CAMPAIGN_NOT_FOUND",
        http_status=404,
        next_retry_at=100.0,
        attempts=2,
    )
    assert error_dict(error, 90.0) == {
        "kind": "not_found",
        "http_status": 404,
        "code": "CAMPAIGN_NOT_FOUND",
        "message": "Campaign not found",
        "retry_after": None,
        "next_retry_at": iso_time(100.0),
        "attempts": 2,
    }
    limited = ErrorInfo(kind="rate_limited", title="Rate limited", message="x", next_retry_at=100.0)
    assert error_dict(limited, 55.5)["retry_after"] == 44.5


def test_summary_lists_every_campaign_in_order() -> None:
    clock = FakeClock()
    done = _view(_campaign("completed"), clock)
    missing = CampaignView(campaign_id="camp_gone", phase=Phase.NOT_FOUND)
    lines = summary_lines(
        ["camp_1", "camp_gone", "camp_never"],
        [done, missing, None],
        ColourScheme(False),
        EndReason.TIMEOUT,
        75.0,
    )
    assert [line.split()[:2] for line in lines[1:4]] == [
        ["camp_1", "completed"],
        ["camp_gone", "not"],
        ["camp_never", "not"],
    ]
    assert lines[-1] == (
        "3 campaigns: 1 completed, 1 not found, 1 not fetched · watched 1 min 15 s, timed out"
    )


S = CampaignStatus


@pytest.mark.parametrize(
    ("reason", "statuses", "not_found", "flag", "expected"),
    [
        (EndReason.ALL_DONE, [S.COMPLETED, S.COMPLETED], False, True, 0),
        (EndReason.ALL_DONE, [S.COMPLETED, S.FAILED], False, True, 1),
        (EndReason.ALL_DONE, [S.CANCELLED], False, True, 1),
        (EndReason.ALL_DONE, [S.FAILED, None], True, True, 4),  # not found beats failed
        (EndReason.TIMEOUT, [S.SENDING], False, True, 124),
        (EndReason.TIMEOUT, [S.FAILED, S.SENDING], False, True, 1),  # known failure beats timeout
        (EndReason.AUTH, [None], False, True, 3),
        (EndReason.AUTH, [None], False, False, 3),  # auth is an error even without the flag
        (EndReason.ALL_DONE, [S.FAILED], True, False, 0),
        (EndReason.TIMEOUT, [S.SENDING], False, False, 0),
        (EndReason.OUTPUT_CLOSED, [S.SENDING], False, True, 141),
    ],
)
def test_exit_code_precedence(
    reason: EndReason,
    statuses: list[CampaignStatus | None],
    not_found: bool,
    flag: bool,
    expected: int,
) -> None:
    assert (
        exit_code(reason=reason, statuses=statuses, any_not_found=not_found, exit_status=flag)
        == expected
    )


def test_signals_give_128_plus_their_number() -> None:
    kwargs = {"statuses": [S.FAILED], "any_not_found": True, "exit_status": True}
    assert exit_code(reason=EndReason.INTERRUPTED, signal_number=2, **kwargs) == 130  # type: ignore[arg-type]
    assert exit_code(reason=EndReason.INTERRUPTED, signal_number=15, **kwargs) == 143  # type: ignore[arg-type]
