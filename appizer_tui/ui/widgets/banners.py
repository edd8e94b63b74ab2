"""The banner widget: stacked lines (global ones above both panes, a campaign's own in the detail
pane), each a reversed title and plain text; the words come from `present.banners`."""

from __future__ import annotations

from textual.content import Content

from appizer_tui.present.banners import BannerLine
from appizer_tui.ui.widgets.section import Section

_SEVERITY_STYLES = {
    "error": ("bold $text-error", "$error-muted"),
    "warning": ("bold $text-warning", "$warning-muted"),
    "info": ("bold $text-accent", "$accent-muted"),
}


class Banner(Section[tuple[BannerLine, ...]]):
    """Stacked banner lines; hidden (no height) when there are none."""

    DEFAULT_CSS = """
    Banner {
        height: auto;
        display: none;
        &.-visible { display: block; }
    }
    """

    def watch_props(self, props: tuple[BannerLine, ...] | None) -> None:
        self.set_class(bool(props), "-visible")
        self.refresh(layout=True)

    def render_props(self, props: tuple[BannerLine, ...], width: int) -> Content:
        rows = []
        for line in props:
            title_style, background = _SEVERITY_STYLES.get(line.severity, _SEVERITY_STYLES["info"])
            parts: list[str | tuple[str, str]] = [
                (f" {line.title} ", f"{title_style} reverse"),
                " ",
                line.text,
            ]
            if line.keys:
                parts += ["  ", (f"[{line.keys}]", "bold")]
            rows.append(Content.assemble(*parts).stylize_before(f"on {background}"))
        return Content("\n").join(rows)
