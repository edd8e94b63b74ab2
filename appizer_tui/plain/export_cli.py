"""`appizer-tui export` once its flags are parsed: fetch (or read the history file), report
errors, write, pick the status."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from appizer_tui.api.errors import AppizerError
from appizer_tui.cli_common import (
    EXIT_FAILED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    Connection,
)
from appizer_tui.config import ConfigError, resolve_settings
from appizer_tui.files import ExportExistsError, atomic_write_bytes
from appizer_tui.history.schema import HistoryFileError
from appizer_tui.plain.export import FetchOutcome, fetch_once, fetched_records
from appizer_tui.plain.history_read import NoHistoryError, open_reader, recorded_history_records
from appizer_tui.plain.status import exit_status
from appizer_tui.safe_text import safe_text
from appizer_tui.settings_table import Settings
from appizer_tui.state.export import CAMPAIGN_COLUMNS, HISTORY_COLUMNS, render
from appizer_tui.state.format import iso_time


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
    offline: bool,
    output: Path | None,
    force: bool,
) -> int:
    """Fetch every id once, write what was fetched, and return the exit status (see --help).
    With `offline`, a campaign the API could not be reached for is exported from its last
    recorded sample (and then counts as exported)."""

    async def fetch() -> list[FetchOutcome]:
        async with conn.make_client() as client:
            return await fetch_once(client, campaign_ids, time.time)

    outcomes = asyncio.run(fetch())
    if offline:
        outcomes = _recorded_when_unreachable(conn.settings, outcomes)
    results = [result for _, result, _ in outcomes]
    for campaign_id, result, _ in outcomes:
        if isinstance(result, AppizerError):
            _report(campaign_id, result)
    code = exit_status(results)
    records = fetched_records(outcomes)
    if not records and code:
        # Nothing was fetched: writing an empty file would only hide the error.
        return code
    return _write(render(CAMPAIGN_COLUMNS, records, fmt), len(records), output, force, code)


def _recorded_when_unreachable(
    settings: Settings, outcomes: list[FetchOutcome]
) -> list[FetchOutcome]:
    """`outcomes` with each unreachable campaign's last recorded sample in place of its error."""
    unreachable = [cid for cid, result, _ in outcomes if _is_unreachable(result)]
    if not unreachable:
        return outcomes
    try:
        reader = open_reader(settings.history_file)
    except (NoHistoryError, HistoryFileError) as exc:
        print(f"appizer-tui: --offline: {safe_text(str(exc))}", file=sys.stderr)
        return outcomes
    replaced: list[FetchOutcome] = []
    with reader:
        for cid, result, at in outcomes:
            sample = reader.last_sample(settings.base_url, cid) if cid in unreachable else None
            if sample is None:
                replaced.append((cid, result, at))
                continue
            when = iso_time(sample.last_at)
            print(f"appizer-tui: {safe_text(cid)}: offline, recorded at {when}", file=sys.stderr)
            replaced.append((cid, sample.campaign, sample.last_at))
    return replaced


def _is_unreachable(result: object) -> bool:
    return isinstance(result, AppizerError) and result.kind in ("network", "server")


def run_history_export(
    flags: dict[str, Any], campaign_ids: list[str], *, fmt: str, output: Path | None, force: bool
) -> int:
    """`export --history`: every recorded sample of `campaign_ids` from the history file of the
    base URL, without a request; 4 when some campaign has nothing recorded, 1 with no file."""
    try:
        settings = resolve_settings(**flags)
    except ConfigError as exc:
        print(f"appizer-tui: {safe_text(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    try:
        reader = open_reader(settings.history_file)
    except (NoHistoryError, HistoryFileError) as exc:
        print(f"appizer-tui: {safe_text(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
    records = []
    code = EXIT_OK
    with reader:
        for cid in campaign_ids:
            rows = recorded_history_records(reader.samples(settings.base_url, cid))
            if not rows:
                print(f"appizer-tui: {safe_text(cid)}: nothing recorded", file=sys.stderr)
                code = EXIT_NOT_FOUND
            records += rows
    if not records:
        return code
    return _write(render(HISTORY_COLUMNS, records, fmt), len(records), output, force, code)


def _write(text: str, rows: int, output: Path | None, force: bool, code: int) -> int:
    """Write `text` to stdout or atomically to `output`; the exit status."""
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
    noun = "row" if rows == 1 else "rows"
    print(f"appizer-tui: wrote {rows} {noun} to {safe_text(str(output))}", file=sys.stderr)
    return code
