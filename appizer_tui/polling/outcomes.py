"""Errors as the store keeps them: one ErrorInfo per failed poll, stamped with its streak."""

from __future__ import annotations

from msgspec.structs import replace

from appizer_tui.api.errors import AppizerError
from appizer_tui.polling.lifecycle import Track
from appizer_tui.state.model import ErrorInfo

MAX_INTERNAL_MESSAGE = 500


def error_info(error: AppizerError) -> ErrorInfo:
    """The API error's kind, title, message, code and status (streak fields left default)."""
    return ErrorInfo(
        kind=error.kind,
        title=error.title,
        message=error.message,
        code=error.code,
        http_status=error.http_status,
    )


def invalid_id_error(error: Exception) -> ErrorInfo:
    """An id the client refuses to send: it can never be found."""
    return ErrorInfo(kind="invalid_id", title="Invalid campaign id", message=str(error))


def internal_error(error: BaseException) -> ErrorInfo:
    """A bug (ours or a library's) while polling one campaign."""
    text = f"{type(error).__name__}: {error}"
    return ErrorInfo(kind="internal", title="Internal error", message=text[:MAX_INTERNAL_MESSAGE])


def stamped(track: Track, info: ErrorInfo, wall: float, next_retry_at: float | None) -> ErrorInfo:
    """`info` with its streak: since when this kind of error has lasted, how many failures in a
    row, and when the next try is."""
    if track.error_kind != info.kind or track.error_since is None:
        track.error_kind, track.error_since = info.kind, wall
    return replace(
        info,
        since=track.error_since,
        next_retry_at=next_retry_at,
        attempts=max(1, track.failures_in_row),
    )
