"""The common shape of the detail pane's parts: one frozen props value in, Content out.

The pane computes a small frozen value per part from the store's snapshot and assigns it. The
reactive compares it with the last one, so a poll that changes nothing a part shows costs that
part nothing: no render, no bytes to the terminal.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

PropsT = TypeVar("PropsT")


class Section(Widget, Generic[PropsT]):
    """A part of the detail pane drawn from `props`; subclasses implement `render_props`."""

    DEFAULT_CSS = """
    Section {
        height: auto;
    }
    """

    props: reactive[PropsT | None] = reactive(None, init=False)
    """What this part shows; None shows nothing. Equal values skip the redraw."""

    def render(self) -> Content:
        props = self.props
        if props is None:
            return Content("")
        return self.render_props(props, max(1, self.content_size.width))

    def render_props(self, props: PropsT, width: int) -> Content:
        """The part's content for `props`, at most `width` cells wide."""
        raise NotImplementedError


def label_value(
    label: str, value: str | Content, label_width: int, value_style: str = ""
) -> Content:
    """A "label   value" line with the label in the muted style."""
    if isinstance(value, str):
        value = Content.styled(value, value_style) if value_style else Content(value)
    return Content.assemble((label.ljust(label_width), "$text-muted"), value)
