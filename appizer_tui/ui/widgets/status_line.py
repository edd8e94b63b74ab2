"""The budget line widget; the figures come from `present.status`."""

from __future__ import annotations

from textual.content import Content

from appizer_tui.present.status import BudgetProps
from appizer_tui.ui.widgets.section import Section


class StatusLine(Section[BudgetProps]):
    """The budget line: the figures on the left, and on the right the interval really got, or,
    when the watchlist costs more than the budget, the longest budget sentence that fits. The
    right part wins the room: the figures are cut first. It is always one line (so nothing
    waits for a relayout to show), plus one above while an alert hook fails."""

    DEFAULT_CSS = """
    StatusLine {
        height: auto;
        max-height: 2;
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
