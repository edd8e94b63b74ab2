"""The `watch` and `export` click commands (cli.py registers them).

Only click and the shared CLI helpers are imported at module level: the engine, the store and the
exporters are imported when a command runs, so `appizer-tui --help` stays fast and no command here
ever pulls in Textual, plotext or the simulator's web stack (unless --demo asks for it).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from appizer_tui.cli_common import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    Connection,
    alert_config,
    open_connection,
    options_for,
    parse_campaign_ids,
)
from appizer_tui.plain.terminal import prepare_streams, silence_closed_stdout
from appizer_tui.safe_text import safe_text

_POSITIVE = click.FloatRange(min=0, min_open=True)


def watch_main(
    conn: Connection,
    campaign_ids: Sequence[str],
    *,
    fmt: str = "text",
    exit_status: bool = False,
    timeout_seconds: float | None = None,
) -> int:
    """Run `watch` to the end with the connection's settings (interval, max_rpm, budget_share,
    redis_url) and return its exit status. Blocks; owns its event loop and its client."""
    import asyncio

    from appizer_tui.alerts.channels import AlertChannels
    from appizer_tui.plain.terminal import terminal_writer
    from appizer_tui.plain.watch import SIGPIPE_EXIT, run_watch
    from appizer_tui.polling.clock import SystemClock

    settings = conn.settings
    clock = SystemClock()

    def record(store: Any) -> Any:
        from appizer_tui.recording import start_recording

        def warn(text: str) -> None:
            click.echo(f"appizer-tui: {safe_text(text)}", err=True)

        handle = start_recording(store, settings, on_warning=warn, wall=clock.wall)
        return handle.close if handle is not None else (lambda: None)

    def hook_problem(text: str) -> None:
        click.echo(f"appizer-tui: {safe_text(text)}", err=True)

    async def run() -> int:
        client = conn.make_client(wall_clock=clock.wall)
        channels = AlertChannels.configured(
            settings.notify, settings.on_alert, terminal_writer(), on_problem=hook_problem
        )
        try:
            return await run_watch(
                client,
                campaign_ids,
                interval=settings.interval,
                fmt=fmt,
                exit_status=exit_status,
                timeout_seconds=timeout_seconds,
                max_rpm=settings.max_rpm,
                budget_share=settings.budget_share,
                clock=clock,
                redis_url=settings.redis_url,
                record=record,
                alert_config=alert_config(settings),
                channels=channels,
            )
        finally:
            await client.aclose()

    prepare_streams()
    try:
        code = asyncio.run(run())
    except KeyboardInterrupt:  # a second Ctrl+C while shutting down
        return EXIT_INTERRUPTED
    if code == SIGPIPE_EXIT:
        silence_closed_stdout()
    return code


_WATCH_HELP = """Follow CAMPAIGN_IDs until each is completed, failed, cancelled or not found.

Uses the same engine, rate budget and backoff as the viewer. `--format text` prints one line per
change (time, id, status, sent+failed/total, delivered, opened, clicked, failed, delivery/open/click
rates), a line when a campaign finishes, errors, retries and alerts on stderr, and a summary
table at the end (also on Ctrl+C). `--format jsonl` prints one JSON object per event, flushed
per line:
{"event": "update"|"terminal"|"error"|"alert", "at": ISO-8601, "campaign": {API fields},
"metrics": {...}}; alert events carry the --on-alert hook's fields (rule, state, message...);
error events carry "campaign_id" (null when every campaign is affected) and "error".

With --demo and no ids, watches the demo campaigns. A bare `appizer-tui ID...` whose stdout is
not a terminal (a pipe, a CI log) runs this in text format instead of the full-screen viewer.

\b
Exit status with --exit-status (the first that applies wins):
  3    the API key was refused (401/403); watch stops at once
  4    some campaign was not found
  1    some campaign failed or was cancelled
  124  --timeout passed before every campaign finished
  0    every campaign completed
Without --exit-status: 0, or 3 on an auth error.
Always: 2 usage error; 130 Ctrl+C, 143 SIGTERM, 129 SIGHUP (128 + signal);
141 when the output pipe closed.
"""


@click.command("watch", help=_WATCH_HELP)
@options_for("watch")
@click.option(
    "--exit-status", is_flag=True, help="Exit non-zero when a campaign fails (see below)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "jsonl"]),
    default="text",
    show_default=True,
    help="Lines for people, or JSON lines for jq and log shippers.",
)
@click.option("--timeout", type=_POSITIVE, metavar="SECONDS", help="Give up after SECONDS.")
@click.argument("campaign_ids", nargs=-1, metavar="CAMPAIGN_ID...")
def watch_command(
    campaign_ids: tuple[str, ...],
    exit_status: bool,
    fmt: str,
    timeout: float | None,
    **settings: Any,
) -> None:
    """See _WATCH_HELP."""
    ids = parse_campaign_ids(campaign_ids)
    with open_connection(**settings) as conn:
        ids = ids or list(conn.demo_ids)
        if not ids:
            raise click.UsageError("give at least one CAMPAIGN_ID")
        code = watch_main(conn, ids, fmt=fmt, exit_status=exit_status, timeout_seconds=timeout)
    sys.exit(code)


def _saved_watchlist(path: Path) -> list[str]:
    """The viewer's saved ids, read only; an unreadable list is no reason to fail a pipe."""
    from appizer_tui.state import watchlist

    try:
        return watchlist.load_watchlist(path)
    except Exception as exc:  # noqa: BLE001 - reported, then ignored
        click.echo(f"appizer-tui: ignoring the watchlist: {safe_text(exc)}", err=True)
        return []


def run_watch_from_viewer_options(campaign_ids: Sequence[str], **flags: Any) -> int:
    """`appizer-tui [OPTIONS] [ID]...` with stdout not a terminal: watch in text format.

    `flags` are the view command's setting parameters (the viewer-only ones only matter for
    settings). With no ids: the demo's ids under --demo, else the saved watchlist (unless
    --no-persist).
    """
    with open_connection(**flags) as conn:
        ids = list(campaign_ids) or list(conn.demo_ids)
        if not ids and not conn.settings.no_persist and not conn.demo:
            ids = _saved_watchlist(conn.settings.watchlist_path)
        if not ids:
            raise click.UsageError(
                "no campaign to watch: give CAMPAIGN_IDs (stdout is not a terminal, so "
                "appizer-tui runs `watch` instead of the viewer)"
            )
        return watch_main(conn, ids)


_EXPORT_HELP = """Fetch each CAMPAIGN_ID once (concurrently) and write CSV or a JSON array.

\b
Columns (CSV header and JSON keys): campaign_id, status, created_at, sent_at,
completed_at, total_recipients, sent, delivered, opened, clicked, failed,
delivery_rate, open_rate, click_rate, failure_rate, fetched_at.
Times are ISO 8601 UTC; rates are fractions 0..1 (the API's, else the docs'
formula; failure_rate is failed / (sent + failed)); empty (null) means unknown.
Server text starting with = + - @ gets a leading ' so spreadsheets never run it as
a formula.

--history writes sample rows (campaign_id, time, total_recipients, sent, delivered, opened,
clicked, failed, progress, delivery_rate, open_rate, click_rate, failure_rate, throughput), the
layout the viewer's `e` key uses for a campaign's history: every sample the history file holds
for the base URL, read without a request (no key needed). --offline: when the API cannot be
reached, export each campaign's last recorded sample instead.

Writes to stdout unless --output is given. A file is written atomically and an existing file is
never replaced unless --force is given. Campaigns that cannot be fetched are reported on stderr
and left out. With --demo and no ids, exports the demo campaigns.

\b
Exit status:
  0  every campaign was exported
  3  the API key was refused (401/403)
  4  some campaign id was not found
  5  rate limited (429)
  6  server error, network failure or invalid response
  2  usage error, or --output exists and --force was not given
  1  the file could not be written
"""


@click.command("export", help=_EXPORT_HELP)
@options_for("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="CSV with a header row, or a JSON array of objects.",
)
@click.option("--history", is_flag=True, help="Write sampled history rows (see below).")
@click.option(
    "--offline", is_flag=True, help="Fall back on the last recorded sample when unreachable."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write to FILE (atomically) instead of stdout.",
)
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.argument("campaign_ids", nargs=-1, metavar="CAMPAIGN_ID...")
def export_command(
    campaign_ids: tuple[str, ...],
    fmt: str,
    history: bool,
    offline: bool,
    output: Path | None,
    force: bool,
    **settings: Any,
) -> None:
    """See _EXPORT_HELP."""
    from appizer_tui.plain.export_cli import run_export, run_history_export

    ids = parse_campaign_ids(campaign_ids)
    if output is not None and output.exists() and not force:
        # Checked before any request, and again (atomically) when the file is written.
        click.echo(
            f"appizer-tui: {safe_text(str(output))} already exists; not overwriting it "
            "(pass --force to replace it)",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    if history:
        prepare_streams()
        sys.exit(run_history_export(settings, ids, fmt=fmt, output=output, force=force))
    with open_connection(**settings) as conn:
        ids = ids or list(conn.demo_ids)
        if not ids:
            raise click.UsageError("give at least one CAMPAIGN_ID")
        prepare_streams()
        code = run_export(conn, ids, fmt=fmt, offline=offline, output=output, force=force)
    sys.exit(code)
