"""Desktop notifications through the terminal: a few bytes the terminal turns into its own
notification, so they reach the person over SSH and from inside tmux with nothing installed.

Sequences (`--notify auto|osc9|osc777|bell|off`):

- `osc777`: `ESC ] 777 ; notify ; TITLE ; BODY BEL`, rxvt-unicode's (with its notify extension),
  also read by foot, Ghostty (`desktop-notifications = true`, the default) and WezTerm.
- `osc9`: `ESC ] 9 ; TEXT BEL`, iTerm2's, also read by kitty (besides its own OSC 99), WezTerm
  and Ghostty. No separate title, so the text is "TITLE: BODY".
- `bell`: BEL; rung for firing alarms only (a bell for a resolution or a notice is noise).
- `auto` picks by name: `TERM_PROGRAM` (ghostty, WezTerm, iTerm.app), `LC_TERMINAL` (iTerm2
  sets it and ssh forwards it), `TERM` (xterm-ghostty, xterm-kitty, foot*, rxvt-unicode*) and the
  variables a terminal leaves in its children's environment (`KITTY_WINDOW_ID`,
  `GHOSTTY_RESOURCES_DIR`, `WEZTERM_EXECUTABLE`, `ITERM_SESSION_ID`). Anything else gets the bell:
  Windows Terminal reads OSC 9 as ConEmu's progress and taskbar commands, VTE shows OSC 777 only
  with a distribution's patch, Apple's Terminal and xterm show neither.

Inside tmux (`TMUX` set), `TERM_PROGRAM` names tmux; the variables above still name the terminal
the tmux server was started from. The sequence is wrapped for passthrough
(`ESC P tmux; ... ESC \\` with every ESC doubled), which tmux forwards only with
`set -g allow-passthrough on`; without it tmux drops the sequence.

Text is untrusted (campaign ids, server messages): it goes through `safe_text` (no ESC, BEL, C0,
C1, DEL or bidi control survives, so the data cannot end the sequence or start another), and
every `;` becomes `,` because terminals split OSC 777's title from its body at the first `;` and
ConEmu reads `9;<digit>;` as a command. Written by hand: no maintained library emits these.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Final, TextIO

from appizer_tui.alerts import NOTIFY_MODES
from appizer_tui.alerts.alert import Alert
from appizer_tui.safe_text import safe_text

TITLE_LIMIT: Final = 80
BODY_LIMIT: Final = 240
"""Characters kept of a title and a body: a notification is read at a glance."""

ESC: Final = "\x1b"
BEL: Final = "\x07"
ST: Final = ESC + "\\"

_OSC777_NAMES: Final = ("ghostty", "wezterm", "foot", "rxvt")
_OSC9_NAMES: Final = ("iterm", "kitty")
_MARKERS: Final = {
    "GHOSTTY_RESOURCES_DIR": "osc777",
    "WEZTERM_EXECUTABLE": "osc777",
    "KITTY_WINDOW_ID": "osc9",
    "ITERM_SESSION_ID": "osc9",
}


def inert_field(text: object, limit: int) -> str:
    """`text` as one field of an OSC string: inert (`safe_text`), one line, no `;`."""
    return safe_text(text, max_length=limit).replace(";", ",")


def osc9(text: object) -> str:
    """The OSC 9 notification for `text`."""
    return f"{ESC}]9;{inert_field(text, TITLE_LIMIT + BODY_LIMIT)}{BEL}"


def osc777(title: object, body: object) -> str:
    """The OSC 777 notification with `title` and `body`."""
    fields = f"{inert_field(title, TITLE_LIMIT)};{inert_field(body, BODY_LIMIT)}"
    return f"{ESC}]777;notify;{fields}{BEL}"


def tmux_passthrough(sequence: str) -> str:
    """`sequence` wrapped so tmux hands it to the terminal outside (with allow-passthrough on)."""
    return f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ST}"


def pick_method(mode: str, env: Mapping[str, str]) -> str:
    """The method `mode` means here: `auto` becomes osc777, osc9 or bell; others stay."""
    if mode not in NOTIFY_MODES:
        raise ValueError(f"unknown notify mode {mode!r}; use one of {', '.join(NOTIFY_MODES)}")
    if mode != "auto":
        return mode
    names = " ".join(env.get(name, "") for name in ("TERM_PROGRAM", "LC_TERMINAL", "TERM")).lower()
    if any(name in names for name in _OSC777_NAMES):
        return "osc777"
    if any(name in names for name in _OSC9_NAMES):
        return "osc9"
    for variable, method in _MARKERS.items():
        if env.get(variable):
            return method
    return "bell"


def alert_title(alert: Alert) -> str:
    """The notification's title: "appizer-tui: failure_rate firing"."""
    return f"appizer-tui: {alert.rule} {alert.state}"


def notification(alert: Alert, method: str, *, tmux: bool = False) -> str:
    """What to write to the terminal for `alert` with `method` ("" when nothing)."""
    if method == "osc777":
        sequence = osc777(alert_title(alert), alert.message)
    elif method == "osc9":
        sequence = osc9(f"{alert_title(alert)}: {alert.message}")
    elif method == "bell" and alert.firing and alert.severity == "alarm":
        return BEL  # a bare BEL passes through tmux as it is
    else:
        return ""
    return tmux_passthrough(sequence) if tmux else sequence


class TerminalNotifier:
    """Sends each alert to the terminal through `write` (the viewer's driver, or a tty)."""

    def __init__(self, method: str, write: Callable[[str], object], *, tmux: bool = False):
        self.method = method
        """osc777, osc9, bell or off."""
        self.tmux = tmux
        self._write = write

    @classmethod
    def from_env(
        cls, mode: str, write: Callable[[str], object], env: Mapping[str, str] | None = None
    ) -> TerminalNotifier:
        """The notifier `--notify mode` gives in this environment (default: os.environ)."""
        env = os.environ if env is None else env
        return cls(pick_method(mode, env), write, tmux=bool(env.get("TMUX")))

    def notify(self, alert: Alert) -> None:
        """Write the alert's notification, if this method shows one for it."""
        text = notification(alert, self.method, tmux=self.tmux)
        if text:
            self._write(text)


def tty_writer(stream: TextIO) -> Callable[[str], None]:
    """A `write` for `TerminalNotifier` that flushes each notification at once."""

    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return write
