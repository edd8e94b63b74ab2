"""The top line: the tool's name, DEMO, REPLAY and the replay clock, the base URL, the masked
key, PAUSED.

Textual's Header is not used: its clock reads the wall time (bad for reproducible screenshots)
and repaints every second for nothing.
"""

from __future__ import annotations

from textual.content import Content

from appizer_tui.present.frame import HeaderState
from appizer_tui.safe_text import safe_text
from appizer_tui.ui.widgets.section import Section


class AppHeader(Section[HeaderState]):
    """One line; PAUSED and DEMO are words, not only colours."""

    DEFAULT_CSS = """
    AppHeader {
        height: 1;
        background: $panel;
    }
    """

    def render_props(self, props: HeaderState, width: int) -> Content:
        parts: list[str | tuple[str, str]] = [(" appizer-tui ", "bold reverse $text-primary")]
        if props.demo:
            parts += [" ", (" DEMO ", "bold reverse $text-warning")]
        if props.replay is not None:
            parts += [" ", (" REPLAY ", "bold reverse $text-accent"), " ", (props.replay, "bold")]
        parts += [" ", (safe_text(props.base_url, max_length=120), "$text-muted")]
        if props.paused:
            parts += [" ", (" PAUSED ", "bold reverse $text-error")]
        left = Content.assemble(*parts)
        noun = "campaign" if props.campaigns == 1 else "campaigns"
        key = (
            f"key {safe_text(props.key_masked, max_length=40)}"
            if props.key_masked
            else "no API key"
        )
        right = Content.styled(f"{props.campaigns} {noun} \u00b7 {key} ", "$text-muted")
        if left.cell_length + right.cell_length + 1 > width:
            right = Content.styled(f"{props.campaigns} {noun} ", "$text-muted")
        if left.cell_length + right.cell_length + 1 > width:
            return left.truncate(width, ellipsis=True)
        return Content.assemble(left, " " * (width - left.cell_length - right.cell_length), right)
