"""safe_text leaves nothing a terminal would act on, and shows that something was there."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appizer_tui.safe_text import safe_text

PAYLOADS = [
    ("\x1b[2J", "\\x1b[2J"),
    ("\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07"),
    ("\x1b]8;;https://x.test\x1b\\link\x1b]8;;\x1b\\", None),
    ("\x9b31m", "\\x9b31m"),
    ("a\u202eb", "a\\u202eb"),
    ("\x7f", "\\x7f"),
    ("tab\there", "tab\\x09here"),
    ("line\nbreak", "line\\x0abreak"),
    ("[bold red]x[/]", "[bold red]x[/]"),
    ("caf\u00e9 \U0001f680", "caf\u00e9 \U0001f680"),
]


@pytest.mark.parametrize(("raw", "shown"), PAYLOADS)
def test_payloads(raw: str, shown: str | None) -> None:
    text = safe_text(raw)
    if shown is not None:
        assert text == shown
    assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text


def test_multi_line_keeps_newlines_and_tabs() -> None:
    assert safe_text("a\nb\tc\x1b", one_line=False) == "a\nb\tc\\x1b"


def test_long_text_is_cut() -> None:
    assert safe_text("x" * 10_000, max_length=50) == "x" * 49 + "\u2026"


UNSAFE = set(range(0x00, 0x20)) | set(range(0x7F, 0xA0)) | {0x061C, 0x200E, 0x200F}
UNSAFE |= set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))


@given(st.text())
def test_no_unsafe_character_survives(value: str) -> None:
    assert not any(ord(c) in UNSAFE for c in safe_text(value, max_length=100_000))
