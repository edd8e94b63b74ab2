"""`appizer-tui [OPTIONS] [CAMPAIGN_ID]...`: the live viewer's command line (see
`appizer_tui.viewer` for what it runs).

When stdout is not a terminal the same invocation runs `watch` instead, so a pipe or a log file gets
plain lines rather than a full-screen app. Its options are the settings table's rows for "view"
(`appizer_tui.config.SETTINGS`).
"""

from __future__ import annotations

from typing import Any

import click

from appizer_tui.cli_common import options_for
from appizer_tui.viewer import view


@click.command("view")
@options_for("view")
@click.argument("campaign_ids", nargs=-1, metavar="[CAMPAIGN_ID]...")
def view_command(campaign_ids: tuple[str, ...], **settings: Any) -> None:
    """Open the live viewer on CAMPAIGN_IDs plus the saved watchlist.

    \b
    Exit status:
      0    quit with q, Ctrl+C or Ctrl+Q
      1    the polling engine stopped, or the viewer itself failed
      2    usage error (bad flag, bad id, no key)
      129  SIGHUP (the terminal went away), 143 SIGTERM, 130 SIGINT
    On every one of them the terminal is restored; the watchlist is saved on each change.
    """
    view(campaign_ids, **settings)
