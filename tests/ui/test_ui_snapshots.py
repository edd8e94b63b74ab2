"""SVG snapshots of the viewer (pytest-textual-snapshot), at 80x24 and 120x36.

The scenes are the ones `make screenshots` draws (appizer_tui.ui.screenshots): the real engine
and store on the demo scenario, a fixed seed and a virtual clock, so the pictures are the same on
every run. Regenerate on purpose with `pytest tests/ui/test_ui_snapshots.py --snapshot-update` and
review the report before committing.
"""

from __future__ import annotations

from typing import Any

import pytest

from appizer_tui.ui.screenshots import build_scene

SIZES = [(80, 24), (120, 36)]
SCENES = ["main", "unauthorized", "not-found", "rate-limited", "welcome", "help"]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene_name", SCENES)
def test_snapshot(snap_compare: Any, scene_name: str, size: tuple[int, int]) -> None:
    scene = build_scene(scene_name)
    assert snap_compare(scene.app, terminal_size=size, run_before=scene.run_before)
