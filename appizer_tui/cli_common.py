"""What every subcommand shares: connection flags, exit codes, settings, the demo simulator.

Kept free of Textual so that `status`, `watch` and `export` start fast and stay headless, and
free of click until a flag is declared or an error is raised, so that the viewer's click-free
start (`appizer_tui.viewer_args`) can use it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from appizer_tui.api.secret import ApiKey
from appizer_tui.api.urls import InvalidCampaignIdError, validate_campaign_id
from appizer_tui.config import MISSING_KEY_MESSAGE, ConfigError, Settings, resolve_settings

if TYPE_CHECKING:
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


def connection_options(func: F) -> F:
    """--api-key, --base-url, --insecure and --demo, for every command that talks to the API."""
    import click

    options = [
        click.option(
            "--api-key",
            metavar="KEY",
            help="API key (default: $APPIZER_API_KEY, then the config file). Never saved.",
        ),
        click.option(
            "--base-url",
            metavar="URL",
            help="API base URL (default: $APPIZER_BASE_URL, the config file, "
            "https://api.appizer.com/v1).",
        ),
        click.option(
            "--insecure",
            is_flag=True,
            help="Allow sending the key over plain http:// to a host other than this machine.",
        ),
        click.option(
            "--demo",
            is_flag=True,
            help="Run against the built-in simulator on 127.0.0.1 (no key needed).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


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
    demo: bool = False
    demo_ids: tuple[str, ...] = ()
    _stop: Callable[[], None] | None = field(default=None, repr=False)

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
    from appizer_tui.sim import DEMO_API_KEY, Simulator, demo_scenario, start_server

    simulator = Simulator(demo_scenario())
    server = start_server(simulator)
    return server.base_url, ApiKey(DEMO_API_KEY), tuple(simulator.campaign_ids()), server.stop


@contextmanager
def open_connection(
    *,
    api_key: str | None,
    base_url: str | None,
    insecure: bool,
    demo: bool,
    **settings: Any,
) -> Iterator[Connection]:
    """Settings from flags/env/file, or the demo simulator; a bad setting is a usage error."""
    try:
        resolved = resolve_settings(
            api_key=api_key, base_url=base_url, insecure=insecure, **settings
        )
    except ConfigError as exc:
        import click

        raise click.UsageError(str(exc)) from None
    if not demo:
        if resolved.api_key is None:
            import click

            raise click.UsageError(MISSING_KEY_MESSAGE)
        yield Connection(resolved)
        return
    url, key, ids, stop = _start_demo()
    connection = Connection(
        replace(resolved, api_key=key, base_url=url),
        demo=True,
        demo_ids=ids,
        _stop=stop,
    )
    try:
        yield connection
    finally:
        connection.close()


def stdout_is_terminal() -> bool:
    """True when stdout is a terminal (colour and the full-screen viewer make sense)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
