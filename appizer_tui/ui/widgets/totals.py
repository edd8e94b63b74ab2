"""The launch totals line under the campaign list; the sums come from `present.totals`."""

from __future__ import annotations

from textual.content import Content

from appizer_tui.present.totals import TotalsProps
from appizer_tui.ui.widgets.section import Section


class TotalsLine(Section[TotalsProps]):
    """The counts ("Σ 3 campaigns  recipients 61,250 · sent …") and, on a second line, the
    rates over the sums. With one line of height (app.tcss, short windows) the rates follow
    the counts on the same line, cut at the right: the counts come first."""

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
        title = Content.styled(f"\u03a3 {props.campaigns} {noun}  ", "bold")
        counts = _joined(props.parts[: -self.RATES])
        rates = _joined(props.parts[-self.RATES :])
        if self.size.height < 2:
            return Content.assemble(title, counts, " \u00b7 ", rates).truncate(width, ellipsis=True)
        lines = [Content.assemble(title, counts), Content.assemble(" " * title.cell_length, rates)]
        return Content("\n").join(line.truncate(width, ellipsis=True) for line in lines)


def _joined(parts: tuple[tuple[str, str], ...]) -> Content:
    pieces = [
        Content.assemble((label + " ", "$text-muted"), (value, "$text")) for label, value in parts
    ]
    return Content(" \u00b7 ").join(pieces)
