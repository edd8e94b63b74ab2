"""`appizer-tui export` once its flags are parsed: fetch, report errors, write, pick the status."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from appizer_tui.api.errors import AppizerError
from appizer_tui.cli_common import EXIT_FAILED, EXIT_USAGE, Connection
from appizer_tui.files import ExportExistsError, atomic_write_bytes
from appizer_tui.plain.export import FetchOutcome, fetch_once, fetched_records
from appizer_tui.plain.status import exit_status
from appizer_tui.safe_text import safe_text
from appizer_tui.state.export import CAMPAIGN_COLUMNS, HISTORY_COLUMNS, render


def _report(campaign_id: str, error: AppizerError) -> None:
    where = f" (HTTP {error.http_status})" if error.http_status else ""
    text = f"{error.title.lower()}{where}: {error.message}"
    print(
        f"appizer-tui: {safe_text(campaign_id)}: {safe_text(text, max_length=300)}",
        file=sys.stderr,
    )


def run_export(
    conn: Connection,
    campaign_ids: list[str],
    *,
    fmt: str,
    history: bool,
    output: Path | None,
    force: bool,
) -> int:
    """Fetch every id once, write what was fetched, and return the exit status (see --help)."""

    async def fetch() -> list[FetchOutcome]:
        async with conn.make_client() as client:
            return await fetch_once(client, campaign_ids, time.time)

    outcomes = asyncio.run(fetch())
    results = [result for _, result, _ in outcomes]
    for campaign_id, result, _ in outcomes:
        if isinstance(result, AppizerError):
            _report(campaign_id, result)
    code = exit_status(results)
    records = fetched_records(outcomes, history=history)
    if not records and code:
        # Nothing was fetched: writing an empty file would only hide the error.
        return code
    text = render(HISTORY_COLUMNS if history else CAMPAIGN_COLUMNS, records, fmt)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return code
    try:
        atomic_write_bytes(output, text.encode("utf-8"), force=force)
    except ExportExistsError as exc:
        print(f"appizer-tui: {safe_text(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        print(f"appizer-tui: cannot write {safe_text(str(output))}: {reason}", file=sys.stderr)
        return EXIT_FAILED
    noun = "row" if len(records) == 1 else "rows"
    print(f"appizer-tui: wrote {len(records)} {noun} to {safe_text(str(output))}", file=sys.stderr)
    return code
