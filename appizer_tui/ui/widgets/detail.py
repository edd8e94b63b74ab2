"""The detail pane for the selected campaign: header, banner, times, progress, counters, funnel,
rates and chart.

The screen hands it the store's frozen view and history ("attributes down"); the parts
(`detail_parts`) derive one small frozen value each and assign it, so only parts whose text
changed are redrawn. The pane's border is in the screen's first frame; its parts are mounted by
`build()` right after, and show the campaign selected by then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll

from appizer_tui.state.store import CampaignView, History

if TYPE_CHECKING:
    from appizer_tui.ui.widgets.detail_parts import DetailParts


class DetailPane(VerticalScroll, can_focus=True):
    """Everything about one campaign. Focusable so PageUp/PageDown scroll it on small screens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="detail.up"),
    ]

    def __init__(self, *, alert_threshold: float, id: str | None = None) -> None:
        super().__init__(id=id)
        self.alert_threshold = alert_threshold
        self.time_mode = "relative"
        self._view: CampaignView | None = None
        self._history: History | None = None
        self._now = 0.0
        self._parts: DetailParts | None = None

    def compose(self) -> ComposeResult:
        # Nothing yet: build() mounts the parts once the screen's first frame is out.
        return iter(())

    @property
    def built(self) -> bool:
        """True once the parts are mounted."""
        return self._parts is not None

    async def build(self) -> None:
        """Mount the parts and show the campaign selected meanwhile."""
        if self._parts is not None or not self.is_attached:
            return
        from appizer_tui.ui.widgets.detail_parts import DetailParts

        parts = DetailParts(self)
        await self.mount_all(parts.widgets())
        if not self.app.is_running:
            return  # shutting down: the mount was cut short, there is nothing to show on
        self._parts = parts
        self._parts.show(self._view, self._history, self._now, new_selection=True)

    @property
    def campaign_id(self) -> str | None:
        """The campaign shown, if any."""
        return self._view.campaign_id if self._view is not None else None

    def show(self, view: CampaignView | None, history: History | None, now: float) -> None:
        """Show `view` (None: nothing selected). Cheap when little changed."""
        new_selection = (view is None) != (self._view is None) or (
            view is not None
            and self._view is not None
            and view.campaign_id != self._view.campaign_id
        )
        self._view, self._history, self._now = view, history, now
        self.set_class(view is None, "-empty")
        self.set_class(view is not None and view.campaign is None, "-no-data")
        if self._parts is not None:
            self._parts.show(view, history, now, new_selection=new_selection)

    def tick(self, now: float) -> None:
        """Time passed: refresh ages and countdowns (only texts that changed are redrawn)."""
        self._now = now
        if self._view is not None and self._parts is not None:
            self._parts.tick(self._view, now)

    def set_time_mode(self, mode: str) -> None:
        """Show timestamps as "relative", "local" or "utc"."""
        self.time_mode = mode
        if self._view is not None and self._parts is not None:
            self._parts.set_time_mode(self._view, self._now, mode)
