"""Helpers for the subprocess tests: the command line, line readers with bounded waits, parsers."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from appizer_tui.sim.app import DEMO_API_KEY
from appizer_tui.sim.server import RunningServer

WAIT = 30.0
"""Upper bound on any single wait for a subprocess (never reached when things work)."""


class ManualClock:
    """A wall clock that moves only by `advance` (thread-safe enough for floats).

    It starts 15 minutes behind real time and must stay behind it: the simulator's
    X-RateLimit-Reset comes from this clock, and a reset far in the future would (rightly) make
    the engine think the window is an hour long and slow down.
    """

    def __init__(self) -> None:
        self.t = time.time() - 900.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def clean_env(tmp_path: Path) -> dict[str, str]:
    """os.environ without anything of the user's that could change the output."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("APPIZER_", "XDG_")) and k not in ("NO_COLOR", "FORCE_COLOR")
    }
    config = tmp_path / "config.toml"
    config.write_text("")
    env["APPIZER_TUI_CONFIG"] = str(config)
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def command(*args: str) -> list[str]:
    """`appizer-tui ARGS` run by this interpreter."""
    return [sys.executable, "-m", "appizer_tui", *args]


def against(server: RunningServer, key: str = DEMO_API_KEY) -> list[str]:
    """The connection flags for a served simulator."""
    return ["--base-url", server.base_url, "--api-key", key]


def run(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run to the end (bounded) and capture both streams."""
    return subprocess.run(
        command(*args), env=env, capture_output=True, text=True, timeout=WAIT, **kwargs
    )


class Lines:
    """Reads a stream on a thread so the test can wait for the next line with a bound."""

    def __init__(self, stream: IO[str]) -> None:
        self._queue: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def next(self, timeout: float = WAIT) -> str | None:
        """The next line, or None at the end of the stream; queue.Empty after `timeout`."""
        line = self._queue.get(timeout=timeout)
        if line is not None:
            self.seen.append(line)
        return line

    def rest(self) -> list[str]:
        """Every remaining line up to the end of the stream."""
        lines = []
        while (line := self.next()) is not None:
            lines.append(line)
        return lines


UPDATE = re.compile(
    r"^(?P<time>\d\d:\d\d:\d\d)  (?P<id>\S+)\s+"
    r"(?P<status>pending|sending|completed|failed|cancelled)\s+"
    r"(?P<done>[\d,]+)/(?P<total>[\d,]+) (?P<progress>\S+)  delivered (?P<delivered>[\d,]+)  "
    r"opened (?P<opened>[\d,]+)  clicked (?P<clicked>[\d,]+)  failed (?P<failed>[\d,]+)  "
    r"delivery (?P<dr>\S+)  open (?P<or>\S+)  click (?P<cr>\S+)$"
)
"""A `watch` text update line."""

FINISHED = re.compile(r"^(?P<time>\d\d:\d\d:\d\d)  (?P<id>\S+)\s+finished: \S+ (?P<status>\w+) · ")
"""A `watch` text line saying a campaign became terminal."""


def count(text: str) -> int:
    """ "12,000" -> 12000."""
    return int(text.replace(",", ""))


def percent(rate: float) -> str:
    """A rate as watch prints it (state/format.py's one decimal)."""
    return f"{rate * 100:.1f}%"


def shown_rate(rate: float, denominator: int) -> str:
    """A rate as watch prints it: a dash while its denominator is 0 (0/0 is not 0 %)."""
    return percent(rate) if denominator > 0 else "\u2014"


def text_matches_truth(match: re.Match[str], truth: dict[str, Any]) -> bool:
    """True when a parsed update line shows exactly the simulator's body."""
    stats, rates = truth["stats"], truth["rates"]
    return (
        match["status"] == truth["status"]
        and count(match["done"]) == stats["sent"] + stats["failed"]
        and count(match["total"]) == stats["total_recipients"]
        and all(count(match[k]) == stats[k] for k in ("delivered", "opened", "clicked", "failed"))
        and match["dr"] == shown_rate(rates["delivery_rate"], stats["sent"])
        and match["or"] == shown_rate(rates["open_rate"], stats["delivered"])
        and match["cr"] == shown_rate(rates["click_rate"], stats["delivered"])
    )


def api_fields(truth: dict[str, Any]) -> dict[str, Any]:
    """The simulator's body without `success`: what `campaign` in a JSON line must equal."""
    return {k: v for k, v in truth.items() if k != "success"}
