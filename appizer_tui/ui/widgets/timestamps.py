"""Created, sent and completed times (relative, local or UTC: `t` cycles), queue time and send
duration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.content import Content

from appizer_tui.state import format as fmt
from appizer_tui.state.store import CampaignView
from appizer_tui.ui.widgets.section import Section, label_value


@dataclass(frozen=True, slots=True)
class TimesProps:
    """The texts of the four lines, already formatted for the chosen mode."""

    created: str
    sent: str
    completed: str
    durations: str
    mode: str


def times_props(view: CampaignView, now: float, mode: str) -> TimesProps | None:
    """The timestamps of `view` in `mode` ("relative", "local", "utc"), None before any data."""
    campaign = view.campaign
    if campaign is None:
        return None
    metrics = view.metrics
    queue = f"queued {fmt.format_duration(metrics.queue_seconds)}"
    verb = "sent in" if campaign.completed_at is not None else "sending for"
    send = f"{verb} {fmt.format_duration(metrics.send_seconds)}"
    return TimesProps(
        created=_stamp(campaign.created_at, mode, now),
        sent=_stamp(campaign.sent_at, mode, now),
        completed=_stamp(campaign.completed_at, mode, now),
        durations=fmt.join_parts(
            [
                queue if metrics.queue_seconds is not None else None,
                send if metrics.send_seconds is not None else None,
            ]
        ),
        mode=mode,
    )


def _stamp(value: datetime | None, mode: str, now: float) -> str:
    """In "relative" mode the age and the local clock time ("3 min ago · 10:30:00"); in the
    others the full local or UTC date and time."""
    text = fmt.format_timestamp(value, mode, now)
    if mode == "relative" and value is not None and text != fmt.MISSING:
        try:
            stamp = value.timestamp()
        except (OverflowError, OSError, ValueError):
            return text
        text = f"{text} \u00b7 {fmt.format_clock_time(stamp)}"
    return text


class Timestamps(Section[TimesProps]):
    """Four lines: created, sent, completed, then queue time and send duration."""

    DEFAULT_CSS = """
    Timestamps {
        height: 4;
    }
    """

    def render_props(self, props: TimesProps, width: int) -> Content:
        lines = [
            label_value("created", props.created, 11),
            label_value("sent", props.sent, 11),
            label_value("completed", props.completed, 11),
            label_value("", props.durations, 11),
        ]
        return Content("\n").join(line.truncate(width, ellipsis=True) for line in lines)
