"""The Frame: everything the viewer shows at one instant, built by the presenter, immutable.

`MainScreen` holds the current frame and hands each widget its part; `watch`'s alerts and the
toasts and bell of the viewer come from the same frame. Nothing here refers to Textual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import msgspec

from appizer_tui.alerts.alert import Alert
from appizer_tui.present.banners import BannerLine, RetryState
from appizer_tui.present.rows import RowProps
from appizer_tui.present.status import BudgetProps
from appizer_tui.state.history import History
from appizer_tui.state.model import CampaignView


class HeaderState(msgspec.Struct, frozen=True):
    """What the top line shows."""

    base_url: str
    demo: bool
    key_masked: str | None
    paused: bool
    campaigns: int
    replay: str | None = None
    """In a replay, the replay clock and speed ("10:42:05 · 4x", "... · paused"); else None."""


Severity = Literal["information", "warning", "error"]


class Toast(msgspec.Struct, frozen=True):
    """A notification: plain text (already made safe), never markup."""

    title: str
    text: str
    severity: Severity = "information"
    timeout: float | None = None
    """Seconds on screen; None for the default."""


class DetailProps(msgspec.Struct, frozen=True):
    """The selected campaign as the detail pane shows it at `now`.

    `history` is the store's live, bounded history (read on the event loop that writes it);
    `history_version` changes with every new sample, so an equal value means nothing new."""

    view: CampaignView
    history: History
    history_version: int
    alert: bool
    """The `failure_rate` rule fires for it (the rate turns red), `AlertEngine.firing`."""
    now: float
    time_mode: str
    retry: RetryState | None = None
    """What holds every retry back (a pause, a 401, OFFLINE's probe); None: nothing global."""


@dataclass(frozen=True, eq=False, slots=True)
class Frame:
    """One immutable picture of the viewer. Frames compare by identity: each is new news."""

    seq: int
    """1, 2, 3, ...: a gap means a frame was skipped (compare rows in full then)."""
    now: float
    """Wall time (the injected clock) the frame was built for."""
    ids: tuple[str, ...]
    """Watched campaigns in the order they were added (the same object while unchanged)."""
    rows: Mapping[str, RowProps]
    """Each campaign's list row; unchanged rows are the same objects as in the previous frame."""
    changed_rows: frozenset[str]
    """The rows that differ from the previous frame's."""
    selected: str | None
    detail: DetailProps | None
    header: HeaderState
    status: BudgetProps
    banners: tuple[BannerLine, ...]
    """Global banners (401, 429, OFFLINE, a stopped engine), most urgent first."""
    offline: bool
    """The API is unreachable: the last good data is shown dimmed."""
    auth_error: bool
    """A 401/403 paused polling: `k` opens the key prompt."""
    alerts: tuple[Alert, ...]
    """Rule transitions since the previous frame."""
    toasts: tuple[Toast, ...]
    """What to notify, found by comparing the previous frame with this one."""
    bell: bool
    """Ring the terminal bell (an alert fired, the engine stopped)."""
    counting: bool
    """Something on screen counts seconds (a countdown, a stale age)."""
