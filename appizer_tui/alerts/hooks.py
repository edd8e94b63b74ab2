"""`--on-alert CMD`: one run of a user's command per alert, the alert as JSON on its stdin.

- CMD is split like a shell command line (`shlex.split`) and run without a shell, so nothing in
  an alert (ids, server messages) is ever parsed as shell syntax: the alert reaches the command
  only as one line of JSON on stdin (`Alert.to_json()`, strings made inert), then EOF.
- The command's environment is ours minus every `APPIZER_*` variable, so the API key (and any
  other secret setting) never reaches it. Its stdout is discarded and its stderr read (the first
  line is kept for the report); neither reaches the terminal the viewer draws on.
  It runs in a session of its own, so Ctrl+C in the terminal is not delivered to it and a
  timeout kills its whole process group (a script and the `curl` it started).
- At most `max_running` (4) run at a time; more wait in a queue of `queue_size` (100). When the
  queue is full a new alert is dropped for this channel (counted and reported): a hook that
  cannot keep up must not grow memory or hold up the caller.
- Each run is killed after `timeout` seconds (10).
- A failure (cannot start, non-zero exit, killed at the timeout, alerts dropped) is reported
  once through `on_problem` when a streak of failures begins; `problem` keeps the current text
  for a status line, and a success ends the streak.
- `submit` never waits: it only enqueues. The runs are asyncio subprocesses on the running loop,
  started by the workers `submit` creates on first use.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import signal
from collections.abc import Callable, Mapping
from typing import Final

from appizer_tui.alerts.alert import Alert
from appizer_tui.safe_text import safe_text

MAX_RUNNING: Final = 4
QUEUE_SIZE: Final = 100
TIMEOUT: Final = 10.0
STDERR_KEPT: Final = 300
"""Bytes of a failing hook's stderr read into memory."""
STDERR_SHOWN: Final = 160
"""Characters of its first line shown in the report."""


def hook_argv(command: str) -> list[str]:
    """The command line split as a shell would split it (quotes, backslashes), never run by one.
    Raises ValueError for an empty command or unbalanced quotes."""
    argv = shlex.split(command)
    if not argv:
        raise ValueError("the --on-alert command is empty")
    return argv


def hook_environment(env: Mapping[str, str]) -> dict[str, str]:
    """`env` without our own settings (`APPIZER_*`): the key must never reach a hook."""
    return {name: value for name, value in env.items() if not name.startswith("APPIZER_")}


class HookRunner:
    """Runs the `--on-alert` command once per submitted alert, bounded in number and time."""

    def __init__(
        self,
        command: str,
        *,
        on_problem: Callable[[str], None] | None = None,
        max_running: int = MAX_RUNNING,
        queue_size: int = QUEUE_SIZE,
        timeout: float = TIMEOUT,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.argv = hook_argv(command)
        self.timeout = timeout
        """Seconds a run may take before it is killed."""
        self.max_running = max_running
        self.problem: str | None = None
        """The current failure streak, for a status line; None while hooks succeed."""
        self.runs = 0
        """Runs finished (whatever their outcome)."""
        self._on_problem = on_problem
        self._env = hook_environment(os.environ if env is None else env)
        self._queue: asyncio.Queue[Alert] = asyncio.Queue(maxsize=queue_size)
        self._workers: list[asyncio.Task[None]] = []
        self._failures = 0
        self._dropped = 0

    def submit(self, alert: Alert) -> bool:
        """Queue one run for `alert`; False when the queue is full and it was dropped.
        Must be called from the event loop's thread; never waits."""
        if not self._workers:
            self._workers = [
                asyncio.get_running_loop().create_task(self._work(), name=f"on-alert-{n}")
                for n in range(self.max_running)
            ]
        try:
            self._queue.put_nowait(alert)
        except asyncio.QueueFull:
            self._dropped += 1
            self._failed(f"alerts dropped: {self._dropped} (the queue of waiting runs is full)")
            return False
        return True

    async def drain(self, grace: float | None = None) -> bool:
        """Wait until every queued run has finished (for `alerts test` and an orderly exit), at
        most `grace` seconds; False when some were still waiting or running then."""
        try:
            await asyncio.wait_for(self._queue.join(), grace)
        except TimeoutError:
            return False
        return True

    async def aclose(self) -> None:
        """Stop the workers; a run in progress is killed."""
        for worker in self._workers:
            worker.cancel()
        for worker in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        self._workers = []

    async def _work(self) -> None:
        while True:
            alert = await self._queue.get()
            try:
                error = await self._run(alert)
            except Exception as exc:  # a bug here must not silently cost a worker
                error = f"internal error: {exc!r}"
            finally:
                self.runs += 1
                self._queue.task_done()
            if error is None:
                self._failures = 0
                self.problem = None
            else:
                self._failed(error)

    def _failed(self, error: str) -> None:
        self._failures += 1
        self.problem = safe_text(f"on-alert hook: {error}")
        if self._failures == 1 and self._on_problem is not None:
            self._on_problem(self.problem)

    async def _run(self, alert: Alert) -> str | None:
        """One run; the failure's description, or None when it exited 0 in time."""
        try:
            process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                env=self._env,
                start_new_session=True,
            )
        except OSError as exc:
            return f"cannot run {self.argv[0]!r}: {exc.strerror or exc}"
        try:
            stderr = await asyncio.wait_for(self._talk(process, alert), self.timeout)
        except TimeoutError:
            return f"killed after {self.timeout:g} s"
        finally:
            await self._reap(process)
        status = process.returncode  # set: _reap waited for the process
        if status == 0:
            return None
        if status is not None and status < 0:
            return f"killed by signal {-status}"
        lines = stderr.decode(errors="replace").strip().splitlines()
        detail = f": {safe_text(lines[0], max_length=STDERR_SHOWN)}" if lines else ""
        return f"exit status {status}{detail}"

    @staticmethod
    async def _talk(process: asyncio.subprocess.Process, alert: Alert) -> bytes:
        """Write the alert, read stderr (keeping the start) until the hook exits."""
        assert process.stdin is not None and process.stderr is not None
        # A hook that exits without reading its stdin is fine.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            process.stdin.write(alert.to_json().encode() + b"\n")
            await process.stdin.drain()
        process.stdin.close()
        kept = b""
        while chunk := await process.stderr.read(4096):
            kept = (kept + chunk)[:STDERR_KEPT]
        await process.wait()
        return kept

    @staticmethod
    async def _reap(process: asyncio.subprocess.Process) -> None:
        """Kill the hook's process group if it is still running, and collect its status."""
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
