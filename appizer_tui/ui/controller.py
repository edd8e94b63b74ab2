"""The viewer's intents applied to the engine, the presenter and files: the one way the UI
changes anything below it (screens never call the poller or the presenter themselves).

No Textual here: screens call these and show the outcome. File writes are synchronous and meant
to run in a thread worker so a slow disk never stalls a key press.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from appizer_tui.api.urls import InvalidCampaignIdError, validate_campaign_id
from appizer_tui.polling.interval import MAX_INTERVAL, MIN_INTERVAL
from appizer_tui.safe_text import safe_text
from appizer_tui.state import format as fmt
from appizer_tui.state import watchlist
from appizer_tui.state.store import CampaignStore, CampaignView, Phase
from appizer_tui.team.member import TeamMember
from appizer_tui.ui.options import ViewerOptions

if TYPE_CHECKING:
    from appizer_tui.alerts.alert import Alert
    from appizer_tui.api.secret import ApiKey
    from appizer_tui.polling.engine import Poller
    from appizer_tui.present.presenter import Presenter

log = logging.getLogger(__name__)

TEAM_PAUSE = (
    "team mode: this viewer shares one poller with the team, so p does not stop it "
    "(p pauses a viewer that polls alone)"
)
TEAM_KEY = (
    "team mode: the team is named by the key it started with; restart with the new key "
    "(APPIZER_API_KEY) to use it"
)

MAX_IDS_AT_ONCE = 1000
"""More ids than this in one add are refused (a paste gone wrong)."""

INTERVAL_STEPS: tuple[float, ...] = tuple(
    step
    for step in (1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0)
    if MIN_INTERVAL <= step <= MAX_INTERVAL
)
"""The poll intervals `+` and `-` step through (seconds, within the engine's range)."""


def step_interval(current: float, longer: bool) -> float:
    """The next step after `current` (an interval given with --interval may sit between two
    steps): the next longer or shorter one, or `current` at either end."""
    if longer:
        return next((step for step in INTERVAL_STEPS if step > current), current)
    return next((step for step in reversed(INTERVAL_STEPS) if step < current), current)


@dataclass(frozen=True)
class AddPlan:
    """What an add would do: ids to watch, ids refused with a reason, ids already watched."""

    valid: tuple[str, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()
    already: tuple[str, ...] = ()

    def summary(self, limit: int = 3, *, done: bool = False) -> str:
        """One line for the add dialog and the toast (ids made safe for display); at most
        `limit` refused ids are named. `done`: the ids were added ("added 10", not "10 to
        add")."""
        parts = []
        if self.valid:
            parts.append(f"added {len(self.valid)}" if done else f"{len(self.valid)} to add")
        if self.already:
            parts.append(f"{len(self.already)} already watched")
        for campaign_id, reason in self.refused[:limit]:
            parts.append(f"refused {safe_text(campaign_id, max_length=40)!s}: {reason}")
        if len(self.refused) > limit:
            parts.append(f"{len(self.refused) - limit} more refused")
        return "; ".join(parts)


def plan_add(text: str, watched: Iterable[str]) -> AddPlan:
    """Split `text` on spaces and commas and sort each piece into valid, refused or already."""
    known = set(watched)
    valid: dict[str, None] = {}
    refused: list[tuple[str, str]] = []
    already: list[str] = []
    pieces = [p for p in text.replace(",", " ").split() if p]
    for index, piece in enumerate(pieces):
        if index >= MAX_IDS_AT_ONCE:
            refused.append((piece, f"more than {MAX_IDS_AT_ONCE} ids at once"))
            continue
        try:
            campaign_id = validate_campaign_id(piece)
        except InvalidCampaignIdError as exc:
            refused.append((piece, str(exc)))
            continue
        if watchlist.looks_like_api_key(campaign_id):
            refused.append((campaign_id[:8] + "\u2026", "that looks like an API key (press k)"))
        elif campaign_id in known:
            already.append(campaign_id)
        else:
            valid.setdefault(campaign_id, None)
    return AddPlan(tuple(valid), tuple(refused), tuple(already))


@dataclass
class Controller:
    """Applies the user's intents; holds no UI state.

    `poller` is the engine: the plain `Poller`, or with `--redis` the `TeamMember`. Adds,
    removes, selections and refreshes go to the member (a follower's refresh waits for the
    leader's next poll). Pause and a new key act on a poller of this process's own only while it
    polls alone: in a team one member must not stop or re-key everyone's polling."""

    store: CampaignStore
    poller: Poller | TeamMember
    presenter: Presenter
    options: ViewerOptions
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _changes: int = 0
    _unsaved: list[tuple[int, tuple[str, ...]]] = field(default_factory=list, repr=False)
    """(change number, ids removed) recorded and not saved yet."""

    def add(self, ids: Sequence[str]) -> None:
        """Start watching `ids` (already validated)."""
        if ids:
            self.poller.add(*ids)

    def alert_history(self) -> tuple[tuple[Alert, ...], tuple[Alert, ...]]:
        """(every alert transition since start, the firing ones still firing), for `A`."""
        alerts = self.presenter.alerts
        return alerts.history(), alerts.firing_alerts()

    def remove(self, campaign_id: str) -> None:
        """Stop watching `campaign_id`."""
        self.poller.remove(campaign_id)

    def select(self, campaign_id: str | None) -> None:
        """The user looks at `campaign_id`: the detail shows it, the engine polls it first."""
        self.presenter.select(campaign_id)
        if isinstance(self.poller, TeamMember):
            self.poller.select(campaign_id)  # the team serves the most selected one first
        else:
            self.poller.set_focus(campaign_id)

    def refresh(self, campaign_id: str | None) -> None:
        """Poll `campaign_id` now (every campaign when None), within the budget; a campaign
        the API did not find is asked again."""
        view = self.store.get(campaign_id) if campaign_id is not None else None
        own = self._own_poller()
        if view is not None and view.phase is Phase.NOT_FOUND and own is not None:
            own.retry(campaign_id)
        else:
            self.poller.refresh(campaign_id)

    def _own_poller(self) -> Poller | None:
        """The poller this process runs (the team member's when solo or leading), or None."""
        return self.poller.poller if isinstance(self.poller, TeamMember) else self.poller

    def _alone(self) -> Poller | None:
        """The poller pause and key changes may act on: None while in a team."""
        if isinstance(self.poller, TeamMember) and self.poller.status.mode != "solo":
            return None
        return self._own_poller()

    def step_interval(self, longer: bool) -> float:
        """Poll less often (`longer`) or more often, by one step of INTERVAL_STEPS; returns the
        interval now in force. The status line shows it, and the budget sentence, at once. A
        team follower polls nothing itself: the leader's interval stays."""
        poller = self._own_poller()
        if poller is None:
            return self.store.interval
        seconds = step_interval(poller.interval, longer)
        if seconds != poller.interval:
            poller.set_interval(seconds)
            self.presenter.wake()
        return seconds

    def toggle_pause(self) -> str | None:
        """Pause all polling, or resume it; in a team, why not (see the class docstring)."""
        poller = self._alone()
        if poller is None:
            return TEAM_PAUSE
        if self.store.global_state().paused:
            poller.resume()
        else:
            poller.pause()
        return None

    def set_api_key(self, key: ApiKey) -> str | None:
        """Use `key` from the next request (never saved); the header shows it masked. In team
        mode, why not: the team's namespace is derived from the key it started with."""
        if isinstance(self.poller, TeamMember):
            return TEAM_KEY
        self.poller.set_api_key(key)
        self.presenter.set_key_masked(key.masked)
        return None

    def set_time_mode(self, mode: str) -> None:
        """Show timestamps as "relative", "local" or "utc"."""
        self.presenter.set_time_mode(mode)

    def record_change(self, removed: Sequence[str] = ()) -> int:
        """Note (on the UI thread) a change the file must get, before its save is started in
        a thread; returns the change's number for `persist`. What is noted and not saved yet is
        written by `flush` when the viewer ends, so a save cut short by quitting loses nothing."""
        with self._lock:
            self._changes += 1
            self._unsaved.append((self._changes, tuple(removed)))
            return self._changes

    def persist(
        self, ids: Sequence[str], removed: Sequence[str] = (), change: int | None = None
    ) -> str | None:
        """Save the watchlist: `ids` (the store's, read on the UI thread) merged with the file,
        minus `removed`; `change` is `record_change`'s number, so that it (and every earlier
        one) counts as saved. Blocking and thread-safe; returns an error text or None."""
        path = self.options.watchlist_path
        if path is None:
            return None
        try:
            watchlist.merge_save(path, ids, removed=removed)
        except OSError as exc:
            log.warning("cannot save the watchlist %s: %s", path, exc)
            return f"cannot save the watchlist {path}: {exc.strerror or exc.__class__.__name__}"
        if change is not None:
            with self._lock:
                self._unsaved = [(n, r) for n, r in self._unsaved if n > change]
        return None

    def flush(self, ids: Sequence[str]) -> str | None:
        """Write the changes recorded but not saved yet (blocking; for the viewer's exit)."""
        with self._lock:
            pending = list(self._unsaved)
        if not pending:
            return None
        removed = tuple(r for _, rs in pending for r in rs if r not in ids)
        return self.persist(ids, removed, change=pending[-1][0])

    def render_export(
        self, what: str, file_format: str, campaign_id: str | None, now: float
    ) -> tuple[Path, bytes]:
        """The export's path and bytes, computed on the UI thread (the store is not shared with
        threads); `write_export` then writes them in a thread."""
        from appizer_tui.files import timestamped_export_path
        from appizer_tui.state import export as exports

        directory = self.options.export_dir
        if what == "history" and campaign_id is not None:
            records = exports.store_history_records(self.store, campaign_id)
            text = exports.render(exports.HISTORY_COLUMNS, records, file_format)
            prefix = f"{campaign_id}-history"
        else:
            records = exports.store_campaign_records(self.store)
            text = exports.render(exports.CAMPAIGN_COLUMNS, records, file_format)
            prefix = "campaigns"
        path = timestamped_export_path(directory, prefix, file_format, now)
        return path, text.encode("utf-8")

    @staticmethod
    def write_export(path: Path, data: bytes) -> Path:
        """Write an export atomically, never over an existing file (blocking)."""
        from appizer_tui.files import atomic_write_bytes

        return atomic_write_bytes(path, data)


CLIPBOARD_SENT = (
    "sent to the terminal's clipboard (OSC 52; if nothing arrives, see the README: Clipboard)"
)
"""What a copy says it did: the terminal may drop OSC 52 (stock xterm, tmux's default) and
never answers, so "Copied" would be a claim nobody checked."""


def clipboard_text(view: CampaignView) -> str:
    """The campaign's id and figures as plain text, for `y` (OSC 52)."""
    lines = [safe_text(view.campaign_id)]
    campaign = view.campaign
    if campaign is None:
        lines.append("no data yet")
        return "\n".join(lines)
    stats = campaign.stats
    m = view.metrics
    lines.append(
        f"status {safe_text(campaign.raw_status, max_length=40)}"
        f", progress {fmt.format_percent(m.progress)}"
        f" ({fmt.format_count(stats.sent + stats.failed)}"
        f"/{fmt.format_count(stats.total_recipients)})"
    )
    lines.append(
        f"sent {fmt.format_count(stats.sent)}, delivered {fmt.format_count(stats.delivered)}"
        f", opened {fmt.format_count(stats.opened)}, clicked {fmt.format_count(stats.clicked)}"
        f", failed {fmt.format_count(stats.failed)}"
    )
    lines.append(
        f"delivery {fmt.format_percent(m.delivery_rate)}, open {fmt.format_percent(m.open_rate)}"
        f", click {fmt.format_percent(m.click_rate)}, failure {fmt.format_percent(m.failure_rate)}"
    )
    return "\n".join(lines)
