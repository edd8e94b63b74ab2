"""Settings resolved from flags > environment > config file > default into one frozen `Settings`,
each value checked whatever its source, by the rows of `appizer_tui.settings_table.SETTINGS`.

The config file is TOML at `<user config dir>/appizer-tui/config.toml` (platformdirs), or the path
in `APPIZER_TUI_CONFIG`. Every key is optional; the keys are those of the table's rows with
`in_file=True` (`file_key`: the flag without dashes, in snake case), for example:

    base_url = "https://api.appizer.com/v1"
    interval = 5.0                   # seconds between polls of a sending campaign (1 to 300)
    on_alert = "notify-send-alert"   # run once per alert, its JSON on stdin

    [alerts]                         # rows whose key is "alerts.<name>"
    failure_rate = 0.05
    stall_after = 120
    disabled = ["cancelled"]

It is read with tomllib and validated by a msgspec Struct made from the table (one nested Struct
per `[table]`), which forbids unknown keys. A bad file or value is an error that names where it
came from (the file, the flag or the variable) and the key. The API key is never written to any
file by this program.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import platformdirs

from appizer_tui.settings_table import APP_NAME, SETTINGS, Setting, Settings, file_key

ENV_CONFIG = "APPIZER_TUI_CONFIG"


class ConfigError(ValueError):
    """A setting that cannot be used; the message names where it came from."""


def default_config_path() -> Path:
    """Where the config file lives unless APPIZER_TUI_CONFIG says otherwise."""
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


class FileConfig(NamedTuple):
    """What the config file said: values by setting name (all optional)."""

    path: Path | None = None
    values: Mapping[str, Any] | None = None


_KIND_WORDS = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}


def _file_schema() -> Any:
    """The config file as a msgspec Struct: each file row's key, optional, nothing else; a
    dotted key ("alerts.stall_after") is a field of the nested Struct for its `[table]`."""
    import msgspec

    top: list[tuple[str, Any, None]] = []
    tables: dict[str, list[tuple[str, Any, None]]] = {}
    for s in SETTINGS:
        if s.in_file:
            table, _, name = file_key(s).rpartition(".")
            kind: Any = list[s.kind] if s.multiple else s.kind  # type: ignore[name-defined]
            (tables.setdefault(table, []) if table else top).append((name, kind | None, None))
    for table, fields in tables.items():
        struct = msgspec.defstruct(table, fields, forbid_unknown_fields=True, frozen=True)
        top.append((table, struct | None, None))
    return msgspec.defstruct("ConfigFile", top, forbid_unknown_fields=True, frozen=True)


def _file_value(parsed: Any, key: str) -> Any:
    """The value of a (dotted) key in the parsed file, or None."""
    for part in key.split("."):
        parsed = getattr(parsed, part, None)
        if parsed is None:
            return None
    return tuple(parsed) if isinstance(parsed, list) else parsed


def _file_error(path: Path, message: str) -> ConfigError:
    """msgspec's complaint in our words: the file, the key and what it should be."""
    import re  # the patterns are compiled only when there is an error to word

    where = re.search(r"`\$\.([\w.]+)", message)
    at = where.group(1) if where else ""
    unknown = re.search(r"unknown field `([^`]*)`", message)
    if unknown:
        table = f"{at}." if at else ""
        keys = [file_key(s) for s in SETTINGS if s.in_file]
        known = ", ".join(k.removeprefix(table) for k in keys if k.startswith(table))
        return ConfigError(f"{path}: unknown key {table + unknown.group(1)!r} (known: {known})")
    row = next((s for s in SETTINGS if s.in_file and file_key(s) == at), None)
    if row is None:
        return ConfigError(f"{path}: {message}")
    what = _KIND_WORDS[row.kind]
    if row.multiple:
        what = f"a list of {what.removeprefix('a ')}s"
    return ConfigError(f"{path}: {file_key(row)} must be {what}")


def load_file_config(env: Mapping[str, str]) -> FileConfig:
    """Read the config file if there is one. A missing default file is fine; a broken one is not."""
    explicit = env.get(ENV_CONFIG)
    path = Path(explicit).expanduser() if explicit else default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(f"{ENV_CONFIG} names {path}, which does not exist")
        return FileConfig()
    # Only when there is a file to read: they are most of this module's import time.
    import tomllib

    import msgspec

    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc.__class__.__name__}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    try:
        parsed = msgspec.convert(document, _file_schema())
    except msgspec.ValidationError as exc:
        raise _file_error(path, str(exc)) from None
    values = {
        s.name: value
        for s in SETTINGS
        if s.in_file and (value := _file_value(parsed, file_key(s))) is not None
    }
    return FileConfig(path=path, values=values)


def _given(setting: Setting, value: Any) -> bool:
    """An on flag that is off, an empty text or None means "not given here"."""
    if setting.kind is bool:
        return value is True
    return value is not None and value != "" and value != ()


def _from_env(setting: Setting, text: str) -> Any:
    if setting.kind is bool:
        return text.strip().lower() in ("1", "true", "yes", "on")
    if setting.kind in (float, int):
        try:
            return setting.kind(text)
        except ValueError:
            what = _KIND_WORDS[setting.kind]
            raise ConfigError(f"${setting.env}: {setting.name} must be {what}") from None
    return text


def resolve_settings(*, env: Mapping[str, str] | None = None, **flags: Any) -> Settings:
    """Settings from `flags` (by setting name; None or an off flag: not given) > the environment >
    the config file > the defaults, each value checked with the source named if it is refused."""
    unknown = set(flags) - {setting.name for setting in SETTINGS}
    if unknown:
        raise TypeError(f"not settings: {', '.join(sorted(unknown))}")
    env = os.environ if env is None else env
    file = load_file_config(env)
    file_values = file.values or {}
    raw: dict[str, Any] = {}
    source: dict[str, str] = {}
    for setting in SETTINGS:
        env_text = env.get(setting.env) if setting.env else None
        from_env = None if env_text is None else _from_env(setting, env_text)
        candidates = (
            (flags.get(setting.name), setting.flag),
            (from_env, f"${setting.env}"),
            (file_values.get(setting.name), str(file.path)),
        )
        raw[setting.name], source[setting.name] = next(
            ((value, where) for value, where in candidates if _given(setting, value)),
            (setting.default_value(), "default"),
        )
    resolved: dict[str, Any] = {}
    for setting in SETTINGS:
        value = raw[setting.name]
        if setting.check is not None and value is not None:
            try:
                value = setting.check(value, raw)
            except ValueError as exc:
                # "interval must be between ...", "api_key: the API key is empty", then where.
                why = str(exc)
                joined = " " if why.startswith("must ") else ": "
                where = source[setting.name]
                raise ConfigError(f"{file_key(setting)}{joined}{why} ({where})") from None
        resolved[setting.name] = value
    return Settings(**resolved)


MISSING_KEY_MESSAGE = (
    "no API key: set APPIZER_API_KEY (or pass --api-key, or put api_key in the config file); "
    "try `appizer-tui --demo` to use the built-in simulator, which needs none"
)
