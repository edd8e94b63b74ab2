"""`appizer-tui alerts test` (a click command a later step registers) and the imports."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from appizer_tui.alerts.channels import SAMPLE_CAMPAIGN_ID
from appizer_tui.alerts.command import alerts_command

RECORDER = """
import sys
data = sys.stdin.read()
open(sys.argv[1], "a").write(data)
if len(sys.argv) > 2:
    sys.stderr.write(sys.argv[2] + "\\n")
    sys.exit(3)
"""


def _hook(tmp_path: Path, *extra: str) -> tuple[str, Path]:
    script = tmp_path / "record.py"
    script.write_text(RECORDER)
    out = tmp_path / "got.jsonl"
    return shlex.join([sys.executable, str(script), str(out), *extra]), out


def _printed_alert(output: str) -> dict[str, object]:
    line = next(line for line in output.splitlines() if line.startswith("alert: "))
    record: dict[str, object] = json.loads(line.removeprefix("alert: "))
    return record


def test_the_sample_alert_reaches_the_hook_as_printed(tmp_path: Path):
    hook, out = _hook(tmp_path)
    result = CliRunner().invoke(alerts_command, ["test", "--on-alert", hook])
    assert result.exit_code == 0, result.output
    assert "hook: ran and exited 0" in result.output
    # Not a terminal here: no escape sequence goes into the captured output.
    assert "desktop notification: off" in result.output and "\x1b" not in result.output
    received = out.read_text()
    assert received.count("\n") == 1
    sent = json.loads(received)
    assert sent == _printed_alert(result.output)
    assert sent["rule"] == "failure_rate" and sent["state"] == "firing"
    assert sent["campaign_id"] == SAMPLE_CAMPAIGN_ID
    assert sent["campaign"]["campaign_id"] == SAMPLE_CAMPAIGN_ID  # type: ignore[index]
    assert sent["value"] > sent["threshold"] == 0.05  # type: ignore[operator]


def test_a_failing_hook_fails_the_test_with_its_message(tmp_path: Path):
    hook, _ = _hook(tmp_path, "no route to the webhook")
    result = CliRunner().invoke(alerts_command, ["test", "--on-alert", hook])
    assert result.exit_code == 1
    assert "hook: on-alert hook: exit status 3: no route to the webhook" in result.output


def test_without_a_hook_and_with_a_bad_one():
    result = CliRunner().invoke(alerts_command, ["test"])
    assert result.exit_code == 0 and "hook: none" in result.output
    bad = CliRunner().invoke(alerts_command, ["test", "--on-alert", "'unclosed"])
    assert bad.exit_code == 2 and "--on-alert" in bad.output
    mode = CliRunner().invoke(alerts_command, ["test", "--notify", "growl"])
    assert mode.exit_code == 2


def test_on_a_terminal_the_sample_is_an_osc777_notification():
    master, slave = os.openpty()
    code = "from appizer_tui.alerts.command import alerts_command; alerts_command()"
    try:
        child = subprocess.run(
            [sys.executable, "-c", code, "test", "--notify", "osc777"],
            stdout=slave,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
        os.close(slave)
        received = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            received += chunk
    finally:
        os.close(master)
    assert child.returncode == 0, child.stderr.decode()
    title = b"appizer-tui: failure_rate firing;"
    assert received.startswith(b"\x1b]777;notify;" + title + b"camp_alerts_test: failure rate")
    assert b"desktop notification: osc777" in received


def test_the_alert_machinery_loads_neither_textual_nor_click():
    code = (
        "import sys\n"
        "import appizer_tui.alerts.rules, appizer_tui.alerts.notify\n"
        "import appizer_tui.alerts.hooks, appizer_tui.alerts.channels\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich', 'click'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
