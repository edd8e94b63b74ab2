"""The budget line widget; the figures come from `present.status`."""

from __future__ import annotations

from textual.content import Content

from appizer_tui.present.status import BudgetProps
from appizer_tui.ui.widgets.section import Section


class StatusLine(Section[BudgetProps]):
    """One line, or two when the budget is overrun and the pane is too narrow for both; one
    more above while an alert hook fails."""

    DEFAULT_CSS = """
    StatusLine {
        height: auto;
        max-height: 3;
        background: $panel;
        color: $text-muted;
    }
    """

    def watch_props(self, old: BudgetProps | None, new: BudgetProps | None) -> None:
        # The hook's line comes and goes: the widget's height changes with it.
        if (old is not None and old.problem is not None) != (
            new is not None and new.problem is not None
        ):
            self.refresh(layout=True)

    def render_props(self, props: BudgetProps, width: int) -> Content:
        budget = self._budget(props, width)
        if props.problem is None:
            return budget
        # A failing alert hook: on a line of its own, first, so it is never cut off.
        problem = Content.styled(f" \u26a0 {props.problem}", "bold $text-warning")
        return Content("\n").join([problem.truncate(width, ellipsis=True), budget])

    def _budget(self, props: BudgetProps, width: int) -> Content:
        count_style = "bold $text-error" if props.count_429 else ""
        server = props.server
        if props.team and len(props.used) + len(server) + len(props.team) + 16 > width:
            server = ""  # a narrow pane keeps the team state rather than the server's figures
        figures = Content.assemble(
            " ",
            props.used,
            (" \u00b7 " + server if server else ""),
            " \u00b7 ",
            (f"429s: {props.count_429}", count_style),
            (" \u00b7 " + props.team if props.team else ""),
        )
        right_style = "bold $text-error" if props.cadence.startswith("PAUSED") else "$text-muted"
        right = Content.styled(props.cadence + " ", right_style)
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
