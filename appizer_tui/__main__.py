"""The `appizer-tui` command's entry point; `python -m appizer_tui` runs the same.

`appizer-tui --version` is answered here, before click is imported: importing click alone takes
longer than the whole answer may (about three times a bare `python -c pass`). Everything else goes
to the click group in `appizer_tui.cli`.

Start-up (imports, then Textual composing the screen) allocates a few hundred thousand objects
that live as long as the process; the cyclic garbage collector would walk them again and again
while they are created (~5-10 % of start-up, measured with gc.callbacks). Collection is paused for
the first STARTUP_GC_PAUSE seconds, then those objects are frozen out of every later collection
(`gc.freeze`) and collection resumes.
"""

from __future__ import annotations

import sys

STARTUP_GC_PAUSE = 2.0
"""Seconds after start during which the cyclic garbage collector does not run."""


def _resume_gc() -> None:
    import gc

    gc.freeze()
    gc.enable()


def _pause_gc_for_startup() -> None:
    import gc
    import threading

    gc.disable()
    timer = threading.Timer(STARTUP_GC_PAUSE, _resume_gc)
    timer.daemon = True
    timer.start()


def run() -> None:
    """Run the command line with `sys.argv`."""
    if sys.argv[1:] == ["--version"]:
        from appizer_tui import __version__

        # The same words as click's version option, which `appizer-tui --help` documents.
        sys.stdout.write(f"appizer-tui, version {__version__}\n")
        sys.stdout.flush()
        return
    _pause_gc_for_startup()
    from appizer_tui.cli import main

    main(prog_name="appizer-tui")


if __name__ == "__main__":
    run()
