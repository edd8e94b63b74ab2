"""The headless modes never load the viewer's or the simulator's heavy modules.

Checked in a fresh interpreter, since this test process has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Not rich: httpx itself imports it when it is installed (for httpx's own command line).
HEAVY = ("textual", "plotext", "textual_plotext", "starlette", "uvicorn")

PROBE = """
import json, sys
from click.testing import CliRunner
from appizer_tui.cli import main
result = CliRunner().invoke(main, {args!r})
loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r}))
print(json.dumps({{"exit": result.exit_code, "loaded": loaded}}))
"""


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["--version"], 0),
        (["--help"], 0),
        (["status", "--help"], 0),
        (["watch", "--help"], 0),
        (["export", "--help"], 0),
        # Port 9 (discard) is closed here: a network error, exit 6, after a real attempt.
        (["status", "--base-url", "http://127.0.0.1:9/v1", "--api-key", "sk_test_x_123", "c1"], 6),
    ],
)
def test_headless_commands_import_no_ui_or_server_modules(args: list[str], exit_code: int) -> None:
    code = PROBE.format(args=args, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["exit"] == exit_code
    assert report["loaded"] == [], f"{args} loaded {report['loaded']}"
