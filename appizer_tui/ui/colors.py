"""Colours that keep their meaning on a 16-colour terminal.

Textual's default theme is true colour; on TERM=xterm, linux or screen without COLORTERM, Rich
rounds each colour to the nearest of the terminal's 16, and success green and the alert red
came out grey and white. There the viewer uses Textual's own "ansi-dark" theme, whose success,
warning and error are the terminal's ANSI green, yellow and red (the user's own palette).
"""

from __future__ import annotations

from typing import Final

SIXTEEN_COLOUR_THEME: Final = "ansi-dark"

_FEW_COLOURS: Final = frozenset({"standard", "windows"})
"""Rich's names for terminals with 16 colours (or 8)."""


def theme_for(color_system: str | None, default: str) -> str:
    """The theme to use on a terminal with `color_system` (Rich's: "truecolor", "256",
    "standard", "windows", None for no colour); `default` unless it has only 16 colours."""
    return SIXTEEN_COLOUR_THEME if color_system in _FEW_COLOURS else default
