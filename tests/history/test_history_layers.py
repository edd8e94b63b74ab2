"""The history layer stays below the front ends: importing it loads neither Textual nor click."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import appizer_tui.history
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {"textual", "click", "rich"})))
"""


def test_importing_the_history_layer_loads_no_front_end() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
