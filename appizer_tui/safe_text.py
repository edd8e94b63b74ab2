"""The one function that makes untrusted text inert before it reaches any output.

Everything that comes from the server or the user (ids, messages, codes, statuses) goes through
`safe_text()` before the viewer, the plain printers or an export shows it. Rich markup is handled
by the callers (they render `Text`/`Content`, never markup strings); this module removes what a
terminal would act on: C0 controls but tab and newline, DEL, C1 controls (including a bare 0x9B
CSI), the Unicode line and paragraph separators, and the bidi overrides that can reorder what a
reader sees. ESC is replaced, so no escape sequence (CSI, OSC 8/52, DCS, APC) can reach the
terminal.
"""

from __future__ import annotations

import re
from typing import Any

# C0 (minus \t and \n), DEL, C1, the Unicode line and paragraph separators (a line break to
# editors, log shippers and splitlines(), though not to terminals), and the bidi
# embedding/override/isolate characters.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_PARTIAL_ESCAPE = re.compile(r"\\(?:x[0-9a-f]?|u[0-9a-f]{0,3})?$")
"""The start of an escape left at the end of a cut: removed rather than shown half."""
_UNSAFE_ONE_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _show(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(value: object, *, max_length: int = 2000, one_line: bool = True) -> str:
    """Return `value` as text a terminal will only display.

    Unsafe characters are shown escaped (`\\x1b`, `\\u202e`) so the reader sees that something was
    there. With `one_line` (the default) tabs and newlines are escaped too. The result is at most
    `max_length` characters: longer text is cut, never inside an escape, and ends with an
    ellipsis (an escape takes four or six characters, so the limit holds after escaping).
    """
    text = value if isinstance(value, str) else str(value)
    long = len(text) > max_length
    if long:
        text = text[:max_length]  # bounds the work; escaping only makes it longer
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE
    shown = pattern.sub(_show, text)
    if not long and len(shown) <= max_length:
        return shown
    cut = _PARTIAL_ESCAPE.sub("", shown[: max(0, max_length - 1)])
    return cut + "\u2026"


def safe_data(value: Any) -> Any:
    """A JSON-ready value with every string in it (keys too) passed through `safe_text`, for the
    machine-readable outputs: a consumer that prints a field (`jq -r`) must get inert text too."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {safe_text(str(k)): safe_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [safe_data(v) for v in value]
    return value
