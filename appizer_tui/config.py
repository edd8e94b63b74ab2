"""Settings from flags, the environment and the config file, in that order.

The config file is TOML at `<user config dir>/appizer-tui/config.toml` (platformdirs), or the path
in `APPIZER_TUI_CONFIG`. Every key is optional:

    api_key = "sk_live_..."          # better kept in APPIZER_API_KEY
    base_url = "https://api.appizer.com/v1"
    interval = 5.0                   # seconds between polls of a sending campaign (1 to 300)
    max_rpm = 500                    # requests per minute the viewer may plan
    budget_share = 1.0               # share of the key's budget this viewer may use (0 < f <= 1)
    alert_failure_rate = 0.05
    watchlist = "/path/to/watchlist.json"

A bad file or value is an error that names the file and the key. The API key is never written to any
file by this program.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from appizer_tui.api.secret import ApiKey
from appizer_tui.api.urls import DEFAULT_BASE_URL, check_base_url

APP_NAME = "appizer-tui"
ENV_API_KEY = "APPIZER_API_KEY"
ENV_BASE_URL = "APPIZER_BASE_URL"
ENV_CONFIG = "APPIZER_TUI_CONFIG"

INTERVAL_RANGE = (1.0, 300.0)


class ConfigError(ValueError):
    """A setting that cannot be used; the message names where it came from."""


def default_config_path() -> Path:
    """Where the config file lives unless APPIZER_TUI_CONFIG says otherwise."""
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def default_watchlist_path() -> Path:
    """Where the viewer keeps the watched campaign ids."""
    return platformdirs.user_state_path(APP_NAME) / "watchlist.json"


@dataclass(frozen=True)
class FileConfig:
    """What the config file said (all optional)."""

    path: Path | None = None
    values: Mapping[str, Any] = field(default_factory=dict)


_FILE_KEYS: dict[str, tuple[type, ...]] = {
    "api_key": (str,),
    "base_url": (str,),
    "interval": (int, float),
    "max_rpm": (int, float),
    "budget_share": (int, float),
    "alert_failure_rate": (int, float),
    "watchlist": (str,),
    "export_dir": (str,),
}


def load_file_config(env: Mapping[str, str]) -> FileConfig:
    """Read the config file if there is one. A missing default file is fine; a broken one is not."""
    explicit = env.get(ENV_CONFIG)
    path = Path(explicit).expanduser() if explicit else default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(f"{ENV_CONFIG} names {path}, which does not exist")
        return FileConfig()
    import tomllib  # only when there is a file to read: it is most of this module's import time

    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc.__class__.__name__}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    for key, value in values.items():
        if key not in _FILE_KEYS:
            raise ConfigError(f"{path}: unknown key {key!r} (known: {', '.join(_FILE_KEYS)})")
        allowed = _FILE_KEYS[key]
        if not isinstance(value, allowed) or isinstance(value, bool):
            kind = " or ".join(t.__name__ for t in allowed)
            raise ConfigError(f"{path}: {key} must be a {kind}")
    return FileConfig(path=path, values=values)


@dataclass(frozen=True)
class Settings:
    """Everything a front end needs to connect and poll. `api_key` is masked when printed."""

    api_key: ApiKey | None
    base_url: str
    insecure: bool = False
    interval: float = 5.0
    max_rpm: float | None = None
    budget_share: float = 1.0
    alert_failure_rate: float = 0.05
    watchlist_path: Path = field(default_factory=default_watchlist_path)
    export_dir: Path = field(default_factory=Path.cwd)


def _pick(flag: Any, env_value: Any, file_value: Any, default: Any) -> Any:
    for value in (flag, env_value, file_value):
        if value is not None and value != "":
            return value
    return default


def _check_range(name: str, value: float, low: float, high: float, source: str) -> float:
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:g} and {high:g}, not {value:g} ({source})")
    return float(value)


def resolve_settings(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    insecure: bool = False,
    interval: float | None = None,
    max_rpm: float | None = None,
    budget_share: float | None = None,
    alert_failure_rate: float | None = None,
    watchlist: str | None = None,
    export_dir: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from flags (these arguments) > environment > config file > defaults."""
    env = os.environ if env is None else env
    file = load_file_config(env)
    fv = file.values
    where = str(file.path) if file.path else "default"
    raw_key = _pick(api_key, env.get(ENV_API_KEY), fv.get("api_key"), None)
    try:
        key = ApiKey(raw_key) if raw_key else None
    except ValueError as exc:
        raise ConfigError(f"the API key is unusable: {exc}") from None
    url = _pick(base_url, env.get(ENV_BASE_URL), fv.get("base_url"), DEFAULT_BASE_URL)
    try:
        url = check_base_url(url, insecure=insecure)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    interval_value = _check_range(
        "interval", _pick(interval, None, fv.get("interval"), 5.0), *INTERVAL_RANGE, where
    )
    rpm = _pick(max_rpm, None, fv.get("max_rpm"), None)
    if rpm is not None:
        rpm = _check_range("max_rpm", rpm, 1, 100_000, where)
    share = _pick(budget_share, None, fv.get("budget_share"), 1.0)
    if not 0 < share <= 1:
        raise ConfigError(f"budget_share must be more than 0 and at most 1, not {share:g}")
    alert = _check_range(
        "alert_failure_rate",
        _pick(alert_failure_rate, None, fv.get("alert_failure_rate"), 0.05),
        0.0,
        1.0,
        where,
    )
    watch_path = _pick(watchlist, None, fv.get("watchlist"), None)
    exports = _pick(export_dir, None, fv.get("export_dir"), None)
    return Settings(
        api_key=key,
        base_url=url,
        insecure=insecure,
        interval=interval_value,
        max_rpm=rpm,
        budget_share=float(share),
        alert_failure_rate=alert,
        watchlist_path=Path(watch_path).expanduser() if watch_path else default_watchlist_path(),
        export_dir=Path(exports).expanduser() if exports else Path.cwd(),
    )


MISSING_KEY_MESSAGE = (
    "no API key: set APPIZER_API_KEY (or pass --api-key, or put api_key in the config file); "
    "try `appizer-tui --demo` to use the built-in simulator, which needs none"
)
