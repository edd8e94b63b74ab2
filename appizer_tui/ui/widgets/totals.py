"""The launch totals line under the campaign list; the sums come from `present.totals`."""

from __future__ import annotations

from textual.content import Content

from appizer_tui.present.totals import TotalsProps
from appizer_tui.ui.widgets.section import Section


class TotalsLine(Section[TotalsProps]):
    """One line: "Σ 3 campaigns  recipients 61,250 · sent … · failure 1.2%", cut at the right
    (the counts come first, the rates last, so a narrow pane keeps the counts)."""

    DEFAULT_CSS = """
    TotalsLine {
        height: 1;
        color: $text-muted;
    }
    """

    def render_props(self, props: TotalsProps, width: int) -> Content:
        noun = "campaign" if props.campaigns == 1 else "campaigns"
        pieces: list[Content | tuple[str, str] | str] = [
            (f"\u03a3 {props.campaigns} {noun}", "bold"),
        ]
        for label, value in props.parts:
            pieces.append(" \u00b7 " if len(pieces) > 1 else "  ")
            pieces.append(Content.assemble((label + " ", "$text-muted"), (value, "$text")))
        return Content.assemble(*pieces).truncate(width, ellipsis=True)
