"""`appizer-tui status`: one fetch per campaign, concurrently; a table or a JSON array."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.errors import AppizerError
from appizer_tui.api.models import Campaign
from appizer_tui.cli_common import (
    EXIT_AUTH,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_RATE_LIMITED,
    EXIT_UNAVAILABLE,
)
from appizer_tui.safe_text import safe_data, safe_text
from appizer_tui.state.format import format_count, format_percent, status_word
from appizer_tui.state.metrics import compute_metrics

Outcome = Campaign | AppizerError

# The exit status for a run that had errors: the first kind in this list that occurred decides,
# because an auth or rate-limit problem affects every id and is what the caller must fix first.
_EXIT_BY_KIND = (
    ("auth", EXIT_AUTH),
    ("rate_limited", EXIT_RATE_LIMITED),
    ("server", EXIT_UNAVAILABLE),
    ("network", EXIT_UNAVAILABLE),
    ("invalid_response", EXIT_UNAVAILABLE),
    ("not_found", EXIT_NOT_FOUND),
)


async def fetch_all(client: AppizerClient, campaign_ids: Sequence[str]) -> list[Outcome]:
    """Each campaign or the error that stood in its way, in input order."""

    async def one(campaign_id: str) -> Outcome:
        try:
            return await client.get_campaign(campaign_id)
        except AppizerError as exc:
            return exc

    return list(await asyncio.gather(*(one(cid) for cid in campaign_ids)))


def exit_status(outcomes: Sequence[Outcome]) -> int:
    """0 when everything was fetched, else the code of the most pressing error kind."""
    kinds = {o.kind for o in outcomes if isinstance(o, AppizerError)}
    for kind, code in _EXIT_BY_KIND:
        if kind in kinds:
            return code
    return EXIT_OK


def to_json(campaign_ids: Sequence[str], outcomes: Sequence[Outcome]) -> str:
    """The JSON array: each campaign as the API gave it, or its id with an error object. Every
    string is made inert (`safe_data`), as in `watch --format jsonl`."""
    items: list[dict[str, Any]] = []
    for campaign_id, outcome in zip(campaign_ids, outcomes, strict=True):
        if isinstance(outcome, AppizerError):
            items.append({"campaign_id": campaign_id, "error": outcome.to_dict()})
        else:
            items.append(outcome.to_api_dict())
    return json.dumps(safe_data(items), indent=2, ensure_ascii=True)


_COLUMNS = (
    "CAMPAIGN",
    "STATUS",
    "PROGRESS",
    "SENT",
    "DELIVERED",
    "OPENED",
    "CLICKED",
    "FAILED",
    "DELIV%",
    "OPEN%",
    "CLICK%",
)


def _row(campaign_id: str, outcome: Outcome) -> list[str]:
    if isinstance(outcome, AppizerError):
        reason = f"{outcome.title}: {outcome.message}"
        return [safe_text(campaign_id, max_length=40), "ERROR", safe_text(reason, max_length=80)]
    stats = outcome.stats
    metrics = compute_metrics(outcome)
    return [
        safe_text(outcome.campaign_id, max_length=40),
        safe_text(status_word(outcome.status, outcome.raw_status), max_length=20),
        f"{format_count(stats.sent + stats.failed)}/{format_count(stats.total_recipients)}",
        format_count(stats.sent),
        format_count(stats.delivered),
        format_count(stats.opened),
        format_count(stats.clicked),
        format_count(stats.failed),
        format_percent(metrics.delivery_rate),
        format_percent(metrics.open_rate),
        format_percent(metrics.click_rate),
    ]


def to_table(campaign_ids: Sequence[str], outcomes: Sequence[Outcome]) -> str:
    """A plain aligned table; error rows say what went wrong in place of the figures."""
    rows = [_row(cid, o) for cid, o in zip(campaign_ids, outcomes, strict=True)]
    full = [r for r in rows if len(r) == len(_COLUMNS)]
    widths = [len(c) for c in _COLUMNS]
    for r in full + [r[:2] for r in rows]:
        for i, cell in enumerate(r):
            widths[i] = max(widths[i], len(cell))
    lines = []
    for r in [list(_COLUMNS), *rows]:
        if len(r) < len(_COLUMNS):
            lines.append(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]}")
            continue
        cells = [f"{r[0]:<{widths[0]}}", f"{r[1]:<{widths[1]}}"]
        cells += [f"{cell:>{widths[i + 2]}}" for i, cell in enumerate(r[2:])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
