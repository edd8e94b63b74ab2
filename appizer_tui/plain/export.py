"""`appizer-tui export`'s fetching: each campaign once, concurrently, then rows in the columns of
`appizer_tui.state.export` (the same as the viewer's `e` key)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.errors import AppizerError
from appizer_tui.api.models import Campaign
from appizer_tui.state.export import Record, campaign_record
from appizer_tui.state.metrics import compute_metrics

FetchOutcome = tuple[str, Campaign | AppizerError, float]


async def fetch_once(
    client: AppizerClient, campaign_ids: Sequence[str], wall: Callable[[], float]
) -> list[FetchOutcome]:
    """Fetch every campaign once, concurrently, through the client: (id, campaign or error,
    wall time the answer came), in input order. The client's errors are data, not exceptions."""

    async def one(campaign_id: str) -> FetchOutcome:
        try:
            result: Campaign | AppizerError = await client.get_campaign(campaign_id)
        except AppizerError as exc:
            result = exc
        return campaign_id, result, wall()

    return list(await asyncio.gather(*(one(cid) for cid in campaign_ids)))


def fetched_records(outcomes: Sequence[FetchOutcome]) -> list[Record]:
    """Rows for the campaigns that were fetched (errors are reported by the caller)."""
    records: list[Record] = []
    for _, result, at in outcomes:
        if isinstance(result, AppizerError):
            continue
        records.append(campaign_record(result, compute_metrics(result), at))
    return records
