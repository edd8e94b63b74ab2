"""The Redis URL: checked, shown only masked, and turned into a redis-py asyncio client.

A password in the URL is a secret like the API key: `str()`, `repr()` and `masked` replace it,
and the URL itself is only handed to redis-py. redis-py parses the URL (`from_url`); this module
only checks the scheme early, so a typo is refused with a clear message before anything starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

if TYPE_CHECKING:
    from redis.asyncio import Redis

SCHEMES = ("redis", "rediss", "unix")
"""redis:// (plain TCP), rediss:// (TLS) and unix:// (a local socket)."""
MASK = "****"
TIMEOUT = 2.0
"""Seconds to connect or to wait for one command's answer: a vanished server is noticed, not
waited on. Blocking reads (XREAD BLOCK) must ask for less."""
"""What a password is shown as."""


class RedisUrl:
    """A Redis URL whose password never shows. `reveal()` is for the redis client only."""

    __slots__ = ("_masked", "_value")

    def __init__(self, value: str) -> None:
        value = value.strip()
        parts = urlsplit(value)
        if parts.scheme not in SCHEMES:
            raise ValueError(
                "the Redis URL must start with redis://, rediss:// or unix://, not "
                f"{_masked(parts)!r}"
            )
        if parts.scheme != "unix" and not parts.hostname:
            raise ValueError(f"the Redis URL has no host: {_masked(parts)!r}")
        if parts.scheme == "unix" and not parts.path:
            raise ValueError(f"the Redis URL has no socket path: {_masked(parts)!r}")
        try:
            parts.port  # noqa: B018 - raises for a port that is not a number in range
        except ValueError:
            raise ValueError(f"the Redis URL has an invalid port: {_masked(parts)!r}") from None
        self._value = value
        self._masked = _masked(parts)

    def reveal(self) -> str:
        """The URL itself, password included, to give to redis-py and nowhere else."""
        return self._value

    @property
    def masked(self) -> str:
        """The URL as it may be shown or logged: the password (if any) replaced."""
        return self._masked

    def __repr__(self) -> str:
        return f"RedisUrl({self._masked!r})"

    __str__ = __repr__

    def __reduce__(self) -> str:
        raise TypeError("a RedisUrl cannot be pickled")

    def client(self, *, timeout: float = TIMEOUT) -> Redis:
        """A redis-py asyncio client (connections are made on first use). `timeout` bounds
        connecting and each command, so a vanished server is noticed, not waited on."""
        from redis.asyncio import Redis

        return Redis.from_url(
            self._value,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry_on_timeout=False,
            health_check_interval=0,
        )


def _masked(parts: SplitResult) -> str:
    """The URL with the password replaced, in the netloc and in a `password=` query argument
    (redis-py accepts both)."""
    netloc = parts.netloc
    if parts.password is not None:
        netloc = f"{parts.username or ''}:{MASK}@{netloc.rpartition('@')[2]}"
    query = "&".join(
        f"password={MASK}" if pair.partition("=")[0] == "password" else pair
        for pair in parts.query.split("&")
    )
    shown = f"{parts.scheme}://{netloc}{parts.path}"
    return f"{shown}?{query}" if query else shown
