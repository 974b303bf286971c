"""One patient's name is never pasted into the next patient's form: the real `kiosk run` on a real X server
(Xvfb, no window manager), a real mouse and keyboard (xdotool), and the X selections read by another client
(xclip), driven by tests/end2end/selection_walk.py.

Needs what the screen-reader walk needs (see test_screen_reader_walk.py) and xclip; `.ci/run` installs them.
Without them the test is skipped with the reason on a developer's machine, and fails in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.end2end.test_screen_reader_walk import (
    ROOT,
    STRINGS,
    SYSTEM_PYTHON,
    _give_focus,
    _kiosk,
    desktop,  # noqa: F401 (the fixture, shared with the screen-reader walk)
)

NAME = "Zebedee"  # not a word anywhere on the kiosk's screens, so finding it anywhere means it leaked
WALK_S = 90
pytestmark = pytest.mark.slow  # a real X server and a real `kiosk run` driven from outside


def _walk(env: dict[str, str]) -> list[dict[str, Any]]:
    done = subprocess.run(
        [SYSTEM_PYTHON, str(ROOT / "tests" / "end2end" / "selection_walk.py"), str(STRINGS), NAME],
        env=env, capture_output=True, text=True, timeout=WALK_S, check=False,
    )  # fmt: skip
    print(done.stdout, done.stderr[-2000:])
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def test_a_name_selected_copied_and_left_is_not_in_any_selection_nor_pasted_into_the_next_visit(
    tmp_path: Path,
    desktop: dict[str, str],  # noqa: F811 (the fixture imported above)
) -> None:
    if shutil.which("xclip") is None:
        if os.environ.get("CI"):
            pytest.fail("xclip is not installed: CI must run this test", pytrace=False)
        pytest.skip("xclip is not installed (apt install xclip)")
    kiosk = _kiosk(tmp_path, desktop)
    try:
        _give_focus(desktop)
        steps = _walk(desktop)
    finally:
        kiosk.terminate()
        kiosk.wait(20)
    assert steps and steps[-1] == {"done": True}, steps[-1:] or "the walk printed nothing"
    by_step = {str(step["step"]): step for step in steps if "step" in step}
    # The walk really typed, and really selected with the mouse: the field showed the name highlighted.
    assert by_step["typed"]["field"] == NAME, by_step["typed"]
    assert by_step["double click"]["selected"] == NAME, by_step["double click"]
    assert by_step["triple click"]["selected"] == NAME, by_step["triple click"]
    # Selected or copied, the name never reached a selection another program (or the next patient) can read.
    for step in ("double click", "triple click", "copied"):
        assert NAME not in by_step[step]["primary"] + by_step[step]["clipboard"], by_step[step]
    # The next patient's field starts empty and stays empty after a middle click, Ctrl+V and Shift+Insert.
    assert by_step["next visit"]["field"] == "", by_step["next visit"]
    for step in ("next visit", "middle click", "pasted"):
        assert NAME not in json.dumps(by_step[step]), by_step[step]
    assert by_step["pasted"]["field"] == ""
