"""Every symbol the viewer draws outside the chart exists in DejaVu Sans Mono, the default
monospace font of most Linux desktops: a missing glyph shows as an empty box, and when that
glyph is the only sign of something (the stale marker), the meaning is lost.

The symbols are collected from the source: every non-ASCII character in a string literal
(docstrings aside) of the modules that produce screen text. They are checked against a list of
the font's code points derived once with fontTools and checked in beside this file."""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

import appizer_tui
from appizer_tui.api.models import CampaignStatus
from appizer_tui.state import format as fmt

PACKAGE = Path(appizer_tui.__file__).parent
CODEPOINTS = Path(__file__).with_name("dejavu_sans_mono.codepoints")
NOT_DRAWN = {
    "state/export.py": "names the full-width formula characters it neutralises in CSV cells",
    "ui/widgets/chart.py": "the chart (plotext's own symbols) is out of scope",
}
"""Modules whose non-ASCII literals are not drawn as they are."""
SCANNED = ("ui", "present", "state", "plain")
"""The layers that produce screen text (safe_text.py only names characters it strips)."""


def dejavu_sans_mono() -> set[int]:
    points: set[int] = set()
    for line in CODEPOINTS.read_text().splitlines():
        if line and not line.startswith("#"):
            first, _, last = line.partition("-")
            points.update(range(int(first, 16), int(last or first, 16) + 1))
    return points


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings or bare string statements."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }


def drawn_symbols() -> dict[str, set[str]]:
    """Each non-ASCII character in a string literal of a drawing module -> where it is."""
    found: dict[str, set[str]] = {}
    for top in SCANNED:
        for path in sorted((PACKAGE / top).rglob("*.py")):
            name = path.relative_to(PACKAGE).as_posix()
            if name in NOT_DRAWN:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            skip = _docstrings(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if id(node) in skip:
                        continue
                    for char in node.value:
                        if ord(char) > 0x7E:
                            found.setdefault(char, set()).add(name)
    return found


def test_the_font_list_is_the_real_one() -> None:
    points = dejavu_sans_mono()
    assert len(points) == 3322  # DejaVu Sans Mono 2.37's cmap
    assert ord("\u2588") in points and ord("\u29d7") not in points


def test_every_symbol_the_viewer_draws_is_in_dejavu_sans_mono() -> None:
    symbols = drawn_symbols()
    # The scan sees what it must: the status symbols, the stale marker, the bars.
    for status in CampaignStatus:
        if status is not CampaignStatus.UNKNOWN:
            assert fmt.status_symbol(status) in symbols
    assert fmt.STALE_MARK in symbols and "\u2588" in symbols
    font = dejavu_sans_mono()
    missing = {
        f"U+{ord(c):04X} {unicodedata.name(c, '?')}": sorted(where)
        for c, where in symbols.items()
        if ord(c) not in font
    }
    assert missing == {}


def test_the_stale_marker_is_one_cell_wide() -> None:
    assert unicodedata.east_asian_width(fmt.STALE_MARK) == "N"
