"""What `watch` writes: plain text lines for people and logs, or JSON lines for `jq`.

The printers only render; `watch.py` decides when something is worth a line, and the presenter's
rule engine when a campaign alerts. Every value from the server or the user goes through
`safe_text`, every figure through `state/format.py`, every rate comes from the store's `Metrics`
(never divided here). Each line is flushed at once, so a
pipe, a CI log or a log shipper sees it when it happens, not when a buffer fills.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol, TextIO

from appizer_tui.alerts.alert import Alert
from appizer_tui.api.models import Campaign
from appizer_tui.plain.summary import (
    ColourScheme,
    EndReason,
    progress_text,
    status_text,
    summary_lines,
)
from appizer_tui.safe_text import safe_data, safe_text
from appizer_tui.state.format import (
    format_clock_time,
    format_count,
    format_countdown,
    format_duration,
    format_percent,
    iso_time,
    join_parts,
    status_badge,
)
from appizer_tui.state.model import CampaignView, ErrorInfo

ID_WIDTH_CAP = 40
STATUS_WIDTH = 9


class WatchPrinter(Protocol):
    """What the watch session asks of an output format."""

    def update(self, view: CampaignView, now: float) -> None:
        """A campaign's counters or status changed."""

    def terminal(self, view: CampaignView, now: float) -> None:
        """A campaign became completed, failed or cancelled."""

    def alert(self, alert: Alert, now: float) -> None:
        """A rule started ("firing") or stopped ("resolved") firing for a campaign."""

    def campaign_error(self, campaign_id: str, error: ErrorInfo, now: float, final: bool) -> None:
        """A fetch of one campaign failed; `final` when the engine gave up on it (not found)."""

    def global_error(self, error: ErrorInfo, now: float, note: str) -> None:
        """An error that stops all polling (auth, rate limit, offline); `note` says what next."""

    def notice(self, text: str, now: float) -> None:
        """Something worth saying that is not an error (back online, timed out, interrupted)."""

    def finish(
        self,
        views: Sequence[CampaignView | None],
        ids: Sequence[str],
        reason: EndReason,
        now: float,
    ) -> None:
        """The run is over: the text format prints its summary table."""


def error_dict(error: ErrorInfo, now: float) -> dict[str, Any]:
    """An ErrorInfo with the fields of `AppizerError.to_dict()`, plus when the engine retries."""
    wait = None if error.next_retry_at is None else max(0.0, error.next_retry_at - now)
    return {
        "kind": error.kind,
        "http_status": error.http_status,
        "code": safe_text(error.code) if error.code is not None else None,
        "message": safe_text(error.message),
        "retry_after": round(wait, 3)
        if wait is not None and error.kind == "rate_limited"
        else None,
        "next_retry_at": iso_time(error.next_retry_at) if error.next_retry_at else None,
        "attempts": error.attempts,
    }


def _metrics_dict(view: CampaignView) -> dict[str, float | None]:
    m = view.metrics
    return {
        "progress": m.progress,
        "failure_rate": m.failure_rate,
        "delivery_rate": m.delivery_rate,
        "open_rate": m.open_rate,
        "click_rate": m.click_rate,
        "throughput": m.throughput,
        "eta_seconds": m.eta_seconds,
    }


class JsonlPrinter:
    """One JSON object per line: {"event": "update" | "terminal" | "error", "at": ..., ...}.

    `campaign` holds the API's own fields (`Campaign.to_api_dict()`); `metrics` the store's
    derived values, so a consumer never recomputes a rate. Errors carry `campaign_id` (null for
    errors that stop all polling) and `error` shaped like `AppizerError.to_dict()`.
    """

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def _emit(self, record: dict[str, Any]) -> None:
        self._out.write(json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n")
        self._out.flush()

    def _campaign_event(self, event: str, view: CampaignView, now: float) -> None:
        campaign = view.campaign
        self._emit(
            {
                "event": event,
                "at": iso_time(now),
                "campaign": safe_data(campaign.to_api_dict()) if campaign else None,
                "metrics": _metrics_dict(view),
            }
        )

    def update(self, view: CampaignView, now: float) -> None:
        """An "update" line."""
        self._campaign_event("update", view, now)

    def terminal(self, view: CampaignView, now: float) -> None:
        """A "terminal" line."""
        self._campaign_event("terminal", view, now)

    def alert(self, alert: Alert, now: float) -> None:
        """An "alert" line: the Alert's JSON fields (those the `--on-alert` hook gets)."""
        self._emit({"event": "alert", **alert.to_dict()})

    def campaign_error(self, campaign_id: str, error: ErrorInfo, now: float, final: bool) -> None:
        """An "error" line for one campaign."""
        record = {
            "event": "error",
            "at": iso_time(now),
            "campaign_id": safe_text(campaign_id),
            "error": error_dict(error, now),
            "final": final,
        }
        self._emit(record)

    def global_error(self, error: ErrorInfo, now: float, note: str) -> None:
        """An "error" line with a null campaign_id."""
        record = {
            "event": "error",
            "at": iso_time(now),
            "campaign_id": None,
            "error": error_dict(error, now),
            "final": error.kind == "auth",
        }
        self._emit(record)

    def notice(self, text: str, now: float) -> None:
        """Notices are for people; JSON consumers read events and the exit status."""

    def finish(
        self,
        views: Sequence[CampaignView | None],
        ids: Sequence[str],
        reason: EndReason,
        now: float,
    ) -> None:
        """Nothing: every terminal event has already been written."""


class TextPrinter:
    """Aligned lines for people, CI logs and dumb terminals; errors on stderr; a final table."""

    def __init__(
        self,
        out: TextIO,
        err: TextIO,
        campaign_ids: Sequence[str],
        *,
        colour: ColourScheme,
        err_colour: ColourScheme,
        time_mode: str = "local",
        started_at: float = 0.0,
    ) -> None:
        self._out = out
        self._err = err
        self._colour = colour
        self._err_colour = err_colour
        self._time_mode = time_mode
        self._started_at = started_at
        widest = max((len(safe_text(i)) for i in campaign_ids), default=8)
        self._id_width = min(widest, ID_WIDTH_CAP)

    def _line(self, stream: TextIO, text: str) -> None:
        stream.write(text.rstrip() + "\n")
        stream.flush()

    def _time(self, now: float) -> str:
        return format_clock_time(now, self._time_mode)

    def _id(self, campaign_id: str) -> str:
        return safe_text(campaign_id, max_length=ID_WIDTH_CAP).ljust(self._id_width)

    def update(self, view: CampaignView, now: float) -> None:
        """time, id, status, progress, delivered, opened, clicked, failed, the three rates."""
        campaign = view.campaign
        if campaign is None:
            return
        self._line(self._out, self.update_text(campaign, view, now))

    def update_text(self, campaign: Campaign, view: CampaignView, now: float) -> str:
        """The update line without its newline (also used by tests)."""
        stats, m = campaign.stats, view.metrics
        status = status_text(campaign.status, campaign.raw_status, self._colour, STATUS_WIDTH)
        return "  ".join(
            [
                self._time(now),
                self._id(view.campaign_id),
                status,
                f"{progress_text(campaign)} {format_percent(m.progress)}",
                f"delivered {format_count(stats.delivered)}",
                f"opened {format_count(stats.opened)}",
                f"clicked {format_count(stats.clicked)}",
                f"failed {format_count(stats.failed)}",
                f"delivery {format_percent(m.delivery_rate)}",
                f"open {format_percent(m.open_rate)}",
                f"click {format_percent(m.click_rate)}",
            ]
        )

    def terminal(self, view: CampaignView, now: float) -> None:
        """`finished: ✓ completed · 1,250/1,250 · failure rate 0.4% · sending took 3 min`."""
        campaign = view.campaign
        if campaign is None:
            return
        badge = safe_text(status_badge(campaign.status, campaign.raw_status), max_length=40)
        took = view.metrics.send_seconds
        text = join_parts(
            [
                f"finished: {self._colour.status(campaign.status, badge)}",
                progress_text(campaign),
                f"failure rate {format_percent(view.metrics.failure_rate)}",
                f"sending took {format_duration(took)}" if took is not None else None,
            ]
        )
        self._line(self._out, f"{self._time(now)}  {self._id(view.campaign_id)}  {text}")

    def alert(self, alert: Alert, now: float) -> None:
        """`12:00:01  ALERT camp_1: failure rate 6.0% is at or above 5.0% (...)` on stderr;
        `resolved: ...` when it stops, `notice: ...` for a finish."""
        if alert.severity == "notice":
            text = f"notice: {alert.message}"
        elif alert.firing:
            text = self._err_colour.error(f"ALERT {alert.message}")
        else:
            text = f"resolved: {alert.message}"
        self._line(self._err, f"{self._time(now)}  {text}")

    def _error_text(self, error: ErrorInfo) -> str:
        where = f"HTTP {error.http_status}" if error.http_status else None
        code = safe_text(error.code, max_length=60) if error.code else None
        detail = join_parts([where, code], ", ")
        head = safe_text(error.title, max_length=60).lower()
        text = f"{head} ({detail})" if detail else head
        message = safe_text(error.message, max_length=300)
        return f"{text}: {message}" if message else text

    def _retry_text(self, at: float | None, now: float) -> str | None:
        if at is None:
            return None
        return f"retrying at {self._time(at)} ({format_countdown(at - now)})"

    def campaign_error(self, campaign_id: str, error: ErrorInfo, now: float, final: bool) -> None:
        """`12:00:01  camp_1  server error (HTTP 500): ...; retrying at 12:00:05 (in 4 s)`."""
        tail = "stopped watching it" if final else self._retry_text(error.next_retry_at, now)
        text = join_parts([self._error_text(error), tail], "; ")
        text = self._err_colour.error(text)
        self._line(self._err, f"{self._time(now)}  {self._id(campaign_id)}  {text}")

    def global_error(self, error: ErrorInfo, now: float, note: str) -> None:
        """An error that concerns every campaign, with what happens next."""
        text = self._err_colour.error(join_parts([self._error_text(error), note], "; "))
        self._line(self._err, f"{self._time(now)}  {text}")

    def notice(self, text: str, now: float) -> None:
        """A plain line on stderr (stdout keeps only campaign lines and the summary)."""
        self._line(self._err, f"{self._time(now)}  {text}")

    def finish(
        self,
        views: Sequence[CampaignView | None],
        ids: Sequence[str],
        reason: EndReason,
        now: float,
    ) -> None:
        """The summary table and one line saying how the run ended."""
        self._out.write("\n")
        for line in summary_lines(ids, views, self._colour, reason, now - self._started_at):
            self._line(self._out, line)
