"""Every setting, declared once: `SETTINGS`, one row each (name, flag, environment variable,
config file key, type, default, check, help, the commands that take it).

From the table come the commands' click options (`appizer_tui.cli_common.options_for`), the config
file's schema and the resolution flags > environment > file > default (`appizer_tui.config`), the
frozen `Settings` every front end reads, and the README's Configuration table
(`configuration_table()`, printed by `python -m appizer_tui.settings_table`; tests/cli checks that
the README shows exactly it). Free of click and msgspec, so that `--help` stays light.

To add a setting:
  1. add a `Setting` row to `SETTINGS` (its `name` is the click parameter and the `Settings`
     field; its flag without the dashes, in snake case, is the config key unless `key` names
     another, "table.key" for a key in a `[table]`; `commands` says which
     commands take the flag, `in_file` and `env` where else it may come from, `check` what values
     are refused and what a value becomes: a function of `appizer_tui.settings_checks`);
  2. add the typed field to `Settings`, in the same place (tests/cli checks that they agree);
  3. use `settings.<name>` where it matters, and paste `python -m appizer_tui.settings_table` into
     the README's Configuration table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import platformdirs

from appizer_tui import settings_checks as checks
from appizer_tui.alerts import defaults as alert_defaults
from appizer_tui.api.urls import DEFAULT_BASE_URL
from appizer_tui.polling.interval import DEFAULT_INTERVAL, MAX_INTERVAL, MIN_INTERVAL
from appizer_tui.settings_checks import Check

if TYPE_CHECKING:
    from appizer_tui.api.secret import ApiKey
    from appizer_tui.team.redis_url import RedisUrl

APP_NAME = "appizer-tui"

ALL_COMMANDS = frozenset({"view", "status", "watch", "export"})
POLLING_COMMANDS = frozenset({"view", "watch"})
VIEWER = frozenset({"view"})
HISTORY_COMMANDS = frozenset({"view", "watch", "export", "history", "replay"})
"""The commands that read or write the history file."""
RECORDING_COMMANDS = frozenset({"view", "watch", "export"})
"""The commands that may write a file (`--no-persist`, `--no-history`)."""
ALERT_CHANNELS = POLLING_COMMANDS | {"alerts"}
"""The viewer, `watch` and `appizer-tui alerts test` take the alert channels' flags."""


def default_watchlist_path() -> Path:
    """Where the viewer keeps the watched campaign ids."""
    return platformdirs.user_state_path(APP_NAME) / "watchlist.json"


def default_history_path() -> Path:
    """Where every poll is recorded (see `appizer_tui.history`)."""
    return platformdirs.user_state_path(APP_NAME) / "history.sqlite3"


class Setting(NamedTuple):
    """One row of the settings table. (NamedTuples, not dataclasses: a dataclass costs more than a
    millisecond to define at start-up, a NamedTuple a tenth of that.)"""

    name: str
    """The `Settings` field and the click parameter."""
    flag: str
    help: str
    """What the flag does, for --help; where the default comes from is added from the row."""
    label: str
    """What the README's Configuration table calls it."""
    kind: type = str
    """The value's type on the command line and in the file: str, int, float or bool (an on
    flag)."""
    default: Any = None
    """The value when no source gives one, or a function of no arguments that makes it."""
    default_text: str = ""
    """The default as the README and --help say it, "{}" standing for the value (else the
    default's own text)."""
    env: str | None = None
    in_file: bool = True
    check: Check | None = None
    commands: frozenset[str] = ALL_COMMANDS
    metavar: str | None = None
    key: str | None = None
    """The config file key when it is not the flag's ("alerts.stall_after": in `[alerts]`)."""
    multiple: bool = False
    """The flag may be repeated; the value is a tuple (a list in the file)."""

    def default_value(self) -> Any:
        """The default, made now when it is a function (a path under the current folder, say)."""
        return self.default() if callable(self.default) else self.default

    def shown_default(self) -> str:
        """The default in words."""
        if self.kind is bool and not self.default_text:
            return "off"
        if "{}" in self.default_text:
            value = self.default_value()
            return self.default_text.format(f"{value:g}" if self.kind is float else value)
        if self.default_text:
            return self.default_text
        value = self.default_value()
        return f"{value:g}" if self.kind is float else f"`{value}`"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "api_key",
        "--api-key",
        "API key. Never saved.",
        "API key",
        env="APPIZER_API_KEY",
        check=checks.api_key,
        default_text="none (`--demo` needs none)",
        metavar="KEY",
    ),
    Setting(
        "base_url",
        "--base-url",
        "API base URL.",
        "base URL",
        default=DEFAULT_BASE_URL,
        env="APPIZER_BASE_URL",
        check=checks.base_url,
        commands=ALL_COMMANDS | HISTORY_COMMANDS,
        metavar="URL",
    ),
    Setting(
        "insecure",
        "--insecure",
        "Allow sending the key over plain http:// to a host other than this machine.",
        "send the key over plain http://",
        kind=bool,
        default=False,
        in_file=False,
        commands=ALL_COMMANDS | HISTORY_COMMANDS,
    ),
    Setting(
        "demo",
        "--demo",
        "Run against the built-in simulator on 127.0.0.1 (no key needed).",
        "the built-in simulator",
        kind=bool,
        default=False,
        in_file=False,
    ),
    Setting(
        "interval",
        "--interval",
        "Seconds between polls of a sending campaign (1-300).",
        "poll interval",
        kind=float,
        default=DEFAULT_INTERVAL,
        default_text=f"{{}} s ({MIN_INTERVAL:g} to {MAX_INTERVAL:g})",
        check=checks.within(MIN_INTERVAL, MAX_INTERVAL),
        commands=POLLING_COMMANDS,
        metavar="SECONDS",
    ),
    Setting(
        "max_rpm",
        "--max-rpm",
        "Requests per minute that may be planned.",
        "requests per minute",
        kind=float,
        default_text="the server's `X-RateLimit-Limit`, else 500",
        check=checks.within(1.0, 100_000.0),
        commands=POLLING_COMMANDS,
        metavar="N",
    ),
    Setting(
        "budget_share",
        "--budget-share",
        "Share of the key's rate budget to use (0 < F <= 1).",
        "share of the key's budget",
        kind=float,
        default=1.0,
        check=checks.share,
        commands=POLLING_COMMANDS,
        metavar="F",
    ),
    Setting(
        "alert_failure_rate",
        "--alert-failure-rate",
        "Alert when a campaign's failure rate, failed / (sent + failed), reaches F.",
        "failure-rate alert",
        kind=float,
        default=alert_defaults.FAILURE_RATE,
        check=checks.share,
        commands=POLLING_COMMANDS,
        metavar="F",
        key="alerts.failure_rate",
    ),
    Setting(
        "min_attempts",
        "--min-attempts",
        "Sends attempted (sent + failed) before the rate alerts apply.",
        "attempts before rate alerts",
        kind=int,
        default=alert_defaults.MIN_ATTEMPTS,
        default_text="{}",
        check=checks.at_least_zero,
        commands=POLLING_COMMANDS,
        metavar="N",
        key="alerts.min_attempts",
    ),
    Setting(
        "stall_after",
        "--stall-after",
        "Alert when a sending campaign makes no progress for SECONDS.",
        "stall alert",
        kind=float,
        default=alert_defaults.STALL_AFTER,
        default_text="{} s",
        check=checks.positive,
        commands=POLLING_COMMANDS,
        metavar="SECONDS",
        key="alerts.stall_after",
    ),
    Setting(
        "alert_delivery_rate",
        "--alert-delivery-rate",
        "Alert when a campaign's delivery rate, delivered / sent, falls below F.",
        "delivery-rate alert",
        kind=float,
        default_text="off",
        check=checks.share,
        commands=POLLING_COMMANDS,
        metavar="F",
        key="alerts.delivery_rate",
    ),
    Setting(
        "no_alert",
        "--no-alert",
        "Switch off the alert RULE (failure_rate, stalled, delivery_rate, finished, failed,"
        " cancelled, api); repeatable.",
        "alert rules switched off",
        default=(),
        default_text="none",
        check=checks.rule_names,
        commands=POLLING_COMMANDS,
        metavar="RULE",
        key="alerts.disabled",
        multiple=True,
    ),
    Setting(
        "notify",
        "--notify",
        "Desktop notification through the terminal: auto (by TERM_PROGRAM/TERM), osc9,"
        " osc777, bell or off.",
        "desktop notification",
        default="auto",
        check=checks.notify_mode,
        commands=ALERT_CHANNELS,
        metavar="auto|osc9|osc777|bell|off",
    ),
    Setting(
        "on_alert",
        "--on-alert",
        "Run CMD (no shell) once per alert, with the alert as one line of JSON on its stdin.",
        "alert hook command",
        default_text="none",
        check=checks.hook_command,
        commands=ALERT_CHANNELS,
        metavar="CMD",
    ),
    Setting(
        "watchlist_path",
        "--watchlist",
        "Watchlist file.",
        "watchlist file",
        default=default_watchlist_path,
        default_text="`<user state dir>/appizer-tui/watchlist.json`",
        check=checks.path,
        commands=VIEWER,
        metavar="PATH",
    ),
    Setting(
        "no_persist",
        "--no-persist",
        "Write no file: neither the watchlist nor the history.",
        "no watchlist or history writes",
        kind=bool,
        default=False,
        in_file=False,
        commands=RECORDING_COMMANDS,
    ),
    Setting(
        "export_dir",
        "--export-dir",
        "Where `e` writes exports.",
        "export folder",
        default=Path.cwd,
        default_text="the current folder",
        check=checks.path,
        commands=VIEWER,
        metavar="DIR",
    ),
    Setting(
        "redis_url",
        "--redis",
        "Share one poller and one rate budget with every viewer and watch on this key through "
        "this Redis (redis://, rediss://, unix://; a password in it is never shown).",
        "team mode: a Redis URL",
        env="APPIZER_REDIS_URL",
        check=checks.redis_url,
        default_text="none (each process polls alone)",
        commands=POLLING_COMMANDS,
        metavar="URL",
        key="redis_url",
    ),
    Setting(
        "history_file",
        "--history-file",
        "History file: every poll recorded, for restarts, `replay` and `export --history`.",
        "history file",
        default=default_history_path,
        default_text="`<user state dir>/appizer-tui/history.sqlite3`",
        check=checks.path,
        commands=HISTORY_COMMANDS,
        metavar="PATH",
    ),
    Setting(
        "no_history",
        "--no-history",
        "Neither read nor write the history file.",
        "no history",
        kind=bool,
        default=False,
        in_file=False,
        commands=RECORDING_COMMANDS,
    ),
    Setting(
        "history_days",
        "--history-days",
        "Days of history kept; older samples are pruned at start.",
        "history retention",
        kind=float,
        default=30.0,
        default_text="30 days",
        check=checks.days,
        commands=HISTORY_COMMANDS,
        metavar="DAYS",
    ),
    Setting(
        "no_mouse",
        "--no-mouse",
        "Leave the mouse to the terminal: select and copy text natively; under GNU screen, Esc "
        "then works with one press.",
        "leave the mouse to the terminal",
        kind=bool,
        default=False,
        commands=VIEWER,
    ),
)
"""The settings, in --help order."""


def file_key(setting: Setting) -> str:
    """The setting's key in the config file: `key`, else its flag without the dashes, in snake
    case ("table.name" for a key in a `[table]`)."""
    if setting.key is not None:
        return setting.key
    return setting.flag.removeprefix("--").replace("-", "_")


def settings_for(command: str) -> tuple[Setting, ...]:
    """The rows whose flag `command` takes, in --help order."""
    return tuple(setting for setting in SETTINGS if command in setting.commands)


class Settings(NamedTuple):
    """Every setting, resolved. `api_key` is masked when printed. One field per row of SETTINGS."""

    api_key: ApiKey | None
    base_url: str
    insecure: bool
    demo: bool
    interval: float
    max_rpm: float | None
    budget_share: float
    alert_failure_rate: float
    min_attempts: int
    stall_after: float
    alert_delivery_rate: float | None
    no_alert: tuple[str, ...]
    notify: str
    on_alert: str | None
    watchlist_path: Path
    no_persist: bool
    export_dir: Path
    redis_url: RedisUrl | None
    history_file: Path
    no_history: bool
    history_days: float
    no_mouse: bool


def configuration_table() -> str:
    """The README's Configuration table, made from SETTINGS."""

    def code(text: str | None) -> str:
        return f"`{text}`" if text else ""

    lines = [
        "| setting | flag | environment | config file key | default |",
        "|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        key = file_key(s) if s.in_file else ""
        cells = (s.label, code(s.flag), code(s.env), code(key), s.shown_default())
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(configuration_table(), end="")
