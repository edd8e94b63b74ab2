"""What every subcommand shares: the settings' flags, exit codes, the connection, the demo.

Kept free of Textual so that `status`, `watch` and `export` start fast and stay headless; click is
imported only where a flag is declared or an error is raised.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from appizer_tui.api.secret import ApiKey
from appizer_tui.api.urls import InvalidCampaignIdError, validate_campaign_id
from appizer_tui.config import MISSING_KEY_MESSAGE, ConfigError, resolve_settings
from appizer_tui.settings_table import Setting, Settings, file_key, settings_for

if TYPE_CHECKING:
    from appizer_tui.alerts.rules import AlertConfig
    from appizer_tui.api.client import AppizerClient

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_RATE_LIMITED = 5
EXIT_UNAVAILABLE = 6
EXIT_TIMEOUT = 124
EXIT_INTERRUPTED = 130

F = TypeVar("F", bound=Callable[..., Any])


def options_for(command: str) -> Callable[[F], F]:
    """A decorator that gives a click command the flags of every setting `command` takes
    (`appizer_tui.config.SETTINGS`), each passed to it under the setting's name."""
    import click

    def help_text(setting: Setting) -> str:
        sources = [f"${setting.env}"] if setting.env else []
        if setting.in_file:
            sources.append(f"{file_key(setting)} in the config file")
        sources.append(setting.shown_default().replace("`", ""))
        return f"{setting.help} Default: {', then '.join(sources)}."

    def apply(func: F) -> F:
        for setting in reversed(settings_for(command)):
            kinds: dict[str, Any] = (
                {"is_flag": True, "default": None}
                if setting.kind is bool
                else {"type": setting.kind, "metavar": setting.metavar}
            )
            if setting.multiple:
                kinds["multiple"] = True
            option = click.option(setting.flag, setting.name, help=help_text(setting), **kinds)
            func = option(func)
        return func

    return apply


def alert_config(settings: Settings) -> AlertConfig:
    """The alert rules' settings from the resolved flags, environment and `[alerts]` table
    (each value was checked by its row; `AlertConfig` checks them again as a whole)."""
    from appizer_tui.alerts.rules import AlertConfig

    return AlertConfig(
        failure_rate=settings.alert_failure_rate,
        min_attempts=settings.min_attempts,
        stall_after=settings.stall_after,
        delivery_rate=settings.alert_delivery_rate,
        disabled=frozenset(settings.no_alert),
    )


def parse_campaign_ids(values: Sequence[str]) -> list[str]:
    """Ids from arguments ("a b", "a,b" both work), deduplicated in order; a bad one is a usage
    error that says which and why."""
    ids: list[str] = []
    for value in values:
        for part in value.replace(",", " ").split():
            try:
                campaign_id = validate_campaign_id(part)
            except InvalidCampaignIdError as exc:
                import click

                raise click.BadParameter(f"{part!r}: {exc}", param_hint="CAMPAIGN_ID") from None
            if campaign_id not in ids:
                ids.append(campaign_id)
    return ids


@dataclass
class Connection:
    """Resolved settings plus, with --demo, the simulator serving on loopback."""

    settings: Settings
    demo_ids: tuple[str, ...] = ()
    _stop: Callable[[], None] | None = field(default=None, repr=False)

    @property
    def demo(self) -> bool:
        """True when talking to the built-in simulator."""
        return self.settings.demo

    def make_client(self, wall_clock: Callable[[], float] = time.time) -> AppizerClient:
        """A client for these settings (the caller closes it)."""
        # Imported here: `--version`, `--help` and usage errors never need the HTTP stack.
        from appizer_tui.api.client import AppizerClient

        return AppizerClient(
            self.settings.api_key,
            self.settings.base_url,
            insecure=self.settings.insecure,
            wall_clock=wall_clock,
        )

    def close(self) -> None:
        """Stop the demo simulator, if one runs."""
        if self._stop is not None:
            self._stop()
            self._stop = None


def _start_demo() -> tuple[str, ApiKey, tuple[str, ...], Callable[[], None]]:
    # Imported here: starlette and uvicorn cost start-up time that only --demo needs.
    from appizer_tui.sim.app import DEMO_API_KEY, Simulator
    from appizer_tui.sim.scenarios import demo_scenario
    from appizer_tui.sim.server import start_server

    simulator = Simulator(demo_scenario())
    server = start_server(simulator)
    return server.base_url, ApiKey(DEMO_API_KEY), tuple(simulator.campaign_ids()), server.stop


@contextmanager
def open_connection(*, key_optional: bool = False, **flags: Any) -> Iterator[Connection]:
    """Settings from `flags` (a command's setting parameters, by name) > env > file > defaults,
    with the demo simulator running for --demo; a bad setting is a usage error, and so is a
    missing key unless `key_optional` (the viewer, which then asks for one)."""
    try:
        resolved = resolve_settings(**flags)
    except ConfigError as exc:
        import click

        raise click.UsageError(str(exc)) from None
    if not resolved.demo:
        if resolved.api_key is None and not key_optional:
            import click

            raise click.UsageError(MISSING_KEY_MESSAGE)
        yield Connection(resolved)
        return
    url, key, ids, stop = _start_demo()
    connection = Connection(resolved._replace(api_key=key, base_url=url), demo_ids=ids, _stop=stop)
    try:
        yield connection
    finally:
        connection.close()
