"""Scenario files: campaigns for the simulator, written by hand in TOML.

    appizer-tui sim --scenario my_scenario.toml

A file holds an optional `name` and `seed`, an optional `[defaults]` table whose keys apply to every
campaign, and one `[[campaigns]]` table per campaign::

    name = "Black Friday"
    seed = 7                        # shapes the uneven pace and failure spread

    [defaults]
    send_duration = "20m"

    [[campaigns]]
    campaign_id = "camp_bf_us"      # required: what you pass to the viewer
    total_recipients = 250000       # required
    start_after = "-2m"             # sending began two minutes before the simulator started

    [[campaigns]]
    campaign_id = "camp_bf_retry"
    total_recipients = 4000
    outcome = "failed"              # completed (default), failed or cancelled
    stop_fraction = 0.4             # ...after 40 % of send_duration

Campaign keys (all but the first two optional; see `CampaignSpec`):

    campaign_id            text, no '/', spaces or control characters, at most 128 characters
    total_recipients       whole number >= 0
    outcome                "completed" | "failed" | "cancelled"
    start_after            duration: when sending begins, from the simulator's start (may be < 0)
    send_duration          duration >= 1 s: time to send to everyone
    stop_fraction          0..1: when a failed or cancelled campaign stops (share of send_duration)
    created_ago            duration: how long before the start the campaign was created
                           (default: two minutes before sending began or the start)
    failure_rate           0..1: share of recipients whose send fails
    delivery_rate          0..1: delivered / sent
    open_rate, click_rate  0..1: opened / delivered and clicked / delivered, reached over time
    delivery_lag           duration: how far delivered trails sent
    open_tau, click_tau    duration: mean delay before people open / click
    jitter                 0..0.9: how uneven the pace is
    omit_unset_timestamps  true: leave sent_at / completed_at out until set, instead of null

A duration is a number of seconds or a string such as "90s", "15m", "1h30m" or "-2m".
`appizer_tui/sim/example_scenario.toml` is a complete example. Mistakes are reported as a
ScenarioError naming the file, the campaign and the key.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from pathlib import Path
from typing import Any

from appizer_tui.sim.scenarios import CampaignSpec, Scenario, ScenarioError

TOP_LEVEL_KEYS = ("name", "seed", "defaults", "campaigns")
DURATION_KEYS = frozenset(
    {"start_after", "send_duration", "created_ago", "delivery_lag", "open_tau", "click_tau"}
)
FRACTION_KEYS = frozenset(
    {"stop_fraction", "failure_rate", "delivery_rate", "open_rate", "click_rate", "jitter"}
)
TEXT_KEYS = frozenset({"campaign_id", "outcome"})
CAMPAIGN_KEYS = tuple(f.name for f in dataclasses.fields(CampaignSpec) if f.name != "seed")
MAX_CAMPAIGNS = 10_000
_UNIT_SECONDS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])")


def parse_duration(value: object) -> float:
    """Seconds from a number or text like "90s", "15m", "1h30m", "-2m"; else ValueError."""
    if isinstance(value, bool):
        raise ValueError("expected a duration, not true/false")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        sign = -1.0 if text.startswith("-") else 1.0
        text = text.lstrip("+-")
        if not text or _DURATION_PART.sub("", text):
            raise ValueError(f'expected a duration like "90s", "15m" or "1h30m", not {value!r}')
        seconds = sign * sum(
            float(amount) * _UNIT_SECONDS[unit] for amount, unit in _DURATION_PART.findall(text)
        )
    else:
        raise ValueError(f'expected a duration (seconds or text like "15m"), not {value!r}')
    if not math.isfinite(seconds):
        raise ValueError("expected a finite duration")
    return seconds


def _convert(key: str, value: object) -> object:
    """One campaign value as CampaignSpec wants it; ValueError says what was expected."""
    if key in DURATION_KEYS:
        return parse_duration(value)
    if key in FRACTION_KEYS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number between 0 and 1, not {value!r}")
        return float(value)
    if key in TEXT_KEYS:
        if not isinstance(value, str):
            raise ValueError(f"expected text, not {value!r}")
        return value
    if key == "total_recipients":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, not {value!r}")
        return value
    if key == "omit_unset_timestamps":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, not {value!r}")
        return value
    raise AssertionError(key)  # pragma: no cover - every key is listed above


def _table(value: object, where: str, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScenarioError("expected a table", key=where, path=path)
    return value


def _values(table: dict[str, Any], label: str, path: str) -> dict[str, Any]:
    """The table's campaign keys converted, each mistake named as `label.key`."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in CAMPAIGN_KEYS:
            known = ", ".join(CAMPAIGN_KEYS)
            raise ScenarioError(
                f"unknown key (known keys: {known})", key=f"{label}.{key}", path=path
            )
        try:
            values[key] = _convert(key, value)
        except ValueError as exc:
            raise ScenarioError(str(exc), key=f"{label}.{key}", path=path) from None
    return values


def _campaign(
    raw: dict[str, Any], defaults: dict[str, Any], where: str, path: str, seed: int
) -> CampaignSpec:
    label = (
        f"{where} ({raw['campaign_id']!r})" if isinstance(raw.get("campaign_id"), str) else where
    )
    values = {**defaults, **_values(raw, label, path)}
    for required in ("campaign_id", "total_recipients"):
        if required not in values:
            raise ScenarioError(f"missing required key {required!r}", key=label, path=path)
    try:
        return CampaignSpec(**values, seed=seed)
    except ScenarioError as exc:
        key = f"{label}.{exc.key}"
        if exc.key in defaults and exc.key not in raw:
            key = f"defaults.{exc.key} (as used by {label})"
        raise ScenarioError(exc.reason, key=key, path=path) from None


def parse_scenario(data: dict[str, Any], path: str = "<scenario>") -> Scenario:
    """A Scenario from already-parsed TOML data; errors name `path` and the key."""
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            known = ", ".join(TOP_LEVEL_KEYS)
            raise ScenarioError(f"unknown top-level key (known keys: {known})", key=key, path=path)
    name = data.get("name", Path(path).stem)
    if not isinstance(name, str):
        raise ScenarioError("expected text", key="name", path=path)
    seed = data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ScenarioError("expected a whole number", key="seed", path=path)
    defaults = _values(_table(data.get("defaults", {}), "defaults", path), "defaults", path)
    if "campaign_id" in defaults:
        raise ScenarioError("ids cannot have a default", key="defaults.campaign_id", path=path)
    campaigns = data.get("campaigns")
    if not isinstance(campaigns, list) or not campaigns:
        raise ScenarioError(
            "no campaigns: add at least one [[campaigns]] table", key="campaigns", path=path
        )
    if len(campaigns) > MAX_CAMPAIGNS:
        raise ScenarioError(f"more than {MAX_CAMPAIGNS} campaigns", key="campaigns", path=path)
    specs: list[CampaignSpec] = []
    seen: set[str] = set()
    for index, raw in enumerate(campaigns, start=1):
        where = f"campaigns[{index}]"
        spec = _campaign(_table(raw, where, path), defaults, where, path, seed)
        if spec.campaign_id in seen:
            raise ScenarioError(
                f"duplicate id {spec.campaign_id!r}", key=f"{where}.campaign_id", path=path
            )
        seen.add(spec.campaign_id)
        specs.append(spec)
    return Scenario(tuple(specs), name=name)


def load_scenario(path: str | Path) -> Scenario:
    """Read a TOML scenario file (format in this module's docstring). Raises ScenarioError."""
    shown = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read the file ({exc.strerror or exc})", path=shown) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError("not UTF-8 text", path=shown) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"not valid TOML: {exc}", path=shown) from None
    return parse_scenario(data, shown)
