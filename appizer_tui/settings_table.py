"""Every setting, declared once: `SETTINGS`, one row each (name, flag, environment variable,
config file key, type, default, check, help, the commands that take it).

From the table come the commands' click options (`appizer_tui.cli_common.options_for`), the config
file's schema and the resolution flags > environment > file > default (`appizer_tui.config`), the
frozen `Settings` every front end reads, and the README's Configuration table
(`configuration_table()`, printed by `python -m appizer_tui.settings_table`; tests/cli checks that
the README shows exactly it). Free of click and msgspec, so that `--help` stays light.

To add a setting:
  1. add a `Setting` row to `SETTINGS` (its `name` is the click parameter and the `Settings`
     field; its flag without the dashes, in snake case, is the config key; `commands` says which
     commands take the flag, `in_file` and `env` where else it may come from, `check` what values
     are refused and what a value becomes);
  2. add the typed field to `Settings`, in the same place (tests/cli checks that they agree);
  3. use `settings.<name>` where it matters, and paste `python -m appizer_tui.settings_table` into
     the README's Configuration table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import platformdirs

from appizer_tui.api.secret import ApiKey
from appizer_tui.api.urls import DEFAULT_BASE_URL, check_base_url
from appizer_tui.polling.interval import MAX_INTERVAL, MIN_INTERVAL

APP_NAME = "appizer-tui"

ALL_COMMANDS = frozenset({"view", "status", "watch", "export"})
POLLING_COMMANDS = frozenset({"view", "watch"})
VIEWER = frozenset({"view"})


def default_watchlist_path() -> Path:
    """Where the viewer keeps the watched campaign ids."""
    return platformdirs.user_state_path(APP_NAME) / "watchlist.json"


Check = Callable[[Any, Mapping[str, Any]], Any]
"""(value, the other settings' values) -> the value to use; raises ValueError saying why not."""


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
    """The value's type on the command line and in the file: str, float or bool (an on flag)."""
    default: Any = None
    """The value when no source gives one, or a function of no arguments that makes it."""
    default_text: str = ""
    """The default as the README and --help say it (else the default's own text)."""
    env: str | None = None
    in_file: bool = True
    check: Check | None = None
    commands: frozenset[str] = ALL_COMMANDS
    metavar: str | None = None

    def default_value(self) -> Any:
        """The default, made now when it is a function (a path under the current folder, say)."""
        return self.default() if callable(self.default) else self.default

    def shown_default(self) -> str:
        """The default in words."""
        if self.default_text:
            return self.default_text
        if self.kind is bool:
            return "off"
        value = self.default_value()
        return f"{value:g}" if self.kind is float else f"`{value}`"


def _within(low: float, high: float) -> Check:
    def check(value: Any, _: Mapping[str, Any]) -> float:
        if not low <= value <= high:
            raise ValueError(f"must be between {low:g} and {high:g}, not {value:g}")
        return float(value)

    return check


def _share(value: Any, _: Mapping[str, Any]) -> float:
    if not 0 < value <= 1:
        raise ValueError(f"must be more than 0 and at most 1, not {value:g}")
    return float(value)


def _api_key(value: Any, _: Mapping[str, Any]) -> ApiKey | None:
    return ApiKey(value) if value else None


def _base_url(value: Any, others: Mapping[str, Any]) -> str:
    return check_base_url(value, insecure=bool(others.get("insecure")))


def _path(value: Any, _: Mapping[str, Any]) -> Path:
    return Path(value).expanduser()


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "api_key",
        "--api-key",
        "API key. Never saved.",
        "API key",
        env="APPIZER_API_KEY",
        check=_api_key,
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
        check=_base_url,
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
        default=5.0,
        default_text=f"5 s ({MIN_INTERVAL:g} to {MAX_INTERVAL:g})",
        check=_within(MIN_INTERVAL, MAX_INTERVAL),
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
        check=_within(1.0, 100_000.0),
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
        default_text="1.0",
        check=_share,
        commands=POLLING_COMMANDS,
        metavar="F",
    ),
    Setting(
        "alert_failure_rate",
        "--alert-failure-rate",
        "Highlight and alert when a campaign's failure rate reaches F.",
        "failure-rate alert",
        kind=float,
        default=0.05,
        check=_within(0.0, 1.0),
        commands=VIEWER,
        metavar="F",
    ),
    Setting(
        "watchlist_path",
        "--watchlist",
        "Watchlist file.",
        "watchlist file",
        default=default_watchlist_path,
        default_text="`<user state dir>/appizer-tui/watchlist.json`",
        check=_path,
        commands=VIEWER,
        metavar="PATH",
    ),
    Setting(
        "no_persist",
        "--no-persist",
        "Neither read nor write the watchlist file.",
        "no watchlist file",
        kind=bool,
        default=False,
        in_file=False,
        commands=VIEWER,
    ),
    Setting(
        "export_dir",
        "--export-dir",
        "Where `e` writes exports.",
        "export folder",
        default=Path.cwd,
        default_text="the current folder",
        check=_path,
        commands=VIEWER,
        metavar="DIR",
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
    """The setting's key in the config file (its flag without the dashes, in snake case)."""
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
    watchlist_path: Path
    no_persist: bool
    export_dir: Path
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
