"""The alert tests' helpers live in alert_support.py."""

from __future__ import annotations

import sys
from pathlib import Path

# Test modules are imported with importlib (no rootdir on sys.path): make the helpers importable.
sys.path.insert(0, str(Path(__file__).parent))
