"""Command palette: "go to campaign <id>" for every watched campaign, and the viewer's actions.

Campaign ids are untrusted: they are shown as Content (never markup) after safe_text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from appizer_tui.safe_text import safe_text

if TYPE_CHECKING:
    from appizer_tui.ui.screens.main import MainScreen

ACTION_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Add campaigns", "Watch one or more campaign ids (a)", "add"),
    ("Remove campaign", "Stop watching the selected campaign (d)", "remove"),
    ("Refresh campaign", "Poll the selected campaign now (r)", "refresh"),
    ("Refresh all", "Poll every campaign now (R)", "refresh_all"),
    ("Pause or resume polling", "Stop or restart all requests (p)", "pause"),
    ("Poll less often", "The next longer poll interval (+)", "interval(True)"),
    ("Poll more often", "The next shorter poll interval (-)", "interval(False)"),
    ("Set API key", "Enter a new API key, masked (K; k while the 401 banner shows)", "api_key"),
    ("Copy campaign", "Send the selected id and figures to the terminal's clipboard (y)", "copy"),
    ("Export", "Write campaigns or a history as CSV or JSON (e)", "export"),
    ("Filter campaigns", "Filter the list by id text or status (/)", "filter"),
    ("Cycle sort order", "added, id, status, progress, failure rate (s)", "sort"),
    ("Cycle time display", "Relative ages, local time, UTC (t)", "time_mode"),
    ("Alerts", "Every alert since start, and which are firing (A)", "alerts"),
    ("Keys and symbols", "Every key, what the symbols and banners mean (?)", "help"),
)
"""(title, help, MainScreen action) for the palette's system commands."""


def _main_screen(provider: Provider) -> MainScreen | None:
    from appizer_tui.ui.screens.main import MainScreen

    for screen in reversed(provider.app.screen_stack):
        if isinstance(screen, MainScreen):
            return screen
    return None


class CampaignCommands(Provider):
    """ "go to campaign <id>": puts the list cursor on that campaign."""

    def _targets(self) -> Iterable[tuple[str, Callable[[], None]]]:
        main = _main_screen(self)
        if main is None:
            return []
        return [
            (campaign_id, partial(main.campaign_list.select, campaign_id))
            for campaign_id in main.store.ids()
        ]

    async def discover(self) -> Hits:
        for campaign_id, select in list(self._targets())[:50]:
            text = f"go to campaign {safe_text(campaign_id, max_length=120)}"
            yield DiscoveryHit(Content(text), select, text=text, help="Select it in the list")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for campaign_id, select in self._targets():
            text = f"go to campaign {safe_text(campaign_id, max_length=120)}"
            score = matcher.match(text)
            if score > 0:
                # Not matcher.highlight(): it parses the candidate as markup, and ids are untrusted.
                yield Hit(score, Content(text), select, text=text, help="Select it in the list")
