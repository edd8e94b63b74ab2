"""Fixtures for the history tests: real SQLite files in tmp_path, the engine's test harness."""

from __future__ import annotations

import sys
from pathlib import Path

# Test modules are imported with importlib (no rootdir on sys.path): make the helpers importable.
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "polling"))
