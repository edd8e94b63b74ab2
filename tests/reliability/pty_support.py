"""Run `appizer-tui` in a real pseudo-terminal and keep every byte it writes there.

The child gets the pty as its controlling terminal (so resizes send it SIGWINCH and a hangup
sends it SIGHUP, as in a tmux pane or an SSH session). A reader thread drains the master side
into `output`, so the child never blocks on a full pty buffer. Waiting is always on a condition
with a deadline (output matching, or the process ending), never a fixed sleep.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

DEADLINE = 40.0
"""Upper bound on any single wait (never reached when things work)."""
EXIT_SEQUENCES = (b"\x1b[?1049l", b"\x1b[?25h")
"""What a full-screen app must write on the way out: leave the alternate screen, show the
cursor. (Textual also turns mouse and focus reporting off; see MODE_RESETS.)"""
MODE_RESETS = (b"\x1b[?1000l", b"\x1b[?1006l")


def command(*args: str) -> list[str]:
    """`appizer-tui ARGS` run by this interpreter."""
    return [sys.executable, "-m", "appizer_tui", *args]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment for a child: no user config, key, colour settings or state dir; a
    terminal type Textual knows; and `extra` on top."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("APPIZER_", "XDG_", "TEXTUAL", "PYTEST"))
        and k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES")
    }
    config = tmp_path / "config.toml"
    if not config.exists():
        config.write_text("")
    env.update(
        APPIZER_TUI_CONFIG=str(config),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        HOME=str(tmp_path / "home"),
        TERM="xterm-256color",
        COLORTERM="truecolor",
        PYTHONIOENCODING="utf-8",
        LANG="C.UTF-8",
    )
    env.update(extra)
    return env


def _set_size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


class PtyProcess:
    """A child process on a fresh pty of `size` (columns, rows)."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        size: tuple[int, int] = (120, 40),
        stderr: IO[bytes] | None = None,
    ) -> None:
        """`stderr`: a file for the child's stderr instead of the pty (as `2>FILE`)."""
        self.master, self.slave = os.openpty()
        _set_size(self.slave, *size)
        self.initial_modes = termios.tcgetattr(self.slave)
        slave = self.slave

        def become_session_leader() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave if stderr is None else stderr,
            env=dict(env),
            cwd=cwd,
            preexec_fn=become_session_leader,  # noqa: PLW1509 - no threads touch it here
            close_fds=True,
        )
        self.final_modes: list[object] | None = None
        """The terminal's termios attributes after the child ended (see `wait`)."""
        self._buffer = bytearray()
        self._changed = threading.Condition()
        self._closed = False
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    # -- reading --------------------------------------------------------------------------------

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                chunk = b""
            with self._changed:
                if not chunk:
                    self._closed = True
                    self._changed.notify_all()
                    return
                self._buffer += chunk
                self._changed.notify_all()

    @property
    def output(self) -> bytes:
        """Everything written to the terminal so far."""
        with self._changed:
            return bytes(self._buffer)

    def text(self) -> str:
        """The output decoded as UTF-8 (undecodable bytes replaced)."""
        return self.output.decode("utf-8", "replace")

    def wait_for(
        self,
        pattern: bytes | re.Pattern[bytes] | Callable[[bytes], bool],
        *,
        timeout: float = DEADLINE,
        since: int = 0,
    ) -> int:
        """Block until the output from offset `since` contains `pattern` (or the predicate
        holds); return the output length then. AssertionError on timeout or exit."""

        def found() -> bool:
            data = bytes(self._buffer[since:])
            if callable(pattern) and not isinstance(pattern, re.Pattern):
                return pattern(data)
            if isinstance(pattern, re.Pattern):
                return pattern.search(data) is not None
            return pattern in data

        deadline = time.monotonic() + timeout
        with self._changed:
            while not found():
                left = deadline - time.monotonic()
                if left <= 0 or (self._closed and not found()):
                    tail = bytes(self._buffer[-3000:]).decode("utf-8", "replace")
                    raise AssertionError(f"no {pattern!r} on the terminal; last output:\n{tail}")
                if self.proc.poll() is not None:
                    # Give the reader a last chance to drain what the child wrote.
                    self._changed.wait(min(left, 0.2))
                    if not found():
                        tail = bytes(self._buffer[-3000:]).decode("utf-8", "replace")
                        raise AssertionError(
                            f"exited ({self.proc.returncode}) before {pattern!r}:\n{tail}"
                        )
                    break
                self._changed.wait(min(left, 0.5))
            return len(self._buffer)

    # -- acting ---------------------------------------------------------------------------------

    def send(self, data: bytes | str) -> None:
        """Type `data` (keys as the terminal would send them)."""
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def resize(self, columns: int, rows: int) -> None:
        """Change the window size; the kernel sends the child SIGWINCH."""
        _set_size(self.master, columns, rows)

    def signal(self, sig: int) -> None:
        """Send `sig` to the child."""
        self.proc.send_signal(sig)

    def hang_up(self) -> None:
        """Close the terminal under the child, as a dropped SSH connection does: the kernel
        sends the session SIGHUP and reads and writes on the terminal fail from then on."""
        with contextlib.suppress(OSError):
            os.close(self.slave)
        with contextlib.suppress(OSError):
            os.close(self.master)
        self.slave = self.master = -1

    def wait(self, timeout: float = DEADLINE) -> int:
        """The exit status (negative: killed by that signal); AssertionError on timeout.

        Once the child is gone the terminal's modes are kept in `final_modes` and our end of
        the slave is closed, so the reader sees the end of the output and stops."""
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"still running after {timeout} s:\n{self.text()[-3000:]}"
            ) from None
        if self.slave >= 0:
            self.final_modes = termios.tcgetattr(self.slave)
            os.close(self.slave)
            self.slave = -1
        self._reader.join(timeout=DEADLINE)
        return code

    def kill(self) -> None:
        """Stop the child for good (cleanup)."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)

    def close(self) -> None:
        """Kill the child if it still runs and release the pty."""
        self.kill()
        for fd in (self.slave, self.master):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.slave = self.master = -1

    def __enter__(self) -> PtyProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def run_in_pty(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    size: tuple[int, int] = (120, 40),
    timeout: float = DEADLINE,
) -> tuple[int, bytes]:
    """Run a command that ends on its own in a pty: (exit status, everything it wrote)."""
    with PtyProcess(argv, env=env, cwd=cwd, size=size) as child:
        code = child.wait(timeout)
        return code, child.output


def add_campaign(viewer: PtyProcess, campaign_id: str) -> None:
    """`a`, the id, Enter; returns once the header counts one campaign more. Keys typed
    before the dialog's field has focus are lost, so the id is typed again unless the field
    shows it."""
    before = campaign_count(viewer.output)
    for _ in range(3):
        mark = len(viewer.output)
        viewer.send("a")
        viewer.wait_for(b"Add campaigns", since=mark)
        viewer.send(campaign_id)
        try:
            viewer.wait_for(campaign_id.encode(), since=mark, timeout=5)
        except AssertionError:
            viewer.send("\x1b")  # close the dialog and try again
            continue
        mark = len(viewer.output)
        viewer.send("\r")
        viewer.wait_for(lambda out: campaign_count(out) == before + 1, since=mark)
        return
    raise AssertionError("could not add a campaign through the dialog")


def campaign_count(output: bytes) -> int:
    """The number of campaigns the header said last."""
    found = re.findall(rb"(\d+) campaigns? \xc2\xb7", output)
    return int(found[-1]) if found else 0
