"""The watched campaign ids, kept in a small JSON file that survives restarts.

Writes are atomic (a temp file in the same directory, fsync, `os.replace`), so a crash or a full
disk leaves the old file or the new one, never half of each. A file that cannot be parsed is moved
aside to `<name>.corrupt-<timestamp>` before `WatchlistError` is raised, so nothing is lost and
the next save starts clean. `merge_save` re-reads the file under a lock before writing, so two
viewers sharing one watchlist never lose each other's additions; removals must be named.

Only ids are stored. Something that looks like an API key is never written.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MAX_FILE_BYTES = 4 * 1024 * 1024
_KEY_PREFIXES = ("sk_live_", "sk_test_")

try:  # POSIX advisory locks; elsewhere merges still work, only without the lock.
    import fcntl
except ImportError:  # pragma: no cover - not on Linux/macOS
    fcntl = None  # type: ignore[assignment]


class WatchlistError(Exception):
    """The watchlist file could not be read. `backup` is where a corrupt file was moved."""

    def __init__(self, message: str, *, path: Path, backup: Path | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup


def looks_like_api_key(value: str) -> bool:
    """True for strings shaped like an Appizer secret key (never stored as an id)."""
    return value.startswith(_KEY_PREFIXES)


def _clean_ids(ids: Iterable[str]) -> list[str]:
    """Stripped, de-duplicated ids in first-seen order, without empties and key look-alikes."""
    seen: dict[str, None] = {}
    for raw in ids:
        value = raw.strip()
        if not value:
            continue
        if looks_like_api_key(value):
            log.warning("not saving a watchlist entry that looks like an API key")
            continue
        seen.setdefault(value, None)
    return list(seen)


def _parse(data: bytes) -> list[str]:
    """The ids in a watchlist file's bytes; ValueError when it is not a watchlist."""
    document = json.loads(data.decode("utf-8"))
    entries = document.get("campaigns") if isinstance(document, dict) else document
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise ValueError('expected {"campaigns": ["id", ...]}')
    return _clean_ids(entries)


def _move_aside(path: Path) -> Path:
    """Rename a bad file to `<name>.corrupt-<UTC timestamp>[-n]` and return the new path."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    backup = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    os.replace(path, backup)
    return backup


def load_watchlist(path: Path | str) -> list[str]:
    """The ids saved at `path` ([] when there is no file).

    A corrupt file is moved aside and WatchlistError raised (its `backup` says where); an
    unreadable one raises WatchlistError and is left where it is.
    """
    target = Path(path)
    try:
        with target.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise WatchlistError(
            f"cannot read the watchlist {target}: {exc.strerror or exc}", path=target
        ) from None
    try:
        if len(data) > MAX_FILE_BYTES:
            raise ValueError("the file is too large to be a watchlist")
        return _parse(data)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        backup = _move_aside(target)
        raise WatchlistError(
            f"the watchlist {target} is corrupt ({exc}); it was kept as {backup.name} "
            "and a new one will be started",
            path=target,
            backup=backup,
        ) from None


def _encode(ids: list[str]) -> bytes:
    document = {"version": FORMAT_VERSION, "campaigns": ids}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (best effort: not every platform allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644 & ~_umask())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_directory(path.parent)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def save_watchlist(path: Path | str, ids: Iterable[str]) -> list[str]:
    """Replace the file with exactly `ids` (atomically); returns what was written."""
    cleaned = _clean_ids(ids)
    _atomic_write(Path(path), _encode(cleaned))
    return cleaned


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `<path>.lock` so two merges cannot interleave."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as lock_file:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def merge_save(path: Path | str, ids: Iterable[str], *, removed: Iterable[str] = ()) -> list[str]:
    """Save `ids` merged with what is on disk now, minus `removed`; returns the merged list.

    The file's ids come first in their order, then new ones from `ids`. An id disappears only
    when it is in `removed`, so another viewer's additions made since we loaded survive. A
    corrupt file on disk is moved aside (logged) and replaced by `ids`.
    """
    target = Path(path)
    drop = set(_clean_ids(removed))
    with _locked(target):
        try:
            on_disk = load_watchlist(target)
        except WatchlistError as exc:
            log.warning("%s", exc)
            on_disk = []
        merged = [i for i in _clean_ids([*on_disk, *ids]) if i not in drop]
        _atomic_write(target, _encode(merged))
    return merged
