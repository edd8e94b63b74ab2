"""`appizer-tui alerts test`: send one sample alert through the configured channels, so a user can
check the hook and the desktop notification before a launch.

Only click and the shared option table are imported at module level (`appizer-tui --help` lists
the command without loading the alert machinery). `--notify` and `--on-alert` are the settings
table's rows (`options_for("alerts")`), so the config file's `notify` and `on_alert` apply too.

Exit status: 0 sent (and the hook, if any, exited 0 in time); 1 the hook failed; 2 usage error.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from appizer_tui.cli_common import options_for


@click.group("alerts")
def alerts_command() -> None:
    """Alert rules and channels."""


@alerts_command.command("test")
@options_for("alerts")
def alerts_test_command(**flags: Any) -> None:
    """Send one sample alert through the desktop notification and the --on-alert hook."""
    import asyncio
    import time

    from appizer_tui.alerts.channels import AlertChannels, send_test_alert
    from appizer_tui.alerts.hooks import HookRunner
    from appizer_tui.alerts.notify import TerminalNotifier, tty_writer
    from appizer_tui.config import ConfigError, resolve_settings

    try:
        settings = resolve_settings(**flags)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    notify, on_alert = settings.notify, settings.on_alert
    hooks = None if on_alert is None else HookRunner(on_alert)
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
