"""The main screen's actions: one method per key, each also reachable from the command palette.

Kept apart from the screen's layout and data flow so each stays short. Actions send intents to
the engine (through the Controller) and tell the user what happened with a toast; they never
wait on the network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.binding import Binding
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Input

from appizer_tui.api.secret import ApiKey
from appizer_tui.present.rows import next_sort
from appizer_tui.safe_text import safe_text
from appizer_tui.state import format as fmt
from appizer_tui.ui.controller import CLIPBOARD_SENT, AddPlan, clipboard_text
from appizer_tui.ui.widgets.in_order_input import InOrderInput

# The dialogs are imported when opened: nothing of them is needed before the first frame.
if TYPE_CHECKING:
    from appizer_tui.polling.clock import Clock
    from appizer_tui.present.frame import Frame
    from appizer_tui.state.store import CampaignStore
    from appizer_tui.ui.controller import Controller
    from appizer_tui.ui.options import ViewerOptions
    from appizer_tui.ui.screens.export_menu import ExportChoice
    from appizer_tui.ui.widgets.campaign_list import CampaignList
    from appizer_tui.ui.widgets.detail import DetailPane


_OPENS_A_FIELD = frozenset({"add", "api_key", "filter"})
"""Actions of priority keys that open a text field (see MainScreen.BINDINGS)."""


class MainActions(Screen[None]):
    """Actions of the main screen (see MainScreen.BINDINGS for the keys)."""

    store: CampaignStore
    controller: Controller
    clock: Clock
    options: ViewerOptions

    if TYPE_CHECKING:
        frame: Frame | None

        @property
        def key_masked(self) -> str | None: ...

        @property
        def campaign_list(self) -> CampaignList: ...

        @property
        def detail(self) -> DetailPane: ...

        def _update_titles(self, frame: Frame | None = None) -> None: ...

        def format_time_mode(self, mode: str | None = None) -> str: ...

        def help_groups(self) -> list[tuple[str, list[Binding]]]: ...

    def _toast(
        self, message: str, *, severity: SeverityLevel = "information", title: str = ""
    ) -> None:
        # One toast per kind: a key pressed again replaces its toast instead of stacking them.
        # Textual has no public "replace", and clear_notifications would drop alerts too.
        if title:
            for old in [n for n in self.app._notifications if n.title == title]:
                self.app._unnotify(old, refresh=False)
        # Every toast carries untrusted text at some point: never parse it as markup.
        self.notify(message, title=title, severity=severity, markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.focused, Input)
        if action in _OPENS_A_FIELD:
            return not typing  # a priority key: while typing it is a character
        if action == "filter_done":
            return typing  # Enter in the filter field; elsewhere Enter is the list's
        if action == "api_key_on_auth_error":
            auth_error = self.frame is not None and self.frame.auth_error
            return auth_error and not typing
        if action in ("remove", "refresh", "copy") and self.campaign_list.cursor_id is None:
            return None
        return True

    # ----- watchlist ---------------------------------------------------------------------

    def action_add(self) -> None:
        """Open the add dialog."""
        from appizer_tui.ui.screens.add_campaigns import AddCampaignsScreen

        self.app.push_screen(AddCampaignsScreen(self.store.ids()), self._added)

    def _added(self, plan: AddPlan | None) -> None:
        if plan is None:
            return
        if plan.valid:
            self.controller.add(plan.valid)
            self._persist(self.store.ids(), (), self.controller.record_change())
            self.campaign_list.select(plan.valid[0])
        if plan.refused:
            self._toast(
                plan.summary(limit=10, done=True), severity="warning", title="Some ids were refused"
            )
        elif plan.valid or plan.already:
            self._toast(plan.summary(done=True), title="Watchlist")

    def action_remove(self) -> None:
        """Ask, then stop watching the selected campaign."""
        campaign_id = self.campaign_list.cursor_id
        if campaign_id is None:
            return
        from appizer_tui.ui.screens.confirm import ConfirmScreen

        question = Content.assemble(
            "Stop watching ", (safe_text(campaign_id, max_length=80), "bold"), "?"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.controller.remove(campaign_id)
                change = self.controller.record_change((campaign_id,))
                self._persist(self.store.ids(), (campaign_id,), change)
                self._toast(f"Removed {safe_text(campaign_id, max_length=80)}")

        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, group="persist", exit_on_error=False)
    def _persist(self, ids: tuple[str, ...], removed: tuple[str, ...], change: int) -> None:
        error = self.controller.persist(ids, removed, change)
        if error is not None:
            self.app.call_from_thread(self._toast, error, severity="error", title="Watchlist")

    # ----- polling -----------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Poll the selected campaign now (ask again after a 404)."""
        campaign_id = self.campaign_list.cursor_id
        if campaign_id is not None:
            self.controller.refresh(campaign_id)

    def action_refresh_all(self) -> None:
        """Poll every campaign now (within the budget)."""
        self.controller.refresh(None)
        count = len(self.store.ids())
        self._toast(f"Polling {count:,} campaigns now, within the budget.", title="Refresh all")

    def action_pause(self) -> None:
        """Pause or resume all polling."""
        refused = self.controller.toggle_pause()
        if refused is not None:
            self._toast(refused, severity="warning", title="Pause")

    def action_interval(self, longer: bool) -> None:
        """`+` polls less often, `-` more often (one step of the controller's INTERVAL_STEPS)."""
        before = self.store.interval  # the engine keeps it current
        seconds = self.controller.step_interval(longer)
        if seconds == before:
            end = "longest" if longer else "shortest"
            self._toast(f"Already the {end} interval: {fmt.format_interval(seconds)}")
        else:
            self._toast(f"Poll interval: {fmt.format_interval(seconds)}", title="Polling")

    def action_api_key(self) -> None:
        """Open the masked API key prompt."""
        from appizer_tui.ui.screens.api_key import ApiKeyScreen

        auth = self.store.global_state().auth_error
        reason = safe_text(auth.message, max_length=200) if auth is not None else None
        self.app.push_screen(ApiKeyScreen(self.key_masked, reason), self._key_entered)

    def action_api_key_on_auth_error(self) -> None:
        """`k` while the 401 banner shows."""
        self.action_api_key()

    def _key_entered(self, key: ApiKey | None) -> None:
        if key is None:
            return
        refused = self.controller.set_api_key(key)
        if refused is not None:
            self._toast(refused, severity="warning", title="API key")
            return
        self._toast(f"Using key {key.masked}; polling resumes.", title="API key")

    # ----- view --------------------------------------------------------------------------

    def action_copy(self) -> None:
        """Copy the selected campaign's id and figures (OSC 52: works over SSH and in tmux)."""
        campaign_id = self.campaign_list.cursor_id
        view = self.store.get(campaign_id) if campaign_id is not None else None
        if view is None:
            return
        self.app.copy_to_clipboard(clipboard_text(view))
        # Nothing tells whether the terminal took it (OSC 52 has no answer): say what was done.
        name = safe_text(view.campaign_id, max_length=80)
        self._toast(f"{name} and its figures {CLIPBOARD_SENT}", title="Copy")

    def action_export(self) -> None:
        """Choose an export, then write it into the export directory."""
        from appizer_tui.ui.screens.export_menu import ExportScreen

        screen = ExportScreen(self.campaign_list.cursor_id, str(self.options.export_dir))
        self.app.push_screen(screen, self._export_chosen)

    def _export_chosen(self, choice: ExportChoice | None) -> None:
        if choice is None:
            return
        what, file_format = choice
        try:
            path, data = self.controller.render_export(
                what, file_format, self.campaign_list.cursor_id, self.clock.wall()
            )
        except (OSError, ValueError) as exc:
            self._toast(f"Export failed: {exc}", severity="error", title="Export")
            return
        self._write_export(path, data)

    @work(thread=True, group="export", exit_on_error=False)
    def _write_export(self, path: Any, data: bytes) -> None:
        try:
            written = self.controller.write_export(path, data)
        except OSError as exc:
            message = f"Export failed: {exc.strerror or exc.__class__.__name__}"
            self.app.call_from_thread(self._toast, message, severity="error", title="Export")
            return
        self.app.call_from_thread(self._toast, f"Wrote {written}", title="Export")

    def _filter_field(self) -> Input | None:
        """The `/` filter's field, once it has been mounted."""
        return next(self.query("#filter-input").results(Input), None)

    async def action_filter(self) -> None:
        """Show the filter field and focus it. It is mounted the first time: the first frame
        does without it (an Input costs its styles and its CSS, ~5 ms on this machine)."""
        self.add_class("-filtering")
        field = self._filter_field()
        if field is None:
            field = InOrderInput(
                placeholder="filter: id text or status", id="filter-input", compact=True
            )
            await self.query_one("#list-pane").mount(field, before=self.campaign_list)
        # Now, not after the queue (as `focus()` would): the next key read goes to the field.
        self.set_focus(field)

    def action_filter_done(self) -> None:
        """Enter in the filter field: keep the filter, back to the list. A priority key, so the
        keys typed right after it (in the same read) go to the list."""
        self.set_focus(self.campaign_list)
        self.set_class(bool(self.campaign_list.filter_text), "-filtering")

    def action_sort(self) -> None:
        """Cycle the sort order."""
        campaigns = self.campaign_list
        campaigns.order_by = next_sort(campaigns.order_by)
        self._update_titles()

    def action_time_mode(self) -> None:
        """Cycle timestamps between relative, local time and UTC."""
        mode = fmt.next_time_mode(self.controller.presenter.time_mode)
        self.controller.set_time_mode(mode)
        self._toast(self.format_time_mode(mode), title="Timestamps")

    def action_back(self) -> None:
        """Esc: leave the filter or the detail pane; clear a filter."""
        filter_input = self._filter_field()
        if filter_input is not None and (
            filter_input.has_focus
            or self.campaign_list.filter_text
            and self.campaign_list.has_focus
        ):
            filter_input.value = ""
            self.remove_class("-filtering")
        self.campaign_list.focus()

    def action_alerts(self) -> None:
        """Show every alert since the viewer started."""
        from appizer_tui.ui.screens.alerts import AlertsScreen

        self.app.push_screen(AlertsScreen(*self.controller.alert_history()))

    def action_help(self) -> None:
        """Show every key."""
        from appizer_tui.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.help_groups()))
