"""Terminal and markup injection, judged on the bytes each front end writes to a real pty.

A fake API on 127.0.0.1 answers with the 54-payload corpus (payloads.py) as campaign ids,
statuses, error messages, error codes and error names. The viewer, `watch` (text and JSON lines),
`status` (table and JSON) and `export` (CSV and JSON, to the terminal and to files, and the
viewer's own `e` export) each run in a pseudo-terminal against it. Nothing may crash, and the
output may contain none of the payloads' raw sequences (each is tagged with a marker word, so
the app's own escape codes are told apart), no C1 or bidi control, and no string sequence (OSC,
DCS, APC...) but the mouse-pointer shape Textual itself sets.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from payload_api import PayloadApi, Served, echo_ids, error_ids, ok_ids
from payloads import PAYLOADS, by_name, file_leaks, string_sequences, terminal_leaks
from pty_support import PtyProcess, clean_env, command

from appizer_tui.safe_text import safe_text
from appizer_tui.sim.server import RunningServer, start_server

ALLOWED_STRINGS = ("\x1b]22;",)
"""OSC 22 sets the mouse pointer shape: Textual writes it itself."""
KEY = "sk_test_injection_0000000000"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    running = start_server(Served(PayloadApi()))  # type: ignore[arg-type]
    yield running
    running.stop()


def connect(server: RunningServer) -> list[str]:
    return ["--base-url", server.base_url]


def env_for(tmp_path: Path) -> dict[str, str]:
    return clean_env(tmp_path, APPIZER_API_KEY=KEY)


def check_terminal_output(output: bytes, *, allowed: tuple[str, ...] = ()) -> str:
    text = output.decode("utf-8", "replace")
    assert terminal_leaks(text) == []
    strings = [s for s in string_sequences(text) if not s.startswith(allowed)]
    assert strings == []
    assert "Traceback" not in text and "MarkupError" not in text
    return text


def requests_shown(output: bytes) -> int:
    """The highest "N/M req/min" the budget line has shown."""
    found = re.findall(rb"(\d[\d,]*)/[\d,]+ req/min", output)
    return max((int(n.replace(b",", b"")) for n in found), default=0)


def test_viewer_writes_no_injected_sequence(server: RunningServer, tmp_path: Path) -> None:
    ids = [*ok_ids(), *error_ids("se"), *echo_ids()]
    argv = command(*connect(server), "--interval", "1", "--max-rpm", "20000", *ids)
    with PtyProcess(argv, env=env_for(tmp_path), cwd=tmp_path, size=(160, 48)) as viewer:
        viewer.wait_for(b"ok00")
        # Every campaign fetched once: the budget line counts the requests.
        viewer.wait_for(lambda out: requests_shown(out) >= len(ids))
        for campaign_id in ids[1:]:
            mark = len(viewer.output)
            viewer.send("j")
            # The header repaints with the newly selected id (the list row, too).
            viewer.wait_for(safe_text(campaign_id)[:12].encode(), since=mark)
            if campaign_id.startswith("se"):
                # ...and the campaign's error banner shows the server's message, inert.
                message = safe_text(PAYLOADS[int(campaign_id[2:])].text)
                viewer.wait_for(message[:6].encode(), since=mark)
        # The viewer's own export of every campaign, through the `e` menu.
        mark = len(viewer.output)
        viewer.send("e")
        viewer.wait_for(b"Every campaign", since=mark)
        viewer.send("\r")
        viewer.wait_for(b"Wrote", since=mark)
        assert viewer.proc.poll() is None
        viewer.send("q")
        code = viewer.wait()
    text = check_terminal_output(viewer.output, allowed=ALLOWED_STRINGS)
    assert code == 0
    # The payloads are on the screen, inert: their escaped forms show.
    for marker in ("CLR01", "RED02", "PWNED06", "SU5KRUNURUQ=", "DCS08", "C1CSI11"):
        assert marker in text or marker.upper() in text, marker
    assert "\\x1b" in text or "\\X1B" in text
    exports = list(tmp_path.glob("campaigns-*.csv"))
    assert len(exports) == 1
    assert file_leaks(exports[0].read_text(encoding="utf-8")) == []


def test_plain_modes_write_no_injected_sequence(server: RunningServer, tmp_path: Path) -> None:
    ids = [*ok_ids(), *error_ids("se"), *error_ids("nf"), *echo_ids()]
    base = connect(server)
    runs = {
        "status": command("status", *base, *ids),
        "status_json": command("status", *base, "--json", *ids),
        "watch_text": command("watch", *base, "--interval", "1", "--timeout", "3", *ids),
        "watch_jsonl": command(
            "watch", *base, "--interval", "1", "--timeout", "3", "--format", "jsonl", *ids
        ),
        "export_csv": command("export", *base, *ids),
        "export_json": command("export", *base, "--format", "json", *ids),
        "export_file": command("export", *base, "-o", str(tmp_path / "out.csv"), *ids),
        "export_json_file": command(
            "export", *base, "--format", "json", "-o", str(tmp_path / "out.json"), *ids
        ),
    }
    env = env_for(tmp_path)
    children = {
        name: PtyProcess(argv, env=env, cwd=tmp_path, size=(200, 50)) for name, argv in runs.items()
    }
    try:
        codes = {name: child.wait() for name, child in children.items()}
        outputs = {name: child.output for name, child in children.items()}
    finally:
        for child in children.values():
            child.close()
    # status: a server error decides the exit status; export: the same; watch: timed out.
    assert codes == {
        "status": 6,
        "status_json": 6,
        "watch_text": 0,
        "watch_jsonl": 0,
        "export_csv": 6,
        "export_json": 6,
        "export_file": 6,
        "export_json_file": 6,
    }, {n: outputs[n][-500:] for n in outputs}
    texts = {name: check_terminal_output(out) for name, out in outputs.items()}
    # JSON outputs parse, and every string in them is inert too (a `jq -r` prints it raw).
    status = json.loads(texts["status_json"].replace("\r\n", "\n"))
    assert len(status) == len(ids)
    for line in texts["watch_jsonl"].replace("\r\n", "\n").splitlines():
        json.loads(line)
    for name in ("out.csv", "out.json"):
        assert file_leaks((tmp_path / name).read_text(encoding="utf-8")) == []
    # The escaped forms are what people see.
    assert safe_text(PAYLOADS[15].text)[:20] in texts["status"] + texts["watch_text"]


@pytest.mark.skipif(sys.platform != "linux", reason="pty semantics checked on Linux")
def test_a_401_message_full_of_payloads_is_inert(tmp_path: Path) -> None:
    names = ("osc0_title", "csi_clear", "osc52", "c1_csi", "bidi_rlo", "click_quit", "close_tag")
    hostile = " ".join(by_name(name).text for name in names)
    api = PayloadApi(status_override=401, override_text=hostile)
    running = start_server(Served(api))  # type: ignore[arg-type]
    try:
        argv = command("--base-url", running.base_url, "camp_1", "camp_2")
        with PtyProcess(argv, env=env_for(tmp_path), cwd=tmp_path, size=(200, 50)) as viewer:
            viewer.wait_for(b"401")
            viewer.wait_for(b"PWNED06")
            viewer.wait_for(b"[@click=app.quit]quit[/]")
            viewer.send("q")
            code = viewer.wait()
        argv = command("watch", "--base-url", running.base_url, "camp_1")
        with PtyProcess(argv, env=env_for(tmp_path), cwd=tmp_path) as watch:
            watch_code = watch.wait()
    finally:
        running.stop()
    assert code == 0 and watch_code == 3
    check_terminal_output(viewer.output, allowed=ALLOWED_STRINGS)
    check_terminal_output(watch.output)
