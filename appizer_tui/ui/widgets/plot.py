"""The chart's plot: textual-plotext's PlotextPlot, which can draw nothing without being hidden.

While the cursor moves, the previous campaign's lines must not stay under the new name. Hiding
the widget (`visible` or `display`) re-lays out the whole screen, ~15-90 ms with 1,000
campaigns, and showing it again does so once more; a blank render repaints the chart alone.
Imported by the chart's loader thread only (textual-plotext is slow to import).
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.reactive import reactive
from textual_plotext import PlotextPlot


class Plot(PlotextPlot):
    """A PlotextPlot with a `blank` switch."""

    blank: reactive[bool] = reactive(False)
    """True: draw nothing (a repaint, not a layout)."""

    def render(self) -> RenderResult:
        if self.blank:
            return ""
        result: RenderResult = super().render()
        return result
