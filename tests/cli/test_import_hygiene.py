"""The headless modes never load the viewer's or the simulator's heavy modules.

Checked in a fresh interpreter, since this test process has imported everything already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# rich too: httpx imports it for its own command line unless appizer_tui.api._http prevents it.
HEAVY = ("textual", "plotext", "textual_plotext", "starlette", "uvicorn", "rich", "pygments")
# What `--version`, `--help` and usage errors never need: the HTTP stack and the event loop.
NETWORK = ("httpx", "httpcore", "anyio", "ssl", "asyncio", "msgspec")

PROBE = """
import json, sys
from click.testing import CliRunner
from appizer_tui.cli import main
result = CliRunner().invoke(main, {args!r})
loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r}))
print(json.dumps({{"exit": result.exit_code, "loaded": loaded}}))
"""


def _probe(
    args: list[str], modules: tuple[str, ...], env: dict[str, str] | None = None
) -> dict[str, object]:
    code = PROBE.format(args=args, heavy=modules)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    report: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return report


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
    report = _probe(args, HEAVY)
    assert report["exit"] == exit_code
    assert report["loaded"] == [], f"{args} loaded {report['loaded']}"


@pytest.mark.parametrize(
    "args",
    [["--version"], ["--help"], ["status", "--help"], ["watch", "--help"], ["status", "bad id"]],
)
def test_help_version_and_usage_errors_load_no_network_stack(args: list[str]) -> None:
    report = _probe(args, NETWORK)
    assert report["loaded"] == [], f"{args} loaded {report['loaded']}"


CLOSED = ["--base-url", "http://127.0.0.1:9/v1", "--api-key", "sk_test_x_123"]
HTTPX_STACK = ("httpx", "httpcore", "anyio")  # h11 is the direct client's own parser


def _without_proxies() -> dict[str, str]:
    names = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    return {k: v for k, v in os.environ.items() if k.lower() not in names}


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["status", *CLOSED, "c1"], 6),
        (["watch", *CLOSED, "--timeout", "0.3", "--exit-status", "c1"], 124),
        (["export", *CLOSED, "-o", "-", "c1"], 6),
    ],
)
def test_direct_connections_use_the_h11_pool_not_httpx(args: list[str], exit_code: int) -> None:
    report = _probe(args, HTTPX_STACK, _without_proxies())
    assert report["exit"] == exit_code
    assert report["loaded"] == [], f"{args} loaded {report['loaded']}"


def test_a_proxy_in_the_environment_sends_requests_through_httpx() -> None:
    env = _without_proxies() | {"HTTP_PROXY": "http://127.0.0.1:9"}
    report = _probe(["status", *CLOSED, "c1"], HTTPX_STACK, env)
    assert report["exit"] == 6
    assert "httpx" in report["loaded"]  # type: ignore[operator]


def test_version_from_the_entry_point_loads_not_even_click() -> None:
    code = (
        "import sys, io, contextlib\n"
        "sys.argv = ['appizer-tui', '--version']\n"
        "out = io.StringIO()\n"
        "from appizer_tui.__main__ import run\n"
        "with contextlib.redirect_stdout(out):\n"
        "    run()\n"
        "print(repr(out.getvalue()), 'click' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    from appizer_tui import __version__

    assert out.stdout.strip() == f"'appizer-tui, version {__version__}\\n' False"


def test_entry_point_version_matches_clicks_version_option() -> None:
    from click.testing import CliRunner

    from appizer_tui.cli import main

    result = CliRunner().invoke(main, ["--version"])
    entry = subprocess.run(
        [sys.executable, "-m", "appizer_tui", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert entry.stdout == result.output


# What the viewer's first frame does without: the detail pane's parts (and the plotting library
# behind its chart), the footer, the dialogs and the help screen come after it.
AFTER_FIRST_FRAME = (
    "plotext",
    "textual_plotext",
    "appizer_tui.ui.widgets.detail_parts",
    "appizer_tui.ui.widgets.chart",
    "appizer_tui.ui.widgets.counters",
    "appizer_tui.ui.screens.help",
    "appizer_tui.ui.screens.add_campaigns",
    "appizer_tui.ui.screens.api_key",
    "appizer_tui.ui.screens.confirm",
    "appizer_tui.ui.screens.export_menu",
    "textual.widgets._footer",
)


def test_the_viewers_modules_leave_the_rest_for_after_the_first_frame() -> None:
    code = (
        "import sys\n"
        "import appizer_tui.viewer_command, appizer_tui.ui.app\n"
        f"print(sorted(set({AFTER_FIRST_FRAME!r}) & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# Each package may import only those of a lower rank (and itself); `ui` and `plain` are two front
# ends side by side, so neither imports the other; nothing but `ui` imports Textual.
RANK = {
    "api": 0,
    "state": 1,
    "history": 2,
    "polling": 3,
    "team": 4,
    "alerts": 4,
    "present": 5,
    "ui": 6,
    "plain": 6,
}
SHARED = {"appizer_tui", "appizer_tui.safe_text", "appizer_tui.files"}
ALLOWED = {
    ("plain", "cli_common"),  # the `watch` and `export` click commands share the CLI's helpers
    ("alerts/command.py", "cli_common"),  # `alerts test` takes the shared option rows
    ("alerts/command.py", "config"),  # ... and resolves them as every command does
    ("ui/screenshots.py", "sim"),  # the screenshot tool drives the simulator (`make screenshots`)
    # `watch` records its polls, and `export --history/--offline` reads the history file without
    # a key: both need the resolved settings (history file, retention), not just a connection.
    ("plain", "recording"),
    ("plain", "settings_table"),
    ("plain/export_cli.py", "config"),
}


def _imports(path: Path) -> set[str]:
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] in ("appizer_tui", "textual")}


def test_the_layers_import_only_downwards() -> None:
    import appizer_tui

    root = Path(appizer_tui.__file__).parent
    wrong = []
    for path in sorted(root.rglob("*.py")):
        where = path.relative_to(root).as_posix()
        package = where.split("/")[0]
        if package not in RANK:
            continue
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "textual":
                if package != "ui":
                    wrong.append(f"{where} imports {name}")
                continue
            if name in SHARED or parts[1] == package:
                continue
            target = parts[1]
            if (package, target) in ALLOWED or (where, target) in ALLOWED:
                continue
            if RANK.get(target, 99) >= RANK[package]:
                wrong.append(f"{where} imports {name}")
    assert wrong == []
