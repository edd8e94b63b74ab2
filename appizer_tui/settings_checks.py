"""The checks of the settings table's rows: (value, the other settings' values) -> the value to
use, or ValueError saying why not. Every source (flag, environment, config file) goes through
them. Free of click and msgspec like the table; what a check needs beyond that (the alert
rules' names, the hook's parser, the Redis URL) is imported only when there is a value to check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from appizer_tui.api.secret import ApiKey
from appizer_tui.api.urls import check_base_url

if TYPE_CHECKING:
    from appizer_tui.team.redis_url import RedisUrl

Check = Callable[[Any, Mapping[str, Any]], Any]
"""(value, the other settings' values) -> the value to use; raises ValueError saying why not."""


def within(low: float, high: float) -> Check:
    def check(value: Any, _: Mapping[str, Any]) -> float:
        if not low <= value <= high:
            raise ValueError(f"must be between {low:g} and {high:g}, not {value:g}")
        return float(value)

    return check


def share(value: Any, _: Mapping[str, Any]) -> float:
    if not 0 < value <= 1:
        raise ValueError(f"must be more than 0 and at most 1, not {value:g}")
    return float(value)


def at_least_zero(value: Any, _: Mapping[str, Any]) -> int:
    if value < 0:
        raise ValueError(f"must be 0 or more, not {value}")
    return int(value)


def positive(value: Any, _: Mapping[str, Any]) -> float:
    if not value > 0:
        raise ValueError(f"must be more than 0, not {value:g}")
    return float(value)


def rule_names(value: Any, _: Mapping[str, Any]) -> tuple[str, ...]:
    if not value:
        return ()
    from appizer_tui.alerts.alert import RULE_NAMES  # only when there is a name to check

    unknown = [name for name in value if name not in RULE_NAMES]
    if unknown:
        raise ValueError(f"unknown rule {unknown[0]!r}; the rules are {', '.join(RULE_NAMES)}")
    return tuple(dict.fromkeys(value))


def notify_mode(value: Any, _: Mapping[str, Any]) -> str:
    from appizer_tui.alerts import NOTIFY_MODES

    if value not in NOTIFY_MODES:
        raise ValueError(f"must be one of {', '.join(NOTIFY_MODES)}, not {value!r}")
    return str(value)


def hook_command(value: Any, _: Mapping[str, Any]) -> str | None:
    from appizer_tui.alerts.hooks import hook_argv

    if not value:
        return None
    hook_argv(value)  # refuses an empty command or unbalanced quotes
    return str(value)


def api_key(value: Any, _: Mapping[str, Any]) -> ApiKey | None:
    return ApiKey(value) if value else None


def base_url(value: Any, others: Mapping[str, Any]) -> str:
    return check_base_url(value, insecure=bool(others.get("insecure")))


def days(value: Any, _: Mapping[str, Any]) -> float:
    if not 0 < value <= 36_500:
        raise ValueError(f"must be more than 0 and at most 36500, not {value:g}")
    return float(value)


def path(value: Any, _: Mapping[str, Any]) -> Path:
    return Path(value).expanduser()


def redis_url(value: Any, _: Mapping[str, Any]) -> RedisUrl | None:
    # Imported here: the team package is not needed for --help. Its errors mask the password.
    from appizer_tui.team.redis_url import RedisUrl

    return RedisUrl(value) if value else None
