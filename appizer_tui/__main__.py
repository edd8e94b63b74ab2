"""The `appizer-tui` command's entry point; `python -m appizer_tui` runs the same.

`appizer-tui --version` is answered here, before click is imported: importing click alone takes
longer than the whole answer may (about three times a bare `python -c pass`). Everything else goes
to the click group in `appizer_tui.cli`.
"""

from __future__ import annotations

import sys


def run() -> None:
    """Run the command line with `sys.argv`."""
    if sys.argv[1:] == ["--version"]:
        from appizer_tui import __version__

        # The same words as click's version option, which `appizer-tui --help` documents.
        sys.stdout.write(f"appizer-tui, version {__version__}\n")
        sys.stdout.flush()
        return
    from appizer_tui._startup import gc_paused

    with gc_paused():
        from appizer_tui.cli import main

    main(prog_name="appizer-tui")


if __name__ == "__main__":
    run()
