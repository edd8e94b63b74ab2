"""The progress bar: (sent + failed) / total, with throughput and ETA while sending."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content

from appizer_tui.api.models import CampaignStatus
from appizer_tui.state import format as fmt
from appizer_tui.state.store import CampaignView
from appizer_tui.ui.widgets.section import Section


@dataclass(frozen=True, slots=True)
class ProgressProps:
    """The bar's fill and the texts around it."""

    fraction: float | None
    percent: str
    counts: str
    pace: str
    sending: bool


def progress_props(view: CampaignView) -> ProgressProps | None:
    """The progress of `view`, None before any data."""
    campaign = view.campaign
    if campaign is None:
        return None
    stats = campaign.stats
    metrics = view.metrics
    done = stats.sent + stats.failed
    sending = campaign.status is CampaignStatus.SENDING
    if sending:
        # Throughput and ETA need two samples: leave them out rather than show dashes.
        pace = fmt.join_parts(
            [
                fmt.format_throughput(metrics.throughput)
                if metrics.throughput is not None
                else None,
                f"ETA {fmt.format_duration(metrics.eta_seconds)}"
                if metrics.eta_seconds is not None
                else None,
            ]
        )
    elif campaign.status.is_terminal and metrics.send_seconds is not None:
        pace = f"took {fmt.format_duration(metrics.send_seconds)}"
    else:
        pace = ""
    return ProgressProps(
        fraction=metrics.progress,
        percent=fmt.format_percent(metrics.progress),
        counts=f"{fmt.format_count(done)} / {fmt.format_count(stats.total_recipients)}",
        pace=pace,
        sending=sending,
    )


class ProgressPanel(Section[ProgressProps]):
    """Two lines: the bar and its percentage, then counts, throughput and ETA."""

    DEFAULT_CSS = """
    ProgressPanel {
        height: 2;
    }
    """

    def render_props(self, props: ProgressProps, width: int) -> Content:
        percent = props.percent.rjust(7)
        bar_width = max(4, width - len(percent) - 1)
        filled = fmt.bar(props.fraction, bar_width)
        # The unfilled part is drawn as a track so the bar's length reads without colour.
        track = filled.rstrip(" ")
        rest = "\u2500" * (bar_width - len(track))
        bar_style = "$text-accent" if props.sending else "$text-success"
        line1 = Content.assemble((track, bar_style), (rest, "$text-muted"), " ", (percent, "bold"))
        line2 = Content.assemble(
            props.counts, ("  " + props.pace if props.pace else "", "$text-muted")
        )
        return Content("\n").join([line1, line2.truncate(width, ellipsis=True)])
