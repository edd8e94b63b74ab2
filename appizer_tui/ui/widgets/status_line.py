"""The budget line widget; the figures come from `present.status`."""

from __future__ import annotations

from textual.content import Content

from appizer_tui.present.status import BudgetProps
from appizer_tui.ui.widgets.section import Section


class StatusLine(Section[BudgetProps]):
    """Always one line (its height never changes, so nothing waits for a relayout to show):
    the budget figures on the left, and on the right the interval really got, or, when the
    watchlist costs more than the budget, the longest budget sentence that fits. The right part
    wins the room: the figures are cut first."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
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
        if props.overrun is not None:
            style = "bold $text-warning"
            choices = [f"\u26a0 {props.overrun}", f"\u26a0 {props.overrun_short or props.cadence}"]
        else:
            style = "bold $text-error" if props.cadence.startswith("PAUSED") else "$text-muted"
            choices = [props.cadence]
        for choice in choices:
            right = Content.styled(choice + " ", style)
            gap = width - figures.cell_length - right.cell_length
            if gap >= 3:
                return Content.assemble(figures, " " * gap, right)
        # Too narrow for both: the interval (the right part) stays, the figures are cut.
        room = width - right.cell_length - 1
        if room < 8:
            return right.truncate(width, ellipsis=True)
        return Content.assemble(figures.truncate(room, ellipsis=True), " ", right)
