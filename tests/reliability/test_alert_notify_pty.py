"""The viewer's desktop notifications, judged on the bytes it writes to a real pty: with
`TERM_PROGRAM=WezTerm` (`--notify auto` picks OSC 777), each failure-rate alert on campaigns
whose ids and statuses come from the injection corpus is one `ESC ] 777 ; notify ; title ;
body BEL`, and nothing from the data escapes into it or anywhere else on the terminal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from payload_api import PayloadApi, Served, echo_ids
from payloads import string_sequences, terminal_leaks
from pty_support import PtyProcess, clean_env, command

from appizer_tui.safe_text import safe_text
from appizer_tui.sim.server import RunningServer, start_server

OSC777 = re.compile(rb"\x1b\]777;notify;([^\x07\x1b]*)\x07")
KEY = "sk_test_injection_0000000000"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    running = start_server(Served(PayloadApi()))  # type: ignore[arg-type]
    yield running
    running.stop()


def test_the_viewer_notifies_with_osc777_carrying_no_sequence_from_the_data(
    server: RunningServer, tmp_path: Path
) -> None:
    # Every answer has 50 failed of 1,250: 4 %, over this threshold: each campaign alerts once.
    ids = echo_ids()  # answered 200 with the id echoed: markup, quotes, shell characters...
    flags = ["--base-url", server.base_url, "--interval", "1", "--max-rpm", "20000"]
    flags += ["--alert-failure-rate", "0.01", "--min-attempts", "0", "--no-persist"]
    env = clean_env(tmp_path, APPIZER_API_KEY=KEY, TERM_PROGRAM="WezTerm")
    with PtyProcess(command(*flags, *ids), env=env, cwd=tmp_path, size=(160, 48)) as viewer:
        viewer.wait_for(lambda out: len(OSC777.findall(out)) >= len(ids))
        viewer.send("q")
        assert viewer.wait() == 0
        output = viewer.output
    notes = [body.decode("utf-8") for body in OSC777.findall(output)]
    assert len(notes) == len(ids)  # once each: no flapping, no repeat on later polls
    for campaign_id in ids:
        shown = safe_text(campaign_id).replace(";", ",")
        assert any(note.split(";", 1)[1].startswith(f"{shown}: ") for note in notes), shown
    for note in notes:
        title, body = note.split(";", 1)
        assert title == "appizer-tui: failure_rate firing" and ";" not in body
        assert "failure rate 4.0% is at or above 1.0%" in body
    text = output.decode("utf-8", "replace")
    assert terminal_leaks(text) == []
    # The only string sequences: Textual's own pointer shape (OSC 22) and the notifications.
    allowed = ("\x1b]22;", "\x1b]777;notify;appizer-tui: failure_rate firing;")
    assert [s for s in string_sequences(text) if not s.startswith(allowed)] == []
