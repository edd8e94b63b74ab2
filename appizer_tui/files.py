"""Writing export files: atomically, never over an existing file unless asked, with safe names.

A reader (a spreadsheet, a script tailing the directory, a second export) must never see half a
file, and a user must never lose an earlier export because a new one picked the same name.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path


class ExportExistsError(FileExistsError):
    """The target file exists and overwriting it was not asked for."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists; not overwriting it (pass --force to replace it)")
        self.path = path


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write `data` to `path` through a temporary file in the same directory.

    The temporary file is fsynced, then moved into place: with `force` by `os.replace`; without it
    by `os.link`, which fails when `path` exists, so even a file created a moment ago by someone
    else is never replaced (ExportExistsError). Returns the path written.
    """
    path = Path(path)
    directory = path.parent
    temp = directory / f".{path.name}.{secrets.token_hex(6)}.tmp"
    # 0o666 lets the umask decide, like any other file the user creates; mkstemp would force 0o600.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            os.replace(temp, path)
        else:
            _link_without_overwrite(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(directory)
    return path


def _link_without_overwrite(temp: Path, path: Path) -> None:
    try:
        os.link(temp, path)
    except FileExistsError:
        raise ExportExistsError(path) from None
    except OSError:
        # Some file systems (FAT, some network mounts) have no hard links: check, then rename.
        # That leaves a tiny race, which is the best such a file system allows.
        if path.exists():
            raise ExportExistsError(path) from None
        os.replace(temp, path)
        return
    os.unlink(temp)


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")

EXTENSIONS = {"csv": "csv", "json": "json"}


def safe_file_stem(text: str, max_length: int = 80) -> str:
    """`text` reduced to letters, digits, dash and underscore: usable in any file name."""
    stem = _UNSAFE_NAME.sub("_", text).strip("._-")[:max_length]
    return stem or "export"


def timestamped_export_path(directory: Path, prefix: str, fmt: str, now: float) -> Path:
    """A free file name like `<directory>/<prefix>-20240115T103000Z.csv`.

    `now` is Unix seconds (a Clock's `wall()`); the stamp is UTC so names sort in time order
    wherever they are read. When the name is taken, `-2`, `-3`... is appended. The write itself
    still refuses to overwrite, so a race between two exports cannot lose one.
    """
    if fmt not in EXTENSIONS:
        raise ValueError(f"unknown export format {fmt!r}")
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"{safe_file_stem(prefix)}-{stamp}"
    ext = EXTENSIONS[fmt]
    candidate = Path(directory) / f"{base}.{ext}"
    counter = 2
    while candidate.exists():
        candidate = Path(directory) / f"{base}-{counter}.{ext}"
        counter += 1
    return candidate
