"""`appizer-tui alerts test`: send one sample alert through the configured channels, so a user can
check the hook and the desktop notification before a launch.

Only click is imported at module level (`appizer-tui --help` lists the command without loading the
alert machinery). The `--notify` and `--on-alert` options stand in for the shared option table's
until the command is registered in `cli.py`.

Exit status: 0 sent (and the hook, if any, exited 0 in time); 1 the hook failed; 2 usage error.
"""

from __future__ import annotations

import sys

import click

from appizer_tui.alerts import NOTIFY_MODES


@click.group("alerts")
def alerts_command() -> None:
    """Alert rules and channels."""


@alerts_command.command("test")
@click.option(
    "--notify",
    type=click.Choice(NOTIFY_MODES),
    default="auto",
    show_default=True,
    help="Desktop notification through the terminal (auto picks by TERM_PROGRAM/TERM).",
)
@click.option(
    "--on-alert",
    "on_alert",
    metavar="CMD",
    default=None,
    help="Command run with the alert as one line of JSON on its stdin (no shell).",
)
def alerts_test_command(notify: str, on_alert: str | None) -> None:
    """Send one sample alert through the desktop notification and the --on-alert hook."""
    import asyncio
    import time

    from appizer_tui.alerts.channels import AlertChannels, send_test_alert
    from appizer_tui.alerts.hooks import HookRunner
    from appizer_tui.alerts.notify import TerminalNotifier, tty_writer

    try:
        hooks = None if on_alert is None else HookRunner(on_alert)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--on-alert") from None
    # Escape sequences go only to a terminal, never into a pipe or a log file.
    notifier = TerminalNotifier.from_env(notify, tty_writer(sys.stdout))
    if not sys.stdout.isatty():
        notifier.method = "off"

    async def run() -> tuple[str, str | None]:
        channels = AlertChannels(notifier, hooks)
        alert, problem = await send_test_alert(channels, time.time())
        return alert.to_json(), problem

    line, problem = asyncio.run(run())
    tmux = " through tmux passthrough" if notifier.tmux and notifier.method != "off" else ""
    click.echo(f"desktop notification: {notifier.method}{tmux}")
    if hooks is None:
        click.echo("hook: none (--on-alert not set)")
    else:
        click.echo(f"hook: {problem or 'ran and exited 0'}")
    click.echo(f"alert: {line}")
    if problem is not None:
        sys.exit(1)
