"""The live viewer, wired to the engine and the store: what `appizer-tui [OPTIONS] [CAMPAIGN_ID]...`
runs once click has read its arguments (`appizer_tui.viewer_command`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from appizer_tui.cli_common import (
    EXIT_INTERRUPTED,
    alert_config,
    open_connection,
    parse_campaign_ids,
)
from appizer_tui.terminal_check import EXIT_REFUSED, TerminalStreams, check_terminal


def view(campaign_ids: tuple[str, ...], **flags: Any) -> None:
    """The viewer on `campaign_ids` plus the saved watchlist, or `watch` when stdout is not a
    terminal; exits with the viewer's code. `flags` are the view command's setting parameters."""
    ids = parse_campaign_ids(campaign_ids)
    verdict = check_terminal(os.environ, TerminalStreams.current())
    if verdict.message:
        print(f"appizer-tui: {verdict.message}", file=sys.stderr)
    if verdict.action == "refuse":
        sys.exit(EXIT_REFUSED)
    if verdict.action == "watch":
        from appizer_tui.plain.commands import run_watch_from_viewer_options

        sys.exit(run_watch_from_viewer_options(ids, **flags))
    # No key is no reason to refuse: the viewer opens with its key prompt (as after a 401).
    with open_connection(key_optional=True, **flags) as conn:
        if conn.demo:
            ids = ids or list(conn.demo_ids)
        # The demo never touches the user's own watchlist.
        persist = not (conn.settings.no_persist or conn.demo)
        sys.exit(_run_viewer(conn, ids, persist=persist))


def _run_viewer(conn: Any, ids: list[str], *, persist: bool) -> int:
    from appizer_tui._startup import gc_paused

    with gc_paused():
        import asyncio

        from appizer_tui.polling.clock import SystemClock
        from appizer_tui.state import watchlist
        from appizer_tui.state.store import CampaignStore
        from appizer_tui.team.member import polling_engine
        from appizer_tui.ui.app import AppizerApp
        from appizer_tui.ui.options import ViewerOptions

    settings = conn.settings
    watchlist_path: Path | None = settings.watchlist_path if persist else None
    saved: list[str] = []
    warning: str | None = None
    if watchlist_path is not None:
        try:
            saved = watchlist.load_watchlist(watchlist_path)
        except watchlist.WatchlistError as exc:
            warning = str(exc)
    all_ids = list(dict.fromkeys([*saved, *ids]))
    clock = SystemClock()

    async def run() -> int:
        client = conn.make_client(wall_clock=clock.wall)
        store = CampaignStore(
            interval=settings.interval,
            wall=clock.wall,
        )
        # With --redis, a team member (the status line shows its state); else a plain Poller.
        poller = polling_engine(
            client,
            store,
            clock,
            redis_url=settings.redis_url,
            base_url=settings.base_url,
            api_key=settings.api_key,
            poller_options={
                "interval": settings.interval,
                "max_rpm": settings.max_rpm,
                "budget_share": settings.budget_share,
            },
        )
        poller.add(*all_ids)
        options = ViewerOptions(
            base_url=settings.base_url,
            demo=conn.demo,
            key_masked=settings.api_key.masked if settings.api_key else None,
            alert_config=alert_config(settings),
            notify=settings.notify,
            on_alert=settings.on_alert,
            export_dir=settings.export_dir,
            watchlist_path=watchlist_path,
            startup_warning=warning,
        )
        app = AppizerApp(store=store, poller=poller, clock=clock, options=options)
        recording = _start_history(app, store, settings, all_ids)
        remove_signal_handlers = _quit_on_signals(app, lambda: app.controller.flush(store.ids()))
        try:
            # Without mouse tracking the terminal keeps the mouse: native selection works.
            code = await app.run_async(mouse=not settings.no_mouse)
        finally:
            remove_signal_handlers()
            await client.aclose()
            if recording is not None:
                recording.close()
        return code if isinstance(code, int) else 0

    try:
        return asyncio.run(run())
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _start_history(app: Any, store: Any, settings: Any, ids: list[str]) -> Any:
    """Record the store's polls (None when history is off), and show each campaign's recorded
    figures and series until its first poll answers: read in a thread, so the first frame never
    waits for the file. The writer's one warning becomes a toast."""
    import asyncio
    import contextlib

    from appizer_tui.polling.resume import read_for_resume, seed_store
    from appizer_tui.recording import history_enabled, start_recording
    from appizer_tui.safe_text import safe_text

    if not history_enabled(settings):
        return None

    def warn(text: str) -> None:  # from the writer's thread
        with contextlib.suppress(RuntimeError):  # the viewer has already gone
            app.call_from_thread(
                app.notify,
                safe_text(text, max_length=500),
                title="History",
                severity="warning",
                timeout=15,
                markup=False,
            )

    async def resume() -> None:
        found = await asyncio.to_thread(
            read_for_resume, settings.history_file, settings.base_url, ids
        )
        if found is not None:
            seed_store(store, found)

    task = asyncio.get_running_loop().create_task(resume(), name="history-resume")
    handle = start_recording(store, settings, on_warning=warn)
    _background.add(task)
    task.add_done_callback(_background.discard)
    return handle


_background: set[Any] = set()
"""Tasks started here, kept referenced until done (asyncio holds only weak references)."""


def _quit_on_signals(app: Any, save: Any) -> Any:
    """SIGTERM, SIGHUP (an SSH session or a tmux pane closing) and SIGINT (`kill -INT`: in the
    viewer Ctrl+C is a key) end the viewer the way `q` does, instead of killing the process with
    the terminal left in raw mode on the alternate screen: the engine stops, Textual restores
    the terminal, and the exit status is 128 + the signal number.

    A SIGHUP whose terminal is really gone is different: Textual's output thread has died on the
    first failed write (EIO) and the next writes block for ever, so the viewer would hang,
    unseen, until killed. Then `save()` writes the watchlist and the process ends at once with
    129; that handler is a plain signal handler, so it runs even while the event loop is stuck.
    Returns the function that undoes all this."""
    import asyncio
    import contextlib
    import os
    import signal

    from appizer_tui.plain.terminal import on_signals

    def quit_with(signal_number: int) -> None:
        app.exit(128 + signal_number, return_code=128 + signal_number)

    remove = on_signals(quit_with)
    loop = asyncio.get_running_loop()

    def hang_up(signal_number: int, frame: object) -> None:
        if not _terminal_gone():
            loop.call_soon_threadsafe(quit_with, signal_number)
            return
        _detach_from_terminal()
        try:
            save()
        finally:
            os._exit(128 + signal_number)

    # (Not on the main thread, or no SIGHUP on this platform: the loop's handler stays.)
    with contextlib.suppress(ValueError, OSError, AttributeError):
        signal.signal(signal.SIGHUP, hang_up)
    return remove


def _terminal_gone() -> bool:
    """True when our terminal hung up (the SSH connection or the tmux pane is gone)."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.__stdout__.fileno() if sys.__stdout__ else 1, select.POLLOUT)
        events = poller.poll(0)
    except (OSError, ValueError, AttributeError):
        return True
    hung_up = select.POLLHUP | select.POLLERR | select.POLLNVAL
    return any(event & hung_up for _, event in events)


def _detach_from_terminal() -> None:
    """Point stdin, stdout and stderr at /dev/null (the terminal is gone)."""
    import contextlib
    import os

    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in (0, 1, 2):
            with contextlib.suppress(OSError):
                os.dup2(devnull, fd)
    finally:
        os.close(devnull)
