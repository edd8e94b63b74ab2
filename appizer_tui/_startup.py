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
    garbage that needs a finalizer, so collection resumes exactly as before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
