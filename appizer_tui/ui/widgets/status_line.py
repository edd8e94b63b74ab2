"""The budget line: requests in the last minute against the budget, the server's remaining count
and reset, 429s seen, and, when the watchlist costs more than the budget, the interval achieved."""

from __future__ import annotations

import msgspec
from textual.content import Content

from appizer_tui.state import format as fmt
from appizer_tui.state.store import BudgetStatus
from appizer_tui.ui.widgets.section import Section


class BudgetProps(msgspec.Struct, frozen=True):
    """The figures as texts (the countdown already computed for `now`)."""

    used: str
    server: str
    count_429: int
    overrun: str | None
    cadence: str


def budget_props(
    budget: BudgetStatus, interval: float, now: float, *, paused: bool = False
) -> BudgetProps:
    """The budget line for `budget` at wall time `now`; `interval` is the configured cadence."""
    if budget.budget_rpm > 0:
        used = f"{budget.requests_last_minute:,}/{budget.budget_rpm:,.0f} req/min"
    else:
        # The engine plans nothing while a 429 pause lasts: say that, not "x/0".
        used = f"{budget.requests_last_minute:,} req in the last min (on hold)"
    server = ""
    if budget.server_remaining is not None:
        limit = f"/{budget.server_limit:,}" if budget.server_limit is not None else ""
        server = f"server {budget.server_remaining:,}{limit} left"
        if budget.server_reset_at is not None:
            server += f", resets {fmt.format_countdown(budget.server_reset_at - now)}"
    overrun = fmt.budget_sentence(budget)
    cadence = "PAUSED \u00b7 p resumes" if paused else fmt.polling_interval(budget, interval)
    return BudgetProps(used, server, budget.count_429, overrun, cadence)


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
