"""Process plumbing for the plain modes: colour detection, signals, and streams that may close."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
from collections.abc import Callable, Mapping
from typing import TextIO

STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")
"""Ctrl+C, a polite kill, and a closed SSH session: each ends a watch cleanly."""


def colour_enabled(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org) or the
    terminal is TERM=dumb (it shows escape sequences as text)."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def on_signals(callback: Callable[[int], None]) -> Callable[[], None]:
    """Call `callback(signal_number)` on the running loop for each of STOP_SIGNALS, instead of
    dying or raising KeyboardInterrupt somewhere random; returns the function that undoes it."""
    import asyncio

    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for name in STOP_SIGNALS:
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            loop.add_signal_handler(sig, callback, int(sig))
        except (NotImplementedError, RuntimeError, ValueError):
            continue  # not the main thread, or a platform without these signals
        installed.append(sig)

    def remove() -> None:
        for sig in installed:
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)

    return remove


def prepare_streams() -> None:
    """Never die on a character the terminal's encoding lacks: escape it instead."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, io.UnsupportedOperation):
                stream.reconfigure(errors="backslashreplace")


def silence_closed_stdout() -> None:
    """After the reader went away (`| head`), point stdout at /dev/null so the interpreter's
    final flush does not print a BrokenPipeError traceback."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def terminal_writer() -> Callable[[str], None] | None:
    """Where a desktop notification's escape sequence may go: stderr when it is a terminal,
    else the controlling terminal (/dev/tty: `watch ... 2>log` in a terminal still notifies),
    else nowhere (None): escape sequences never go into a pipe or a log file."""
    from appizer_tui.alerts.notify import tty_writer

    try:
        if sys.stderr.isatty():
            return tty_writer(sys.stderr)
    except (AttributeError, ValueError):
        pass
    try:
        # Kept open for the run; closed when the process ends.
        tty = open("/dev/tty", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError:
        return None
    return tty_writer(tty)
