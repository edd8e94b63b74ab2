"""The watchlist file: atomic writes, corrupt files kept aside, two writers merged, no keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from appizer_tui.state import watchlist
from appizer_tui.state.watchlist import (
    WatchlistError,
    load_watchlist,
    merge_save,
    save_watchlist,
)


def test_missing_file_is_an_empty_watchlist(tmp_path: Path) -> None:
    assert load_watchlist(tmp_path / "none.json") == []


def test_round_trip_keeps_order_and_drops_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "watchlist.json"
    written = save_watchlist(path, ["b", "a", "b", " c ", ""])
    assert written == ["b", "a", "c"]
    assert load_watchlist(path) == ["b", "a", "c"]
    assert json.loads(path.read_text())["campaigns"] == ["b", "a", "c"]


def test_a_bare_json_list_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text('["x", "y"]')
    assert load_watchlist(path) == ["x", "y"]


def test_write_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    for i in range(5):
        save_watchlist(path, [f"c{i}"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.json"]


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.json"
    save_watchlist(path, ["old"])

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(watchlist.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        save_watchlist(path, ["new"])
    monkeypatch.undo()
    assert load_watchlist(path) == ["old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.json"]


def test_write_is_fsynced_before_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("fsync")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        calls.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(watchlist.os, "fsync", fsync)
    monkeypatch.setattr(watchlist.os, "replace", replace)
    save_watchlist(tmp_path / "w.json", ["a"])
    assert calls[:2] == ["fsync", "replace"]


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"campaigns": [1, 2]}', b'"just a string"', b"\xff\xfe\x00garbage", b""],
)
def test_a_corrupt_file_is_kept_aside_and_reported(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "watchlist.json"
    path.write_bytes(content)
    with pytest.raises(WatchlistError) as caught:
        load_watchlist(path)
    backup = caught.value.backup
    assert backup is not None and backup.name.startswith("watchlist.json.corrupt-")
    assert backup.read_bytes() == content  # nothing lost
    assert not path.exists()
    assert "corrupt" in str(caught.value)
    assert load_watchlist(path) == []  # the next start is clean


def test_two_corrupt_files_in_one_second_get_distinct_backups(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    backups = set()
    for _ in range(3):
        path.write_text("{")
        with pytest.raises(WatchlistError) as caught:
            load_watchlist(path)
        backups.add(caught.value.backup)
    assert len(backups) == 3


def test_an_unreadable_file_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.mkdir()  # reading a directory fails with an OSError
    with pytest.raises(WatchlistError) as caught:
        load_watchlist(path)
    assert caught.value.backup is None and path.exists()


def test_merge_keeps_the_other_viewers_additions(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    save_watchlist(path, ["a"])
    viewer_1 = load_watchlist(path)
    viewer_2 = load_watchlist(path)
    viewer_1.append("x")
    assert merge_save(path, viewer_1) == ["a", "x"]
    viewer_2.append("y")
    assert merge_save(path, viewer_2) == ["a", "x", "y"]


def test_removals_must_be_explicit(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    save_watchlist(path, ["a", "b", "c"])
    assert merge_save(path, ["c"]) == ["a", "b", "c"]  # leaving ids out removes nothing
    assert merge_save(path, ["c"], removed=["a"]) == ["b", "c"]


def test_merge_over_a_corrupt_file_keeps_it_aside_and_writes_ours(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text("{broken")
    assert merge_save(path, ["a"]) == ["a"]
    backups = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(backups) == 1 and backups[0].read_text() == "{broken"


def test_something_that_looks_like_a_key_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    save_watchlist(path, ["camp_1", "sk_live_abcdefghijklmnop1234", "sk_test_0000000000000000"])
    text = path.read_text()
    assert "sk_live" not in text and "sk_test" not in text
    assert load_watchlist(path) == ["camp_1"]


_ADD_MANY = """
import sys
from appizer_tui.state.watchlist import merge_save
path, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(count):
    merge_save(path, [f"{prefix}{i}"])
"""


def test_two_processes_merging_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    workers = [
        subprocess.Popen([sys.executable, "-c", _ADD_MANY, str(path), prefix, "40"])
        for prefix in ("p", "q")
    ]
    for worker in workers:
        assert worker.wait(60) == 0
    saved = set(load_watchlist(path))
    assert saved == {f"{p}{i}" for p in ("p", "q") for i in range(40)}
