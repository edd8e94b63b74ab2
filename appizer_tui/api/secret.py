"""The API key, held so that printing or logging it never shows it whole."""

from __future__ import annotations


def mask_key(key: str) -> str:
    """At most the first 8 and the last 4 characters, and never more than a third of a short key."""
    if len(key) >= 24:
        return f"{key[:8]}\u2026{key[-4:]}"
    shown = len(key) // 3
    return f"{key[:shown]}\u2026" if shown else "\u2026"


class ApiKey:
    """A secret API key. `repr()` and `str()` are masked; `reveal()` is for the auth header only."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        value = value.strip()
        if not value:
            raise ValueError("the API key is empty")
        # Printable ASCII only: it goes into an HTTP header as it is.
        if any(not 0x21 <= ord(c) <= 0x7E for c in value):
            raise ValueError(
                "the API key contains spaces, control characters or non-ASCII characters"
            )
        self._value = value

    def reveal(self) -> str:
        """The key itself, to put in the Authorization header and nowhere else."""
        return self._value

    @property
    def masked(self) -> str:
        """The key as it may be shown on screen."""
        return mask_key(self._value)

    def __repr__(self) -> str:
        return f"ApiKey({self.masked!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ApiKey) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> str:
        raise TypeError("an ApiKey cannot be pickled")
