"""The launch totals line under the campaign list; the sums come from `present.totals`."""

from __future__ import annotations

from textual.content import Content

from appizer_tui.present.totals import TotalsProps
from appizer_tui.ui.widgets.section import Section

SEPARATOR = " \u00b7 "


class TotalsLine(Section[TotalsProps]):
    """The counts ("Σ 3 campaigns  recipients 61,250 · sent …") and, on a second line, the
    rates over the sums. Where that does not fit (a narrow list pane, big numbers, one line of
    height in short windows), the parts flow over the lines the widget has (app.tcss: 3 beside
    the detail at medium widths), in order, never split, and only what still does not fit at
    the end is cut: the counts come first."""

    DEFAULT_CSS = """
    TotalsLine {
        height: 2;
        color: $text-muted;
    }
    """

    RATES = 4
    """The last parts are the rates (see present.totals)."""

    def render_props(self, props: TotalsProps, width: int) -> Content:
        noun = "campaign" if props.campaigns == 1 else "campaigns"
        title = Content.styled(f"\u03a3 {props.campaigns} {noun} ", "bold")
        parts = [
            Content.assemble((label + " ", "$text-muted"), (value, "$text"))
            for label, value in props.parts
        ]
        counts, rates = parts[: -self.RATES], parts[-self.RATES :]
        height = max(1, self.size.height)
        lines = [
            Content.assemble(title, " ", Content(SEPARATOR).join(counts)),
            Content.assemble(" " * (title.cell_length + 1), Content(SEPARATOR).join(rates)),
        ]
        if height < len(lines) or any(line.cell_length > width for line in lines):
            lines = _flow([title, *parts], width, height)
        return Content("\n").join(line.truncate(width, ellipsis=True) for line in lines)


def _flow(pieces: list[Content], width: int, height: int) -> list[Content]:
    """`pieces` in order on at most `height` lines of `width` cells, SEPARATOR between two on
    a line (a space after the first); the last line takes whatever is left."""
    lines = [pieces[0]]
    for piece in pieces[1:]:
        gap = " " if lines[-1] is pieces[0] else SEPARATOR
        if lines[-1].cell_length + len(gap) + piece.cell_length > width and len(lines) < height:
            lines.append(piece)
        else:
            lines[-1] = Content.assemble(lines[-1], gap, piece)
    return lines
