"""Start-up helpers shared by the entry point and the commands; nothing heavy imported here."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: for imports, which create thousands of objects that
    all live on and that the collector would otherwise walk again and again (~5 % of import time,
    measured with gc.callbacks). Only around imports, in the main thread: nothing there becomes
    garbage that needs a finalizer, so collection resumes exactly as before.

    What the imports made is then frozen (`gc.freeze`): modules, classes and functions that live
    as long as the process. Otherwise the first allocation after the pause walks all of them at
    once (~75,000 objects, ~20 ms, just before the viewer's first frame). Only objects alive at
    the end of the imports are frozen, never anything the UI makes later."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
