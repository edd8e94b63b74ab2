"""The `history` and `replay` click commands (cli.py registers them lazily).

Neither needs an API key or the network: they read the history file of the base URL picked the
way every command picks it (`--base-url`, $APPIZER_BASE_URL, the config file).
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import Any

import click

from appizer_tui.cli_common import EXIT_FAILED, options_for, parse_campaign_ids
from appizer_tui.config import ConfigError, resolve_settings
from appizer_tui.safe_text import safe_text
from appizer_tui.settings_table import Settings


def _settings(flags: dict[str, Any]) -> Settings:
    try:
        return resolve_settings(**flags)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _fail(text: str) -> None:
    click.echo(f"appizer-tui: {safe_text(text)}", err=True)
    sys.exit(EXIT_FAILED)


def _reader(settings: Settings) -> Any:
    """The history file's reader, or exit 1 saying why there is none."""
    from appizer_tui.history.schema import HistoryFileError
    from appizer_tui.plain.history_read import NoHistoryError, open_reader

    try:
        return open_reader(settings.history_file)
    except (NoHistoryError, HistoryFileError) as exc:
        _fail(str(exc))
        raise AssertionError("unreachable") from None


class _Time(click.ParamType):  # type: ignore[type-arg]
    """An ISO 8601 time (local time when no zone is given) or Unix seconds."""

    name = "TIME"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        text = str(value).strip()
        try:
            return float(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text).timestamp()
        except ValueError:
            self.fail(f"{text!r} is not an ISO 8601 time nor Unix seconds", param, ctx)


_HISTORY_HELP = """List what the history file holds for the base URL: each campaign's first and
last sample, its sample count (a run of identical polls counts once), and the file's size.

No API key needed. --prune deletes what is older than --history-days; --forget ID deletes
everything recorded about one campaign.
"""


@click.command("history", help=_HISTORY_HELP)
@options_for("history")
@click.option("--prune", is_flag=True, help="Delete samples older than --history-days.")
@click.option("--forget", "forget_id", metavar="ID", help="Delete everything about campaign ID.")
def history_command(prune: bool, forget_id: str | None, **flags: Any) -> None:
    """See _HISTORY_HELP."""
    from appizer_tui.state.format import iso_time

    settings = _settings(flags)
    with _reader(settings) as reader:
        if prune:
            deleted = reader.prune(settings.history_days, time.time())
            click.echo(f"pruned {deleted} samples older than {settings.history_days:g} days")
        if forget_id is not None:
            (cid,) = parse_campaign_ids([forget_id])
            if not reader.forget(settings.base_url, cid):
                _fail(f"nothing recorded about {cid} for {settings.base_url}")
            click.echo(f"forgot {cid}")
        if prune or forget_id is not None:
            return
        campaigns = reader.campaigns(settings.base_url)
        click.echo(f"{safe_text(str(settings.history_file))}: {_size(reader.file_size())}")
        if not campaigns:
            click.echo(f"nothing recorded for {safe_text(settings.base_url)}")
            return
        click.echo(f"{'campaign':<24} {'first sample':<24} {'last sample':<24} {'samples':>8}")
        for c in campaigns:
            cid = safe_text(c.campaign_id)
            first, last = iso_time(c.first_at), iso_time(c.last_at)
            click.echo(f"{cid:<24} {first:<24} {last:<24} {c.samples:>8}")


def _size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB"):
        if size < 1024 or unit == "MiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} bytes"


_REPLAY_HELP = """Play recorded campaigns back from the history file: no key, no network.

With no CAMPAIGN_ID, every campaign recorded for the base URL. Without --format, the viewer
over the recording, with a REPLAY badge and the replay clock in the header: space pauses,
left/right seek a minute (shift: ten), Home/End jump to the ends, < and > change the speed.
With --format jsonl, the recorded samples and error events printed as `watch --format jsonl`
printed them live (same events, recorded times), then exit 0.

TIME is ISO 8601 (local time unless it has a zone) or Unix seconds.
"""


@click.command("replay", help=_REPLAY_HELP)
@options_for("replay")
@click.option("--from", "start", type=_Time(), help="Start at TIME (default: the beginning).")
@click.option("--to", "end", type=_Time(), help="Stop at TIME (default: the end).")
@click.option(
    "--speed",
    type=click.FloatRange(min=0),
    help="Replay seconds per real second; 0 as fast as possible (default 1, jsonl 0).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl"]), help="Print JSON lines instead of the viewer."
)
@click.argument("campaign_ids", nargs=-1, metavar="[CAMPAIGN_ID]...")
def replay_command(
    campaign_ids: tuple[str, ...],
    start: float | None,
    end: float | None,
    speed: float | None,
    fmt: str | None,
    **flags: Any,
) -> None:
    """See _REPLAY_HELP."""
    settings = _settings(flags)
    ids = parse_campaign_ids(campaign_ids) or None
    with _reader(settings) as reader:
        recording = reader.load_recording(settings.base_url, ids, until=end)
    first = recording.start
    if first is None:
        _fail(f"nothing recorded for {settings.base_url} in {settings.history_file}")
        return
    position = first if start is None else max(start, first)
    if fmt == "jsonl":
        from appizer_tui.plain.history_read import run_replay_jsonl
        from appizer_tui.plain.terminal import prepare_streams

        prepare_streams()
        run_replay_jsonl(recording, sys.stdout, start=position, speed=speed or 0.0)
        return
    from appizer_tui.replay_viewer import run_replay_viewer

    sys.exit(
        run_replay_viewer(
            settings, recording, start=position, speed=1.0 if speed is None else speed
        )
    )
