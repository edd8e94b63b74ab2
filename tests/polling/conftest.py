"""Fixtures for the engine tests: a fake clock, a fake API, engines on either."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Test modules are imported with importlib (no rootdir on sys.path): make the helpers importable.
sys.path.insert(0, str(Path(__file__).parent))

from polling_support import FakeApi  # noqa: E402

from appizer_tui.polling.clock import FakeClock  # noqa: E402


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(clock: FakeClock) -> FakeApi:
    return FakeApi(clock)
