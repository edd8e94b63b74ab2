"""Shared parts of the benchmarks: the machine line, simulators on loopback, a real pty with a
small screen emulator, CPU and RSS from /proc, medians, and the result rows run_all.py prints.

Nothing here is a test: the benchmarks print figures and ratios against a baseline measured in
the same run. Every loop is bounded in count and time, every server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import fcntl
import json
import os
import platform
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO_KEY = "sk_test_demo_appizer_tui_0000"
LOOPBACK = "127.0.0.1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# ----- the machine and the results --------------------------------------------------------------


def machine() -> str:
    """Cores, Python, OS: the line every report starts with."""
    import textual  # only for its version string

    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, Textual "
        f"{getattr(textual, '__version__', '?')}, {platform.system()} {platform.machine()}, "
        f"load average {load:.2f} at start"
    )


@dataclass
class Result:
    """One row of the issue's table (one target): the figure, its baseline, ratio and verdict."""

    row: str
    """The table row, e.g. "time to first data"."""
    what: str
    """What the figure is, in a few words."""
    figure: float
    unit: str
    target: str
    met: bool
    baseline: float | None = None
    baseline_what: str = ""
    baseline_unit: str = ""
    """The baseline's unit when it differs from the figure's."""
    ratio: float | None = None
    samples: list[float] = field(default_factory=list)
    note: str = ""

    def line(self) -> str:
        """The row as one printed line."""
        text = f"{self.row}: {self.what} {fmt_value(self.figure, self.unit)}"
        if len(self.samples) > 1:
            text += f" (median of {len(self.samples)})"
        if self.baseline is not None:
            unit = self.baseline_unit or self.unit
            text += f"; baseline {self.baseline_what} {fmt_value(self.baseline, unit)}"
        if self.ratio is not None:
            text += f"; ratio {self.ratio:.2f}"
        text += f"; target {self.target}: {'met' if self.met else 'NOT met'}"
        if self.note:
            text += f" [{self.note}]"
        return text


def fmt_value(value: float, unit: str) -> str:
    """A figure with its unit, at a sensible precision."""
    if unit == "s" and value < 1:
        return f"{value * 1000:.0f} ms"
    if unit in ("%", "% of a core"):
        return f"{value:.2f} {unit}"
    if unit == "B" and value >= 10_000:
        return f"{value / 1000:.1f} KB"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}".rstrip()
    return f"{value:.3g} {unit}".rstrip()


def ratio(figure: float, baseline: float) -> float:
    """figure / baseline (inf when the baseline is zero)."""
    return figure / baseline if baseline else float("inf")


def median(values: Sequence[float]) -> float:
    """The median (NaN for no values)."""
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile, e.g. fraction=0.95."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def parser(description: str | None) -> argparse.ArgumentParser:
    """The options every benchmark takes: --quick, --runs, --json."""
    first = (description or "").strip().splitlines()[0] if description else None
    arguments = argparse.ArgumentParser(description=first)
    arguments.add_argument("--quick", action="store_true", help="shorter runs (noisier figures)")
    arguments.add_argument("--runs", type=int, default=None, help="repetitions (medians)")
    arguments.add_argument("--json", metavar="PATH", help="also write the results here")
    return arguments


def report(results: list[Result], args: argparse.Namespace, header: str) -> int:
    """Print the rows (and write them as JSON for run_all.py)."""
    print(header)
    for result in results:
        print("  " + result.line())
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in results]))
    return 0


# ----- processes: CPU, RSS ------------------------------------------------------------------------


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a live process (all its threads), from /proc."""
    with open(f"/proc/{pid}/stat", "rb") as stat:
        fields = stat.read().rsplit(b")", 1)[1].split()
    # After the ")": state is field 3, utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def proc_rss_mb(pid: int) -> float:
    """Resident set size of a live process in MB (10^6 bytes), from /proc."""
    with open(f"/proc/{pid}/statm", "rb") as statm:
        resident = int(statm.read().split()[1])
    return resident * PAGE_SIZE / 1e6


def self_cpu() -> float:
    """User + system CPU seconds of this process so far."""
    return time.process_time()


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a child: its own config and state directories, no key inherited."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("APPIZER_", "XDG_", "TEXTUAL"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHONPYCACHEPREFIX=str(bytecode_cache()),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env


_BYTECODE_CACHE: Path | None = None
WARM_IMPORTS = (
    "appizer_tui.__main__, appizer_tui.cli, appizer_tui.viewer_command, appizer_tui.ui.app, "
    "appizer_tui.polling.engine, appizer_tui.api.client, appizer_tui.plain.commands, "
    "appizer_tui.plain.status, appizer_tui.plain.watch, appizer_tui.sim.command, "
    "appizer_tui.sim.server, appizer_tui.state.watchlist, textual_plotext, uvicorn, starlette, "
    "httpx, textual.app, textual.widgets, click"
)


def bytecode_cache() -> Path:
    """Where children keep compiled bytecode (PYTHONPYCACHEPREFIX), outside the source tree.

    Start-up figures are taken with warm caches, as after `pip install` (which compiles every
    module): an environment with PYTHONDONTWRITEBYTECODE set would otherwise recompile the
    package on every start. run_all.py shares one cache between all the benchmarks through
    APPIZER_BENCH_PYCACHE."""
    global _BYTECODE_CACHE
    if _BYTECODE_CACHE is None:
        shared = os.environ.get("APPIZER_BENCH_PYCACHE")
        if shared:
            _BYTECODE_CACHE = Path(shared)
        else:
            _BYTECODE_CACHE = Path(tempfile.mkdtemp(prefix="appizer-bench-pycache-"))
            import atexit

            atexit.register(shutil.rmtree, _BYTECODE_CACHE, True)
    return _BYTECODE_CACHE


def warm_bytecode() -> None:
    """Import everything the children will, once, so their bytecode is cached before timing."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(bytecode_cache())
    subprocess.run([PYTHON, "-c", f"import {WARM_IMPORTS}"], env=env, check=True, timeout=120)


@contextlib.contextmanager
def scratch_home() -> Iterator[Path]:
    """A temporary HOME for children, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="appizer-bench-") as name:
        yield Path(name)


def appizer_command(*args: str) -> list[str]:
    """The installed `appizer-tui` console script next to this Python, else `python -m`."""
    script = Path(PYTHON).with_name("appizer-tui")
    if script.exists():
        return [str(script), *args]
    return [PYTHON, "-m", "appizer_tui", *args]


# ----- simulators -----------------------------------------------------------------------------


class ScaledClock:
    """A Clock (monotonic, wall, sleep) running `factor` times faster than real time, for the
    engine and the simulator together: minutes of simulated traffic in seconds."""

    def __init__(self, factor: float, start_wall: float | None = None) -> None:
        self.factor = factor
        self._mono0 = time.monotonic()
        self._wall0 = time.time() if start_wall is None else start_wall

    def monotonic(self) -> float:
        return (time.monotonic() - self._mono0) * self.factor

    def wall(self) -> float:
        return self._wall0 + (time.monotonic() - self._mono0) * self.factor

    async def sleep(self, seconds: float) -> None:
        import asyncio

        await asyncio.sleep(max(0.0, seconds) / self.factor)


@contextlib.contextmanager
def sim_server(simulator: Any) -> Iterator[Any]:
    """Serve an in-process `Simulator` on 127.0.0.1 (uvicorn in a thread); yields RunningServer."""
    from appizer_tui.sim.server import start_server

    server = start_server(simulator, LOOPBACK, 0)
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def sim_process(*args: str, timeout: float = 30.0) -> Iterator[str]:
    """Run `appizer-tui sim --host 127.0.0.1 --port 0 ARGS` as a process; yields its base URL.

    A separate process, so the server's CPU is never counted against what is measured here."""
    command = appizer_command("sim", "--host", LOOPBACK, "--port", "0", *args)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + timeout
        base_url = None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            match = re.search(r"base URL\s+(http://127\.0\.0\.1:\d+/v1)", line)
            if match:
                base_url = match.group(1)
                break
        if base_url is None:
            raise RuntimeError("the simulator process did not start")
        # Keep draining its output so it never blocks on a full pipe.
        threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _drain(stream: Any) -> None:
    with contextlib.suppress(Exception):
        for _ in stream:
            pass


def load_ids(count: int) -> list[str]:
    """The ids of `generated_scenario(count)`: load_0001, load_0002, ..."""
    return [f"load_{n:04d}" for n in range(1, count + 1)]


def curl_cpu(url: str, count: int, timeout: float = 300.0) -> tuple[float, int]:
    """CPU seconds of up to `count` sequential `curl -s` processes fetching `url` (with the demo
    key), measured with RUSAGE_CHILDREN; returns (cpu, processes run)."""
    import resource

    curl = shutil.which("curl")
    if curl is None:
        raise RuntimeError("curl is not installed")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = usage.ru_utime + usage.ru_stime
    deadline = time.monotonic() + timeout
    done = 0
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        subprocess.run(
            [curl, "-s", url, "-H", f"Authorization: Bearer {DEMO_KEY}"],
            stdout=subprocess.DEVNULL,
            check=True,
        )
        done += 1
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime - before, done


# ----- a screen: just enough VT100 to know what is on it ----------------------------------------

_CSI_FINAL = re.compile(r"[\x40-\x7e]")


@dataclass
class Chop:
    """Bytes written after one cursor move: where they landed and how many there were."""

    at: float
    row: int
    col: int
    nbytes: int


class Screen:
    """A character grid fed with what the app writes: cursor moves (CSI H), text, CR/LF,
    erase-display; styles and modes are skipped. Counts the bytes that follow each cursor move,
    so a benchmark can tell which rows an update touched."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.grid = [[" "] * cols for _ in range(rows)]
        self.row = self.col = 0
        self.chops: list[Chop] = []
        self.version = 0
        self.fed_at = 0.0
        """When the newest bytes arrived (monotonic)."""
        """Bumped on every feed: a waiter re-reads the screen only when something arrived."""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._lock = threading.Lock()

    def resize(self, cols: int, rows: int) -> None:
        with self._lock:
            self.cols, self.rows = cols, rows
            self.grid = [[" "] * cols for _ in range(rows)]
            self.row = self.col = 0

    def text(self) -> str:
        """The screen as lines of text."""
        with self._lock:
            return "\n".join("".join(line).rstrip() for line in self.grid)

    def lines(self) -> list[str]:
        with self._lock:
            return ["".join(line) for line in self.grid]

    def feed(self, data: bytes, at: float) -> None:
        with self._lock:
            text = self._pending + self._decoder.decode(data)
            self._pending = ""
            self._parse(text, at)
            self.version += 1
            self.fed_at = at

    def _new_chop(self, at: float) -> None:
        self.chops.append(Chop(at, self.row, self.col, 0))

    def _count(self, nbytes: int, at: float) -> None:
        if not self.chops:
            self._new_chop(at)
        self.chops[-1].nbytes += nbytes

    def _parse(self, text: str, at: float) -> None:
        index, end = 0, len(text)
        while index < end:
            char = text[index]
            if char == "\x1b":
                consumed = self._escape(text, index, at)
                if consumed == 0:  # incomplete: wait for more bytes
                    self._pending = text[index:]
                    return
                index += consumed
                continue
            self._count(len(char.encode("utf-8", "replace")), at)
            if char == "\r":
                self.col = 0
            elif char == "\n":
                self.row = min(self.rows - 1, self.row + 1)
            elif char == "\b":
                self.col = max(0, self.col - 1)
            elif char >= " " and char != "\x7f":
                width = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
                if unicodedata.combining(char):
                    width = 0
                if 0 <= self.row < self.rows and self.col < self.cols and width:
                    self.grid[self.row][self.col] = char
                    if width == 2 and self.col + 1 < self.cols:
                        self.grid[self.row][self.col + 1] = ""
                self.col += width
            index += 1

    def _escape(self, text: str, index: int, at: float) -> int:
        """Handle the escape sequence at text[index]; its length, or 0 if it is incomplete."""
        if index + 1 >= len(text):
            return 0
        kind = text[index + 1]
        if kind == "[":
            match = _CSI_FINAL.search(text, index + 2)
            if match is None:
                return 0
            stop = match.end()
            params, final = text[index + 2 : match.start()], match.group()
            sequence = text[index:stop]
            if final == "H" and not params.startswith("?"):
                parts = [p for p in params.split(";")]
                row = int(parts[0]) if parts and parts[0].isdigit() else 1
                col = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
                self.row, self.col = row - 1, col - 1
                self._new_chop(at)
            elif final == "J" and params in ("2", "3"):
                self.grid = [[" "] * self.cols for _ in range(self.rows)]
            self._count(len(sequence.encode()), at)
            return stop - index
        if kind in "]P_^":  # OSC, DCS, APC, PM: up to BEL or ST
            bel = text.find("\x07", index + 2) if kind == "]" else -1
            st = text.find("\x1b\\", index + 2)
            ends = [e for e in (bel + 1 if bel >= 0 else -1, st + 2 if st >= 0 else -1) if e > 0]
            if not ends:
                return 0
            stop = min(ends)
            self._count(len(text[index:stop].encode()), at)
            return stop - index
        self._count(2, at)
        return 2


# ----- a real pty ------------------------------------------------------------------------------


class Terminal:
    """A command running in a real pty of a given size, as an xterm-256color would run it.

    A reader thread takes every byte the command writes (so it never blocks), stamps it and feeds
    the Screen. `wait_for` polls the screen with a deadline; `stop` ends the command."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        cols: int = 160,
        rows: int = 48,
        env: dict[str, str] | None = None,
    ) -> None:
        self.cols, self.rows = cols, rows
        self.screen = Screen(cols, rows)
        self.received: list[tuple[float, int]] = []
        """(monotonic time, bytes) per read."""
        self.total_bytes = 0
        environment = dict(env if env is not None else os.environ)
        environment.update(TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
        environment.pop("NO_COLOR", None)
        self.started = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the command
            try:
                os.execvpe(command[0], list(command), environment)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self._set_size(cols, rows)
        self._exit_status: int | None = None
        self._stop_reading = False
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    def _set_size(self, cols: int, rows: int) -> None:
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def resize(self, cols: int, rows: int) -> None:
        """Change the window size (the kernel sends the command SIGWINCH)."""
        self.cols, self.rows = cols, rows
        self.screen.resize(cols, rows)
        self._set_size(cols, rows)

    def _read(self) -> None:
        while not self._stop_reading:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.2)
                if not ready:
                    continue
                data = os.read(self.fd, 65536)
            except OSError:
                break
            if not data:
                break
            now = time.monotonic()
            self.received.append((now, len(data)))
            self.total_bytes += len(data)
            self.screen.feed(data, now)

    def send(self, data: bytes | str) -> float:
        """Type `data`; returns the monotonic time it was written."""
        raw = data.encode() if isinstance(data, str) else data
        now = time.monotonic()
        os.write(self.fd, raw)
        return now

    def wait_for(
        self, predicate: Callable[[Screen], bool], timeout: float, poll: float = 0.002
    ) -> float | None:
        """Monotonic time at which `predicate(screen)` first held, or None after `timeout`."""
        deadline = time.monotonic() + timeout
        seen = -1
        while time.monotonic() < deadline:
            version = self.screen.version
            if version != seen:
                seen = version
                if predicate(self.screen):
                    # When the bytes that made it true arrived (or a little later), not when
                    # this loop happened to look.
                    return self.screen.fed_at
            if not self.alive():
                return None
            time.sleep(poll)
        return None

    def bytes_between(self, start: float, end: float) -> int:
        """Bytes received in [start, end)."""
        return sum(n for at, n in list(self.received) if start <= at < end)

    def wait_output(self, since: float, timeout: float) -> bool:
        """Wait until something was written after monotonic time `since` (True)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.received and self.received[-1][0] >= since:
                return True
            time.sleep(0.005)
        return False

    def wait_quiet(self, quiet: float, timeout: float) -> bool:
        """Wait until nothing was written for `quiet` seconds (True) or `timeout` passed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            last = self.received[-1][0] if self.received else self.started
            if time.monotonic() - last >= quiet:
                return True
            time.sleep(min(quiet / 4, 0.05))
        return False

    def alive(self) -> bool:
        if self._exit_status is not None:
            return False
        done, status = os.waitpid(self.pid, os.WNOHANG)
        if done:
            self._exit_status = status
            return False
        return True

    def cpu(self) -> float:
        """CPU seconds the command has used so far."""
        return proc_cpu(self.pid)

    def rss_mb(self) -> float:
        return proc_rss_mb(self.pid)

    def stop(self, keys: bytes = b"\x11", timeout: float = 10.0) -> None:
        """Quit with `keys` (Ctrl+Q), then SIGTERM, then SIGKILL; always reaps the child."""
        with contextlib.suppress(OSError):
            if self.alive():
                os.write(self.fd, keys)
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if not self.alive():
                break
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)
            deadline = time.monotonic() + 5
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
        self._stop_reading = True
        self._reader.join(2)
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def viewer_command(base_url: str, ids: Sequence[str], *extra: str) -> list[str]:
    """The viewer on `ids` against `base_url`, never touching a watchlist file."""
    return appizer_command(
        "--base-url", base_url, "--api-key", DEMO_KEY, "--no-persist", *extra, *ids
    )


def row_with(screen: Screen, needle: str) -> str | None:
    """The first screen line containing `needle`."""
    for line in screen.lines():
        if needle in line:
            return line
    return None


def first_data_shown(campaign_id: str) -> Callable[[Screen], bool]:
    """True once the list row of `campaign_id` shows a status and a percentage (its counters)."""
    pattern = re.compile(
        re.escape(campaign_id) + r"\s+\S\s+(sending|pending|completed|failed|cancelled)\b.*\d%"
    )

    def shown(screen: Screen) -> bool:
        return any(pattern.search(line) for line in screen.lines())

    return shown


MINIMAL_TEXTUAL_APP = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("first text on screen")

Minimal().run()
"""


def terminal_scenario(count: int) -> Any:
    """`count` campaigns that ended long ago (completed over 30 minutes before, failed,
    cancelled), ids done_0001...: the engine stops polling them after its confirming fetch."""
    from appizer_tui.sim.scenarios import CampaignSpec, Scenario

    outcomes = ("completed", "failed", "cancelled")
    specs = [
        CampaignSpec(
            f"done_{n:04d}",
            10_000 + 997 * n,
            outcome=outcomes[n % 3],
            start_after=-7200.0,
            send_duration=600.0,
            stop_fraction=0.6,
            seed=n,
        )
        for n in range(1, count + 1)
    ]
    return Scenario(tuple(specs), name=f"{count} terminal")


@dataclass
class CpuWindow:
    """CPU used by a process over a wall-clock window."""

    cpu: float
    wall: float
    requests: int = 0

    @property
    def share(self) -> float:
        """Percent of one core."""
        return 100.0 * self.cpu / self.wall if self.wall else float("nan")


def cpu_window(pid: int, seconds: float, requests: Callable[[], int] | None = None) -> CpuWindow:
    """Sleep `seconds` and return the CPU `pid` used meanwhile (and requests served)."""
    served = requests() if requests else 0
    cpu0, wall0 = proc_cpu(pid), time.monotonic()
    time.sleep(seconds)
    cpu1, wall1 = proc_cpu(pid), time.monotonic()
    served = (requests() - served) if requests else 0
    return CpuWindow(cpu1 - cpu0, wall1 - wall0, served)


def wait_requests_settle(requests: Callable[[], int], quiet: float, timeout: float) -> bool:
    """Wait until no request was served for `quiet` seconds (True), or `timeout` passed."""
    deadline = time.monotonic() + timeout
    last, since = requests(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = requests()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return True
    return False


def list_geometry(screen: Screen, id_prefix: str) -> tuple[set[int], int]:
    """(screen rows that show a campaign of the list, first column right of the list pane),
    read from what is on screen: rows whose text starts (after the border) with an id."""
    rows: set[int] = set()
    right = screen.cols
    pattern = re.compile(r"^\W{0,3}\s*" + re.escape(id_prefix))
    for number, line in enumerate(screen.lines()):
        if pattern.search(line):
            rows.add(number)
            # The list pane ends at its right border: the second vertical bar on the row.
            bars = [i for i, char in enumerate(line) if char in "\u2502\u2503|"]
            if len(bars) >= 2:
                right = min(right, bars[1])
    return rows, right


def frames(chops: Sequence[Chop], gap: float = 0.03) -> list[list[Chop]]:
    """Chops grouped into frames: writes separated by less than `gap` seconds."""
    grouped: list[list[Chop]] = []
    for chop in chops:
        if grouped and chop.at - grouped[-1][-1].at < gap:
            grouped[-1].append(chop)
        else:
            grouped.append([chop])
    return grouped
