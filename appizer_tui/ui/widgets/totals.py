"""The launch totals line under the campaign list; the sums come from `present.totals`."""

from __future__ import annotations

from textual.content import Content

from appizer_tui.present.totals import TotalsProps
from appizer_tui.ui.widgets.section import Section

SEPARATOR = " \u00b7 "


class TotalsLine(Section[TotalsProps]):
    """The counts ("Σ 3 campaigns  recipients 61,250 · sent …") and the rates over the sums,
    flowed over the lines the widget has (app.tcss: 2, 3 beside the detail at medium widths, 1
    in short windows), in order and never split; the rates start a line of their own while
    lines remain, and only what still does not fit at the end is cut: the counts come first."""

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
        first_rate = parts[-self.RATES]
        height = max(1, self.size.height)
        lines = [title]
        for part in parts:
            gap = " " if lines[-1] is title else SEPARATOR
            too_long = lines[-1].cell_length + len(gap) + part.cell_length > width
            if (too_long or part is first_rate) and len(lines) < height:
                lines.append(part)
            else:
                lines[-1] = Content.assemble(lines[-1], gap, part)
        return Content("\n").join(line.truncate(width, ellipsis=True) for line in lines)
