"""Which columns of the campaign list fit a width, and each row's cells fitted to them.

No Textual here: the presenter says what each row reads (`present.rows.RowProps`); this module
decides which of its cells fit and how wide, so the decisions are testable as plain functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import msgspec

from appizer_tui.present.rows import CELL_KEYS, RowProps


class Column(msgspec.Struct, frozen=True):
    """One list column: key, header, width in cells, right-aligned or not, and how early it is
    dropped when the pane is narrow (higher drops first; 0 never drops)."""

    key: str
    header: str
    width: int
    right: bool = False
    drop: int = 0


_ID_MIN: Final = 18
_ID_MAX: Final = 40
_COLUMNS: Final = (
    Column("flag", " ", 1),
    Column("id", "CAMPAIGN", _ID_MIN),
    Column("status", "STATUS", 11),
    Column("progress", "PROG", 6, right=True),
    Column("bar", "", 10, drop=6),
    Column("delivery", "DELIV", 6, right=True, drop=3),
    Column("open", "OPEN", 6, right=True, drop=4),
    Column("click", "CLICK", 6, right=True, drop=5),
    Column("failed", "FAILED", 7, right=True, drop=2),
    Column("age", "AGE", 6, right=True, drop=1),
)


class Layout(msgspec.Struct, frozen=True):
    """The columns that fit a width, with their x offsets (one space between columns)."""

    columns: tuple[Column, ...]
    offsets: tuple[int, ...]
    width: int

    def index(self, key: str) -> int | None:
        """The position of the column `key`, or None when it was dropped."""
        for position, column in enumerate(self.columns):
            if column.key == key:
                return position
        return None


def layout_for(width: int) -> Layout:
    """Drop low-priority columns until the id gets at least its minimum, then give the id
    the room that is left (up to a cap, beyond which the bar and spacing absorb it)."""
    columns = list(_COLUMNS)

    def fixed(cols: Iterable[Column]) -> int:
        cols = list(cols)
        return sum(c.width for c in cols if c.key != "id") + len(cols) - 1

    while fixed(columns) + _ID_MIN > width:
        droppable = [c for c in columns if c.drop]
        if not droppable:
            break
        columns.remove(max(droppable, key=lambda c: c.drop))
    id_width = min(_ID_MAX, max(_ID_MIN, width - fixed(columns)))
    sized = tuple(Column(c.key, c.header, id_width) if c.key == "id" else c for c in columns)
    offsets = []
    x = 0
    for column in sized:
        offsets.append(x)
        x += column.width + 1
    return Layout(sized, tuple(offsets), max(0, x - 1))


def _fit(text: str, width: int, right: bool) -> str:
    if len(text) > width:
        text = text[: max(0, width - 1)] + "\u2026" if width > 1 else text[:width]
    return text.rjust(width) if right else text.ljust(width)


def fit_cells(row: RowProps, layout: Layout) -> tuple[str, ...]:
    """The row's cells for the columns of `layout`, each cut or padded to its width."""
    return tuple(_fit(row.cells[_CELL_INDEX[c.key]], c.width, c.right) for c in layout.columns)


_CELL_INDEX: Final = {key: index for index, key in enumerate(CELL_KEYS)}


def header_cells(layout: Layout) -> tuple[str, ...]:
    """The column titles, fitted like the cells below them."""
    return tuple(_fit(c.header, c.width, c.right) for c in layout.columns)
