"""The budget line widget; the figures come from `present.status`."""

from __future__ import annotations

from textual.content import Content

from appizer_tui.present.status import BudgetProps
from appizer_tui.ui.widgets.section import Section


class StatusLine(Section[BudgetProps]):
    """One line, or two when the budget is overrun and the pane is too narrow for both."""

    DEFAULT_CSS = """
    StatusLine {
        height: auto;
        max-height: 2;
        background: $panel;
        color: $text-muted;
    }
    """

    def render_props(self, props: BudgetProps, width: int) -> Content:
        count_style = "bold $text-error" if props.count_429 else ""
        figures = Content.assemble(
            " ",
            props.used,
            (" \u00b7 " + props.server if props.server else ""),
            " \u00b7 ",
            (f"429s: {props.count_429}", count_style),
        )
        right_style = "bold $text-error" if props.cadence.startswith("PAUSED") else "$text-muted"
        right = Content.styled(props.cadence + " ", right_style)
        if props.problem is not None:
            figures = Content.assemble(figures, " \u00b7 ", (props.problem, "bold $text-warning"))
        if props.overrun is None:
            gap = width - figures.cell_length - right.cell_length
            if gap < 1:
                return figures.truncate(width, ellipsis=True)
            return Content.assemble(figures, " " * gap, right)
        overrun = Content.styled(f" \u26a0 {props.overrun}", "bold $text-warning")
        if figures.cell_length + overrun.cell_length + 3 <= width:
            return Content.assemble(figures, " \u00b7", overrun)
        return Content("\n").join(
            [figures.truncate(width, ellipsis=True), overrun.truncate(width, ellipsis=True)]
        )
