"""The detail pane for the selected campaign: header, banner, times, progress, counters, funnel,
rates and chart.

The screen hands it the frame's DetailProps ("attributes down"); the parts (`detail_parts`)
derive one small frozen value each and assign it, so only parts whose text changed are redrawn.
The pane's border is in the screen's first frame; its parts are mounted by `build()` right
after, and show the campaign selected by then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll

from appizer_tui.present.frame import DetailProps

if TYPE_CHECKING:
    from appizer_tui.ui.widgets.detail_parts import DetailParts


class DetailPane(VerticalScroll, can_focus=True):
    """Everything about one campaign. Focusable so PageUp/PageDown scroll it on small screens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="detail.up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._props: DetailProps | None = None
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
        self._parts.show(self._props, None)

    @property
    def campaign_id(self) -> str | None:
        """The campaign shown, if any."""
        return self._props.view.campaign_id if self._props is not None else None

    def show(self, props: DetailProps | None) -> None:
        """Show the frame's detail (None: nothing selected). Cheap when little changed."""
        old, self._props = self._props, props
        view = props.view if props is not None else None
        self.set_class(view is None, "-empty")
        self.set_class(view is not None and view.campaign is None, "-no-data")
        if self._parts is not None:
            self._parts.show(props, old)
