"""Desktop notifications: the bytes of OSC 777, OSC 9 and the tmux wrapping, with hostile text,
the choice `auto` makes, and one notification written to a real pty."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from alert_support import Feed, campaign

from appizer_tui.alerts.alert import Alert
from appizer_tui.alerts.notify import (
    BEL,
    ESC,
    TerminalNotifier,
    notification,
    pick_method,
)

HOSTILE = (
    "a;b\x1b]0;title\x07\x1b]8;;http://x\x1b\\link\x1b\\ \x9b2J \x9d52;c;eA==\x9c \x90dcs\x9c"
    " \x1b[2J\x07\x00\x7f\u202eevil\u2028next;9;4;1 [bold]x[/]"
)
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2028\u2029\u2066-\u2069]")


def hostile_alert(**changes: object) -> Alert:
    fields: dict[str, object] = {
        "rule": "failure_rate",
        "state": "firing",
        "severity": "alarm",
        "campaign_id": HOSTILE,
        "value": 0.1,
        "threshold": 0.05,
        "message": HOSTILE,  # not through the engine: the notifier must not rely on it
        "campaign": None,
        "at": "2024-01-15T10:30:05Z",
    }
    fields.update(changes)
    return Alert(**fields)  # type: ignore[arg-type]


def payload(sequence: str, prefix: str, suffix: str = BEL) -> str:
    assert sequence.startswith(prefix) and sequence.endswith(suffix), repr(sequence)
    return sequence[len(prefix) : len(sequence) - len(suffix)]


def test_osc777_carries_no_control_from_the_data_and_one_field_separator():
    sequence = notification(hostile_alert(), "osc777")
    inner = payload(sequence, f"{ESC}]777;notify;")
    assert UNSAFE.search(inner) is None, repr(inner)
    assert inner.count(";") == 1  # title ; body, nothing in the data splits it again
    title, body = inner.split(";")
    assert title == "appizer-tui: failure_rate firing"
    assert body.startswith("a,b\\x1b]0,title\\x07")  # shown, inert
    assert sequence.encode().count(b"\x1b") == 1 and sequence.encode().count(b"\x07") == 1


def test_osc9_carries_no_control_and_no_semicolon_from_the_data():
    sequence = notification(hostile_alert(), "osc9")
    inner = payload(sequence, f"{ESC}]9;")
    assert UNSAFE.search(inner) is None and ";" not in inner
    assert inner.startswith("appizer-tui: failure_rate firing: a,b")
    data = sequence.encode()
    assert data.count(b"\x1b") == 1 and data.count(b"\x07") == 1
    assert not any(0x80 <= ord(ch) <= 0x9F for ch in sequence)


def test_inside_tmux_the_sequence_is_wrapped_with_every_esc_doubled():
    plain = notification(hostile_alert(), "osc777")
    wrapped = notification(hostile_alert(), "osc777", tmux=True)
    assert wrapped == f"{ESC}Ptmux;{ESC}{plain}{ESC}\\"
    inner = payload(wrapped, f"{ESC}Ptmux;", f"{ESC}\\")
    # tmux undoubles ESC ESC; a lone ESC would end the passthrough early.
    assert re.search("\x1b(?!\x1b)", inner.replace("\x1b\x1b", "")) is None


def test_the_bell_rings_for_firing_alarms_only_and_off_writes_nothing():
    assert notification(hostile_alert(), "bell") == BEL
    assert notification(hostile_alert(state="resolved"), "bell") == ""
    assert notification(hostile_alert(rule="finished", severity="notice"), "bell") == ""
    assert notification(hostile_alert(), "off") == ""
    # The sequences go for resolutions and notices too: they carry their own text.
    assert notification(hostile_alert(state="resolved"), "osc9").startswith(f"{ESC}]9;")


@pytest.mark.parametrize(
    ("env", "method"),
    [
        ({"TERM_PROGRAM": "ghostty", "TERM": "xterm-ghostty"}, "osc777"),
        ({"TERM_PROGRAM": "WezTerm"}, "osc777"),
        ({"TERM": "foot"}, "osc777"),
        ({"TERM": "rxvt-unicode-256color"}, "osc777"),
        ({"TERM_PROGRAM": "iTerm.app"}, "osc9"),
        ({"TERM": "xterm-kitty"}, "osc9"),
        ({"TERM_PROGRAM": "tmux", "TERM": "tmux-256color", "LC_TERMINAL": "iTerm2"}, "osc9"),
        ({"TERM_PROGRAM": "tmux", "TERM": "screen", "KITTY_WINDOW_ID": "1"}, "osc9"),
        ({"TERM_PROGRAM": "tmux", "GHOSTTY_RESOURCES_DIR": "/usr/share/ghostty"}, "osc777"),
        ({"TERM_PROGRAM": "Apple_Terminal"}, "bell"),
        ({"TERM": "xterm-256color", "WT_SESSION": "x"}, "bell"),
        ({"TERM": "xterm-256color", "VTE_VERSION": "7600"}, "bell"),
        ({}, "bell"),
    ],
)
def test_auto_picks_by_the_terminals_name(env: dict[str, str], method: str):
    assert pick_method("auto", env) == method


def test_explicit_modes_stay_and_unknown_ones_are_refused():
    assert pick_method("osc777", {"TERM_PROGRAM": "iTerm.app"}) == "osc777"
    with pytest.raises(ValueError, match="unknown notify mode"):
        pick_method("growl", {})
    notifier = TerminalNotifier.from_env("auto", print, {"TERM": "foot", "TMUX": "/tmp/t,1,0"})
    assert (notifier.method, notifier.tmux) == ("osc777", True)


def test_an_engine_alert_with_a_hostile_id_notifies_inertly():
    feed = Feed(None, HOSTILE)
    alert = feed.poll(campaign(900, 100, campaign_id=HOSTILE))[0]
    written: list[str] = []
    TerminalNotifier("osc777", written.append).notify(alert)
    inner = payload(written[0], f"{ESC}]777;notify;")
    assert UNSAFE.search(inner) is None and inner.count(";") == 1


CHILD = """
import sys
from appizer_tui.alerts.alert import Alert
from appizer_tui.alerts.notify import TerminalNotifier, tty_writer
text = sys.argv[1]
alert = Alert(rule="stalled", state="firing", severity="alarm", campaign_id=text, value=120.0,
              threshold=120.0, message=text, campaign=None, at="2024-01-15T10:30:05Z")
TerminalNotifier("osc777", tty_writer(sys.stdout)).notify(alert)
"""


def test_a_pty_receives_one_osc777_whose_text_carries_no_escape_sequence():
    master, slave = os.openpty()
    try:
        child = subprocess.run(
            [sys.executable, "-c", CHILD, HOSTILE.replace("\x00", "")],
            stdout=slave,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
        os.close(slave)
        assert child.returncode == 0, child.stderr.decode()
        received = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child's side is closed and drained
                break
            if not chunk:
                break
            received += chunk
    finally:
        os.close(master)
    assert received.startswith(b"\x1b]777;notify;appizer-tui: stalled firing;")
    assert received.endswith(b"\x07")
    assert received.count(b"\x1b") == 1 and received.count(b"\x07") == 1
    text = received.decode("utf-8")
    assert UNSAFE.search(text[len("\x1b]777;notify;") : -1]) is None
