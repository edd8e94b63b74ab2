"""Fixtures for the scriptable-mode tests: a clean env and a manual clock (`serve`, the simulator
servers, is in tests/conftest.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Test modules are imported with importlib (no rootdir on sys.path): make the helpers importable.
sys.path.insert(0, str(Path(__file__).parent))

from plain_helpers import ManualClock, clean_env  # noqa: E402


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment for subprocesses: no user config, key, colour settings or state dir."""
    return clean_env(tmp_path)


@pytest.fixture
def manual_clock() -> ManualClock:
    """A wall clock that only moves when the test says: the simulator's truth stands still."""
    return ManualClock()
