"""Launch totals: sums over the rows shown, rates over the sums by the one rate function."""

from __future__ import annotations

from present_helpers import campaign

from appizer_tui.api.models import Campaign, Stats
from appizer_tui.present.rows import RowProps, row_props
from appizer_tui.present.totals import totals_props
from appizer_tui.state.model import CampaignView
from appizer_tui.state.store import CampaignStore


def _row(data: Campaign) -> RowProps:
    store = CampaignStore(interval=5.0, wall=lambda: 1000.0)
    store.add(data.campaign_id)
    store.record_success(data.campaign_id, data, at=1000.0)
    view = store.get(data.campaign_id)
    assert isinstance(view, CampaignView)
    return row_props(view, 1000.0, alert=False)


def test_totals_sum_counts_and_take_rates_over_the_sums() -> None:
    big = campaign("big", sent=9_000, failed=1_000, total=100_000)
    small = campaign("small", sent=90, failed=10, total=100)
    small = Campaign(
        campaign_id="small",
        status=small.status,
        raw_status=small.raw_status,
        stats=Stats(total_recipients=100, sent=90, delivered=80, opened=40, clicked=8, failed=10),
    )
    rows = [_row(big), _row(small), row_props(CampaignView("waiting"), 1000.0, alert=False)]
    totals = totals_props(rows)
    parts = dict(totals.parts)
    assert (totals.campaigns, totals.with_data) == (3, 2)
    assert parts["recipients"] == "100,100" and parts["sent"] == "9,090"
    assert parts["delivered"] == "9,080" and parts["opened"] == "40" and parts["clicked"] == "8"
    assert parts["failed"] == "1,010"
    # Over the sums: 1,010 / (9,090 + 1,010) = 10.0 %, as the attempts say, and
    # delivery 9,080 / 9,090 = 99.9 %, where the mean of 100 % and 88.9 % would read 94.4 %.
    assert parts["failure"] == "10.0%"
    assert parts["delivery"] == "99.9%"
    assert parts["open"] == "0.4%" and parts["click"] == "0.1%"


def test_no_rows_reads_dashes_not_zero_percent() -> None:
    parts = dict(totals_props([]).parts)
    assert parts["sent"] == "0" and parts["delivery"] == "\u2014"
