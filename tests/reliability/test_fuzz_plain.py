"""Fuzzing the scriptable outputs: for any campaign the decoder accepts (and NaN rates besides),
any previous fetch (counters may go backwards) and any error text, every output of `status`,
`export` and `watch` is produced without an exception, one record per line, and every string in
it, raw or inside JSON, is inert."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from fuzz_strategies import EXAMPLES, campaign_pairs, texts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payloads import UNSAFE_IN_FILES, file_leaks

from appizer_tui.api.errors import NotFoundError, ServerError
from appizer_tui.api.models import Campaign
from appizer_tui.plain.status import to_json, to_table
from appizer_tui.plain.summary import ColourScheme, EndReason
from appizer_tui.plain.watch_output import JsonlPrinter, TextPrinter
from appizer_tui.polling.clock import FakeClock
from appizer_tui.safe_text import safe_text
from appizer_tui.state.export import (
    CAMPAIGN_COLUMNS,
    HISTORY_COLUMNS,
    campaign_record,
    render,
    store_history_records,
)
from appizer_tui.state.model import ErrorInfo
from appizer_tui.state.store import CampaignStore

pytestmark = pytest.mark.soak  # `make soak` runs these with 100,000 examples

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def inert(value: str) -> bool:
    """No control character but the tab, newline and CR a format itself may use; no C1, no
    bidi control, no DEL."""
    return UNSAFE_IN_FILES.search(value) is None


def strings_in(value: Any) -> list[str]:
    """Every string (keys too) inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings_in(k), *strings_in(v))]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def assert_json_inert(text: str) -> Any:
    data = json.loads(text)
    bad = [s for s in strings_in(data) if not inert(s)]
    assert not bad, bad[:3]
    return data


@FUZZ
@given(pair=campaign_pairs(), message=texts)
def test_every_plain_output_of_any_campaign(pair: tuple[Campaign, Campaign], message: str) -> None:
    previous, current = pair
    code = current.raw_status
    clock = FakeClock()
    store = CampaignStore(history_seconds=60, interval=5.0, wall=clock.wall)
    cid = "camp_fuzz"
    store.add(cid)
    store.record_success(cid, previous, at=clock.wall() - 5)
    view = store.record_success(cid, current, at=clock.wall())
    assert view is not None
    error = ErrorInfo("server", "Server error", message, code=code, http_status=500)

    # status: table and JSON, a campaign row and an error row.
    api_error = ServerError(message, http_status=500, code=code)
    outcomes = [current, api_error, NotFoundError(code, http_status=404)]
    ids = [cid, "camp_err", "camp_404"]
    table = to_table(ids, outcomes)
    assert file_leaks(table) == []
    assert len(table.splitlines()) == 1 + len(ids)
    assert_json_inert(to_json(ids, outcomes))

    # export: campaigns and history, CSV and JSON.
    records = [campaign_record(current, view.metrics, view.last_success_at)]
    history = store_history_records(store, cid)
    for columns, rows in ((CAMPAIGN_COLUMNS, records), (HISTORY_COLUMNS, history)):
        text = render(columns, rows, "csv")
        assert file_leaks(text) == []
        parsed = list(csv.reader(io.StringIO(text, newline="")))
        assert len(parsed) == 1 + len(rows) and all(len(r) == len(columns) for r in parsed)
        assert_json_inert(render(columns, rows, "json"))

    # watch: text lines (one line per call) and JSON lines.
    out, err = io.StringIO(), io.StringIO()
    printer = TextPrinter(
        out,
        err,
        [cid],
        colour=ColourScheme(False),
        err_colour=ColourScheme(False),
        time_mode="utc",
        started_at=clock.wall() - 60,
    )
    printer.update(view, clock.wall())
    printer.terminal(view, clock.wall())
    printer.campaign_error(cid, error, clock.wall(), final=False)
    printer.global_error(error, clock.wall(), "retrying")
    assert len(out.getvalue().splitlines()) == 2
    assert len(err.getvalue().splitlines()) == 2
    printer.finish([view], [cid], EndReason.ALL_DONE, clock.wall())
    jsonl = io.StringIO()
    lines = JsonlPrinter(jsonl)
    lines.update(view, clock.wall())
    lines.terminal(view, clock.wall())
    lines.campaign_error(cid, error, clock.wall(), final=True)
    for text in (out.getvalue(), err.getvalue(), jsonl.getvalue()):
        assert file_leaks(text) == []
    records_out = jsonl.getvalue().splitlines()
    assert len(records_out) == 3
    for line in records_out:
        assert_json_inert(line)


@FUZZ
@given(value=texts, limit=st.integers(min_value=1, max_value=300))
def test_safe_text_stays_within_its_limit_after_escaping(value: str, limit: int) -> None:
    """A limit is a width someone lays out: twenty control characters shown as `\\x1f` each
    must not turn a 40-character field into 80."""
    shown = safe_text(value, max_length=limit)
    assert len(shown) <= limit
    assert UNSAFE_IN_FILES.search(shown) is None
    if len(value) > limit or shown != value:
        assert shown.endswith("\u2026") or shown == safe_text(value, max_length=10**6)
