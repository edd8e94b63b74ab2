"""Fixtures for the viewer tests: UTC local time, steady highlights, a harness factory."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Test modules are imported with importlib (no rootdir on sys.path): make the helpers importable.
sys.path.insert(0, str(Path(__file__).parent))

from ui_harness import Harness, make_harness  # noqa: E402

from appizer_tui.ui.widgets import counters  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _utc() -> Iterator[None]:
    """Local times in UTC, so "local" timestamps read the same on every machine."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture(autouse=True)
def _true_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """The viewer picks its theme from the terminal's colours (TERM, COLORTERM): tests and
    snapshots see a true-colour terminal unless they say otherwise."""
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(autouse=True)
def _steady_flash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deltas stay highlighted for the whole test: what a snapshot shows cannot depend on how
    fast the machine is."""
    monkeypatch.setattr(counters, "FLASH_SECONDS", 3600.0)


@pytest.fixture
def harness_factory(tmp_path: Path) -> Callable[..., Harness]:
    """`harness_factory(**kwargs)` builds a Harness in this test's tmp_path."""

    def build(**kwargs: Any) -> Harness:
        return make_harness(tmp_path, **kwargs)

    return build
