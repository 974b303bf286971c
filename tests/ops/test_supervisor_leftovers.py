"""A supervisor killed with -9 leaves its temporary folder: the next one to start removes it, never a live one's."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ops.test_supervisor import child, stop, wait_for_first_start

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX")


def start_supervisor(tmp_path: Path, temp: Path, name: str) -> subprocess.Popen[bytes]:
    """A real supervisor of a stand-in kiosk, with its temporary folders in `temp`."""
    work = tmp_path / name
    work.mkdir()
    code = (
        "import sys; from kiosk.ops.supervisor import Supervisor; "
        f"raise SystemExit(Supervisor({child(work, 'wait')!r}).run())"
    )
    supervisor = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "TMPDIR": str(temp)})
    wait_for_first_start(work)
    return supervisor


def folders(temp: Path) -> set[str]:
    return {path.name for path in temp.iterdir()}


def test_a_new_supervisor_removes_the_folder_of_one_killed_with_minus_9_and_keeps_a_live_ones(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    older = start_supervisor(tmp_path, temp, "killed")
    live = None
    try:
        [killed_folder] = folders(temp)
        subprocess.run(["kill", "-9", str(older.pid)], check=True)
        older.wait(timeout=10)
        assert folders(temp) == {killed_folder}  # left behind: -9 runs no clean-up
        assert killed_folder.startswith(f"kiosk-supervise-{older.pid}-")

        live = start_supervisor(tmp_path, temp, "live")  # its start clears what the killed one left
        [live_folder] = folders(temp)
        assert live_folder.startswith(f"kiosk-supervise-{live.pid}-")

        third = start_supervisor(tmp_path, temp, "third")  # and a further start leaves the live one's alone
        try:
            assert live_folder in folders(temp) and len(folders(temp)) == 2
            assert (temp / live_folder / "heartbeat").exists()  # still in use by the live supervisor's kiosk
        finally:
            stop(third)
    finally:
        stop(older)
        if live is not None:
            stop(live)
    deadline = time.monotonic() + 10
    while folders(temp) and time.monotonic() < deadline:
        time.sleep(0.05)  # the stopped supervisors remove their own folders as they end
    assert folders(temp) == set()


def test_folders_of_other_kinds_are_left_alone(tmp_path: Path) -> None:
    from kiosk.ops.supervisor import remove_leftover_folders

    (tmp_path / "kiosk-supervise-abc123").mkdir()  # an older version's folder: no process id in the name
    (tmp_path / "something-else-1-x").mkdir()
    assert remove_leftover_folders(tmp_path) == []
    assert folders(tmp_path) == {"kiosk-supervise-abc123", "something-else-1-x"}
