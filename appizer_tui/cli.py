"""The `appizer-tui` command.

A bare `appizer-tui [OPTIONS] [CAMPAIGN_ID]...` opens the live viewer (or, when stdout is not a
terminal, behaves like `watch`); the subcommands are `status`, `watch`, `export`, `sim`,
`history` and `replay`. Heavy modules (Textual, the simulator's web stack) are imported only by
the commands that need them, so `--version`, `status` and `export` start fast.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from appizer_tui import __version__
from appizer_tui.cli_common import open_connection, options_for, parse_campaign_ids

_LAZY_COMMANDS = {
    "view": "appizer_tui.viewer_command:view_command",
    "watch": "appizer_tui.plain.commands:watch_command",
    "export": "appizer_tui.plain.commands:export_command",
    "sim": "appizer_tui.sim.command:sim_command",
    "history": "appizer_tui.history_cli:history_command",
    "replay": "appizer_tui.history_cli:replay_command",
    "alerts": "appizer_tui.alerts.command:alerts_command",
}
"""Commands whose modules are imported only to run them or to list them in --help (click's
"lazily loading subcommands" pattern), so the viewer never imports `watch`'s or `sim`'s."""


class _ViewerByDefault(click.Group):
    """A group whose default command is `view`, so options and ids can follow the bare command."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*self.commands, *_LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = _LAZY_COMMANDS.get(cmd_name)
        if where is None:
            return super().get_command(ctx, cmd_name)
        import importlib

        module, _, name = where.partition(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = args[0] if args else None
        commands = self.list_commands(ctx)
        if first not in commands and first not in ("--help", "-h", "--version"):
            if first is not None and not first.startswith("-"):
                _refuse_mistyped_command(first, commands)
            args = ["view", *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[OPTIONS] [CAMPAIGN_ID]... | COMMAND [ARGS]...")


def _refuse_mistyped_command(word: str, commands: list[str]) -> None:
    """`appizer-tui stauts c1` should not open the viewer on a campaign called "stauts". Ids with
    an underscore are never taken for a command."""
    import difflib

    close = difflib.get_close_matches(word, commands, n=1, cutoff=0.75)
    if close and "_" not in word:
        raise click.UsageError(f"no such command {word!r}; did you mean {close[0]!r}?")


@click.group(
    cls=_ViewerByDefault,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Run `appizer-tui view --help` for the viewer's options (they work on the bare "
    "command too). Try it without an account: `appizer-tui --demo`.",
)
@click.version_option(__version__, "--version", prog_name="appizer-tui")
def main() -> None:
    """Watch Appizer push-notification campaigns live from a terminal.

    With no command, opens the live viewer on the given campaign ids plus the saved watchlist.
    """


@main.command("status")
@options_for("status")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one element per id.")
@click.argument("campaign_ids", nargs=-1, metavar="CAMPAIGN_ID...")
def status_command(campaign_ids: tuple[str, ...], as_json: bool, **settings: Any) -> None:
    """Fetch each campaign once and print its status.

    \b
    Exit status:
      0  every campaign was fetched
      3  the API key was refused (401/403)
      4  some campaign id was not found
      5  rate limited (429)
      6  server error, network failure or invalid response
      2  usage error (bad flag, bad id, no key)
    When several kinds occur, the first in the order 3, 5, 6, 4 decides.
    """
    ids = parse_campaign_ids(campaign_ids)
    with open_connection(**settings) as conn:
        ids = ids or list(conn.demo_ids)
        if not ids:
            raise click.UsageError("give at least one CAMPAIGN_ID")
        # Imported once the arguments are known to be good: a usage error never pays for
        # httpx and asyncio.
        import asyncio

        from appizer_tui.plain.status import exit_status, fetch_all, to_json, to_table

        async def run() -> list[Any]:
            async with conn.make_client() as client:
                return await fetch_all(client, ids)

        outcomes = asyncio.run(run())
    click.echo(to_json(ids, outcomes) if as_json else to_table(ids, outcomes))
    sys.exit(exit_status(outcomes))
