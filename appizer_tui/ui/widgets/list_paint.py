"""Turning one list row into a Strip: few style runs, since each costs an escape sequence."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from appizer_tui.present.rows import RowProps, RowState
from appizer_tui.ui.widgets.list_model import Layout


def paint_row(
    row: RowProps,
    cells: tuple[str, ...],
    layout: Layout,
    base: Style,
    styles: dict[str, Style],
    cursor: Style | None,
) -> Strip:
    """The row's `cells` (fitted to `layout`) joined by single spaces. `styles` maps component
    names ("alert", "status-sending", ...) to partial styles; `cursor` is added for the cursor
    row."""
    row_style = base
    if row.alert:
        row_style += styles["alert"]
    elif row.state is not RowState.NORMAL:
        row_style += styles[row.state.value]
    if cursor is not None:
        row_style += cursor
    status_style = row_style
    if row.status is not None and row.state is RowState.NORMAL and not row.alert:
        status_style = row_style + styles[f"status-{row.status.value}"]
    elif row.status is None and row.state is RowState.ERROR:
        status_style = row_style + styles["error"]
    pieces: list[tuple[str, Style]] = []
    for position, cell in enumerate(cells):
        key = layout.columns[position].key
        style = row_style
        if key == "status":
            style = status_style
        elif key == "flag" and cell != " ":
            style = row_style + styles["flag"]
        for text, text_style in ((" " if position else "", row_style), (cell, style)):
            # Adjacent text in the same style joins one segment.
            if pieces and pieces[-1][1] == text_style:
                pieces[-1] = (pieces[-1][0] + text, text_style)
            elif text:
                pieces.append((text, text_style))
    return Strip([Segment(text, style) for text, style in pieces])
