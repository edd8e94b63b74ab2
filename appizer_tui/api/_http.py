"""httpx, loaded without its own command-line client.

`import httpx` also imports `httpx._main` (httpx's `httpx` command) whenever click and rich are
installed, and with it rich.progress, rich.table, rich.syntax and pygments: about 0.1 s of start-up
that this program never uses (measured with `python -X importtime`). A `None` entry in
`sys.modules` makes that one optional import fail, which httpx handles by defining a stub `main`;
the entry is removed again at once, so nothing else is affected.
"""

from __future__ import annotations

import sys

_SKIP_CLI = "httpx" not in sys.modules and "httpx._main" not in sys.modules
if _SKIP_CLI:
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
try:
    import httpx
finally:
    if _SKIP_CLI and sys.modules.get("httpx._main", 0) is None:
        del sys.modules["httpx._main"]

__all__ = ["httpx"]
