"""What the error banners say: global ones above both panes (401, 429, OFFLINE, a stopped engine)
and the per-campaign one in the detail pane (404, 5xx, invalid response).

Server messages are untrusted: they pass through safe_text here, and the Banner widget draws them
as Content, never as markup. Countdowns are computed for the frame's `now` (the injected clock).
"""

from __future__ import annotations

import msgspec

from appizer_tui.safe_text import safe_text
from appizer_tui.state import format as fmt
from appizer_tui.state.model import CampaignView, ErrorInfo, GlobalState, Phase


class BannerLine(msgspec.Struct, frozen=True):
    """One banner line: a severity ("error", "warning", "info"), a bold title and plain text."""

    severity: str
    title: str
    text: str
    keys: str = ""


def _message(error: ErrorInfo) -> str:
    text = safe_text(error.message, max_length=300)
    if error.code:
        text += f" ({safe_text(error.code, max_length=60)})"
    return text


def global_lines(
    state: GlobalState, now: float, fatal: str | None = None
) -> tuple[BannerLine, ...]:
    """The global banners for the store's global state at wall time `now`."""
    lines: list[BannerLine] = []
    if fatal is not None:
        lines.append(BannerLine("error", "ENGINE STOPPED", fatal, "q quit"))
    if state.auth_error is not None:
        status = state.auth_error.http_status or 401
        lines.append(
            BannerLine(
                "error",
                f"{status} {safe_text(state.auth_error.title, max_length=40)}",
                f"{_message(state.auth_error)} \u00b7 polling paused",
                "k enter an API key",
            )
        )
    if state.rate_limited_until is not None and state.rate_limited_until > now:
        budget = state.budget
        used = f"{budget.requests_last_minute:,} requests in the last minute"
        allowance = fmt.server_allowance(budget)
        if allowance is not None:
            used += f", {allowance}"
        if budget.budget_rpm > 0:
            used += f" \u00b7 budget {budget.budget_rpm:,.0f}/min"
        lines.append(
            BannerLine(
                "warning",
                "429 RATE LIMITED",
                f"resuming {fmt.format_countdown(state.rate_limited_until - now)} \u00b7 {used}",
            )
        )
    if state.offline_since is not None:
        retry = (
            f"retrying {fmt.format_countdown(state.next_probe_at - now)}"
            if state.next_probe_at is not None
            else "retrying"
        )
        lines.append(
            BannerLine(
                "error",
                "OFFLINE",
                f"the API is unreachable since {fmt.format_age(now - state.offline_since)}"
                f" \u00b7 {retry} \u00b7 showing the last good data",
                "R retry now",
            )
        )
    return tuple(lines)


class RetryState(msgspec.Struct, frozen=True):
    """What decides a campaign's next retry when it is not its own schedule: all polling is
    paused (by `p` or a refused key), or the API is OFFLINE and one probe at a time checks for
    it (then the probe's time is the next retry, as the OFFLINE banner says)."""

    paused: bool = False
    next_probe_at: float | None = None


def first_data_or_banner_changed(shown: CampaignView, view: CampaignView) -> bool:
    """The selected campaign's detail must change at once (not at the next frame's cadence):
    another campaign, its first data, or its banner appearing or going."""
    return (
        shown.campaign_id != view.campaign_id
        or (shown.campaign is None) != (view.campaign is None)
        or (shown.error is None) != (view.error is None)
        or (shown.phase is Phase.NOT_FOUND) != (view.phase is Phase.NOT_FOUND)
    )


def global_counting(state: GlobalState, now: float) -> bool:
    """A global banner counts seconds: a 429 pause, or an offline probe."""
    return (
        state.rate_limited_until is not None and state.rate_limited_until > now
    ) or state.offline_since is not None


def retry_state(state: GlobalState) -> RetryState | None:
    """The global hold on retries for the store's global state (None when there is none)."""
    if state.paused or state.auth_error is not None:
        return RetryState(paused=True)
    if state.offline_since is not None:
        return RetryState(next_probe_at=state.next_probe_at)
    return None


def _retry_text(error: ErrorInfo, now: float, hold: RetryState | None) -> str:
    if hold is not None and hold.paused:
        return "polling paused"
    if hold is not None and error.kind == "network":
        # One source: the OFFLINE probe retries for every campaign.
        at = hold.next_probe_at
        return f"retrying {fmt.format_countdown(at - now)}" if at is not None else "retrying"
    if error.next_retry_at is not None:
        return f"next retry {fmt.format_countdown(error.next_retry_at - now)}"
    return "no automatic retry"


NOT_VISIBLE_YET = "a new campaign can take a moment to appear"


def campaign_lines(
    view: CampaignView, now: float, hold: RetryState | None = None
) -> tuple[BannerLine, ...]:
    """The banner for one campaign's own error (global ones are shown above both panes);
    `hold` is what holds every retry back, so the banner never contradicts the global one."""
    error = view.error
    if error is None or error.kind in ("auth", "rate_limited"):
        return ()
    if view.phase is Phase.NOT_FOUND:
        return (BannerLine("error", "404 NOT FOUND", _message(error), "d remove \u00b7 r retry"),)
    retry = _retry_text(error, now, hold)
    attempts = f"attempt {error.attempts}" if error.attempts > 1 else ""
    if view.not_visible_yet:
        # The engine's first-minute grace: say it is still looking, not that it gave up.
        text = fmt.join_parts([_message(error), NOT_VISIBLE_YET, retry, attempts])
        return (BannerLine("warning", "404 NOT VISIBLE YET", text, "d remove \u00b7 r retry now"),)
    title = safe_text(error.title, max_length=40).upper()
    if error.http_status is not None:
        title = f"{error.http_status} {title}"
    severity = "warning" if error.kind == "network" else "error"
    text = fmt.join_parts([_message(error), retry, attempts])
    return (BannerLine(severity, title, text, "r retry now"),)
