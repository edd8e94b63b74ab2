"""`appizer-tui [OPTIONS] [CAMPAIGN_ID]...`: the live viewer's command line (see
`appizer_tui.viewer` for what it runs).

When stdout is not a terminal the same invocation runs `watch` instead, so a pipe or a log file gets
plain lines rather than a full-screen app. The plain viewer invocation usually never reaches click:
`appizer_tui.viewer_args` reads it, and gives everything else (help, errors) to this command.
"""

from __future__ import annotations

from typing import Any

import click

from appizer_tui.cli_common import connection_options
from appizer_tui.viewer import view


@click.command("view")
@connection_options
@click.option("--interval", type=float, metavar="SECONDS", help="Seconds between polls (1-300).")
@click.option("--max-rpm", type=float, metavar="N", help="Requests per minute the viewer may plan.")
@click.option("--budget-share", type=float, metavar="F", help="Share of the key's rate budget.")
@click.option(
    "--alert-failure-rate",
    type=float,
    metavar="F",
    help="Highlight and alert when a campaign's failure rate, failed / (sent + failed), "
    "exceeds F (default 0.05).",
)
@click.option("--watchlist", metavar="PATH", help="Watchlist file (default: user state dir).")
@click.option("--no-persist", is_flag=True, help="Neither read nor write the watchlist file.")
@click.option("--export-dir", metavar="DIR", help="Where `e` writes exports (default: here).")
@click.argument("campaign_ids", nargs=-1, metavar="[CAMPAIGN_ID]...")
def view_command(
    campaign_ids: tuple[str, ...],
    no_persist: bool,
    **options: Any,
) -> None:
    """Open the live viewer on CAMPAIGN_IDs plus the saved watchlist.

    \b
    Exit status:
      0    quit with q, Ctrl+C or Ctrl+Q
      1    the polling engine stopped, or the viewer itself failed
      2    usage error (bad flag, bad id, no key)
      129  SIGHUP (the terminal went away), 143 SIGTERM, 130 SIGINT
    On every one of them the terminal is restored; the watchlist is saved on each change.
    """
    view(campaign_ids, no_persist, **options)
