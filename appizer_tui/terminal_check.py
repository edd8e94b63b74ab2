"""Can the full-screen viewer draw here? Decided once at start, before anything is drawn.

The viewer needs a terminal on stdout and on stderr (Textual draws on stderr, so `2>err.log`
would send the whole screen into the file and leave the terminal blank), a terminal type that
understands cursor movement (TERM=dumb, or no TERM, gets none), and a UTF-8 locale (a C or
Latin-1 terminal shows box drawing as mojibake). When one is missing the verdict says what to
do instead: run `watch`, as for a pipe, or stop with one line that says what to set.

Written by hand because no library answers "will a Textual screen render on this terminal":
curses' terminfo says nothing of the encoding, and `locale` reports Python's own UTF-8 switch
rather than the terminal's locale (see `TerminalStreams.locale_was_c`). No Textual here, and
nothing heavier than the standard library: `--help` passes through here.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Mapping
from typing import Literal, NamedTuple, Protocol

Action = Literal["view", "watch", "refuse"]

EXIT_REFUSED = 2
"""Exit status when the viewer refuses to start: a usage error, as for a bad flag."""

_NO_CURSOR_TERMS = frozenset({"", "dumb", "unknown"})


class Stream(Protocol):
    """What the check needs of stdout and stderr."""

    def isatty(self) -> bool:
        """True on a terminal."""
        ...

    @property
    def encoding(self) -> str:
        """The encoding text is written in."""
        ...


class TerminalStreams(NamedTuple):
    """The process's output streams and one fact about how Python started."""

    stdout: Stream
    stderr: Stream
    locale_was_c: bool = False
    """Python found the C/POSIX locale at start-up and switched itself to UTF-8 (PEP 538/540):
    the environment then shows LC_CTYPE=C.UTF-8, while the terminal is still a C-locale one."""

    @classmethod
    def current(cls) -> TerminalStreams:
        """This process's stdout and stderr."""
        forced = "utf8" in sys._xoptions or "PYTHONUTF8" in os.environ
        return cls(sys.stdout, sys.stderr, locale_was_c=bool(sys.flags.utf8_mode) and not forced)


class TerminalVerdict(NamedTuple):
    """What to run: the viewer, `watch` instead, or nothing (exit 2)."""

    action: Action
    message: str = ""
    """One line for stderr: what is wrong and what to set; empty when there is nothing to say
    (the viewer, or `watch` for a pipe as always)."""


def _isatty(stream: Stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed, or a stand-in without isatty
        return False


def _is_utf8(encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def locale_setting(env: Mapping[str, str]) -> tuple[str, str]:
    """(variable, value) of the locale that decides the character set: LC_ALL, else LC_CTYPE,
    else LANG; ("LANG", "") when none is set (the C locale)."""
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = env.get(name, "")
        if value:
            return name, value
    return "LANG", ""


def _locale_is_utf8(value: str) -> bool:
    """True for "en_GB.UTF-8", "C.utf8", "UTF-8"; False for "C", "POSIX", "de_DE.ISO-8859-1"."""
    charset = value.partition(".")[2].partition("@")[0] if "." in value else value
    return _is_utf8(charset)


def check_terminal(env: Mapping[str, str], streams: TerminalStreams) -> TerminalVerdict:
    """Whether the viewer can draw on this terminal, in the order a person would fix things."""
    if not _isatty(streams.stdout):
        return TerminalVerdict("watch")  # a pipe or a file: scripts get `watch`, silently
    name, value = locale_setting(env)
    if streams.locale_was_c and name != "LC_ALL":
        # Python set LC_CTYPE=C.UTF-8 itself; what the terminal was started with is LANG's.
        name, value = "LANG", env.get("LANG", "")
    if not _locale_is_utf8(value) or not _is_utf8(streams.stdout.encoding):
        shown = f"{name}={value}" if value else "no LANG"
        return TerminalVerdict(
            "refuse",
            f"the viewer needs a UTF-8 terminal, and this one is not ({shown}): "
            "set LANG=C.UTF-8 (or another UTF-8 locale your terminal uses)",
        )
    term = env.get("TERM", "")
    if term in _NO_CURSOR_TERMS:
        shown = f"TERM={term}" if term else "TERM is not set"
        return TerminalVerdict(
            "watch",
            f"{shown}, so no full-screen viewer: running `watch` instead "
            "(set TERM, e.g. TERM=xterm-256color, for the viewer)",
        )
    if not _isatty(streams.stderr):
        return TerminalVerdict(
            "watch",
            "stderr is not a terminal (2>FILE?) and the viewer draws there: running `watch` "
            "instead (leave stderr on the terminal for the viewer)",
        )
    return TerminalVerdict("view")

