"""The plain viewer invocation, `appizer-tui [OPTIONS] [CAMPAIGN_ID]...`, read without click.

Importing click and building the command group costs more than a tenth of the viewer's start-up,
and the viewer is the command people start most. This reads only what it fully understands: the
view command's own options (`--name value`, `--name=value`, flags), valid campaign ids, a
terminal on stdout, settings that resolve and a key (or --demo). Anything else (--help, a
subcommand or a word close to one, an unknown option, `--`, a bad value or id, a missing key, a
pipe, a shell asking for completions) returns False, and click reads the same arguments with its
own messages and exit codes. Both ways end in `appizer_tui.viewer.view` with the same parameters
(tests/cli checks this against click for each kind of argument).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from appizer_tui.api.urls import InvalidCampaignIdError, validate_campaign_id
from appizer_tui.config import ConfigError, resolve_settings
from appizer_tui.terminal_check import TerminalStreams, check_terminal
from appizer_tui.viewer import view

SUBCOMMANDS = ("status", "watch", "export", "sim", "view")
COMPLETION_VARIABLE = "_APPIZER_TUI_COMPLETE"
"""Set by a shell asking click for completions."""

_FLAGS = {"--insecure": "insecure", "--demo": "demo", "--no-persist": "no_persist"}
_TEXT = {
    "--api-key": "api_key",
    "--base-url": "base_url",
    "--watchlist": "watchlist",
    "--export-dir": "export_dir",
}
_NUMBERS = {
    "--interval": "interval",
    "--max-rpm": "max_rpm",
    "--budget-share": "budget_share",
    "--alert-failure-rate": "alert_failure_rate",
}


def close_command(word: str, commands: Sequence[str] = SUBCOMMANDS) -> str | None:
    """The subcommand `word` was probably meant to be (`stauts`), or None: such a word is refused
    rather than watched as a campaign id. Ids with an underscore are never taken for one."""
    import difflib

    close = difflib.get_close_matches(word, list(commands), n=1, cutoff=0.75)
    return close[0] if close and "_" not in word else None


def view_params(args: Sequence[str]) -> dict[str, Any] | None:
    """The view command's parameters as click would pass them, or None to leave `args` to click."""
    if args and not args[0].startswith("-") and (args[0] in SUBCOMMANDS or close_command(args[0])):
        return None
    params: dict[str, Any] = dict.fromkeys([*_TEXT.values(), *_NUMBERS.values()])
    params.update(dict.fromkeys(_FLAGS.values(), False))
    ids: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if not arg.startswith("-"):
            ids.append(arg)
            continue
        name, equals, value = arg.partition("=")
        if name in _FLAGS and not equals:
            params[_FLAGS[name]] = True
            continue
        if name not in _TEXT and name not in _NUMBERS:
            return None  # --help, -h, --, an unknown option, a flag given a value
        if not equals:
            if not rest or rest[0].startswith("-"):
                return None  # click's error, or a value click would take that looks like a flag
            value = rest.pop(0)
        if name in _TEXT:
            params[_TEXT[name]] = value
            continue
        try:
            params[_NUMBERS[name]] = float(value)  # what click's FLOAT type does
        except ValueError:
            return None
    params["campaign_ids"] = tuple(ids)
    return params


def _runs_cleanly(params: dict[str, Any]) -> bool:
    """True when `view` will neither refuse these parameters nor hand over to `watch`."""
    if check_terminal(os.environ, TerminalStreams.current()).action != "view":
        return False
    try:
        for value in params["campaign_ids"]:
            for part in value.replace(",", " ").split():
                validate_campaign_id(part)
        settings = resolve_settings(
            **{k: v for k, v in params.items() if k not in ("campaign_ids", "no_persist", "demo")}
        )
    except (InvalidCampaignIdError, ConfigError):
        return False
    return params["demo"] or settings.api_key is not None


def run_viewer_without_click(args: Sequence[str]) -> bool:
    """Run the viewer on `args` (they never return) if they are a plain viewer invocation this
    module fully understands; False, having done nothing, to leave them to click."""
    if COMPLETION_VARIABLE in os.environ:
        return False
    params = view_params(args)
    if params is None or not _runs_cleanly(params):
        return False
    try:
        view(**params)
    except (EOFError, KeyboardInterrupt):
        # As click's standalone mode reports an interrupt before the viewer takes the terminal.
        sys.stderr.write("\nAborted!\n")
        sys.exit(1)
    return True
