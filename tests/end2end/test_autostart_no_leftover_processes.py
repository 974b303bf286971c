"""Processes the kiosk starts end with it (issue 21 item 6), looked at from outside: the process list before and after.

`kiosk run` on a bare X server with no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset, as under xinit or cage
without a user bus): it starts no D-Bus daemon of its own (Qt does not autolaunch one; the screen-saver hold then
says "no D-Bus session bus" in the log), and Qt's speechd engine autospawns speech-dispatcher, which outlives the
kiosk only by its own idle timeout (5 s by default; about 6 s measured) and then exits with its output module.
Every process is recognised by a marker in its environment, which children inherit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.end2end.x_server import bare_x_server, require
from tests.ops.kiosk_process import KIOSK, kiosk_install

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="reads /proc"),
    pytest.mark.slow,  # a real `kiosk run` with its D-Bus session and speech-dispatcher, started and stopped
]
MARKER = "KIOSK_TEST_PROCESS_MARK"
# speech-dispatcher's own idle timeout is 5 s; this bound only keeps a broken run from waiting forever.
GONE_WITHIN_SECONDS = 60


def marked(mark: str) -> dict[int, str]:
    """Every process whose environment carries `mark`: what the kiosk started, whatever it was."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"{MARKER}={mark}".encode() not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue  # ended meanwhile, or not ours to read
    return found


def wait_for_log(log: Path, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(encoding="utf-8", errors="replace"):
            return True
        time.sleep(0.2)
    return False


def test_nothing_the_kiosk_started_outlives_it(tmp_path: Path) -> None:
    require(("Xvfb",), "check that the kiosk leaves no process behind")
    mark = uuid.uuid4().hex
    config, env = kiosk_install(tmp_path)
    for variable in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(variable, None)
    env[MARKER] = mark
    with bare_x_server("1280x800") as display:
        env["DISPLAY"] = display
        kiosk = subprocess.Popen([*KIOSK, "--config", str(config), "run"], env=env)
        try:
            log = tmp_path / "logs" / "kiosk-run.log"
            # Read-aloud is prepared a moment after the kiosk is ready: then speech-dispatcher runs, if installed.
            assert wait_for_log(log, "kiosk ready", 180), "the kiosk never got ready"
            wait_for_log(log, "read-aloud", 60)
            running = marked(mark)
            assert kiosk.pid in running
            assert not [cmd for cmd in running.values() if "dbus-daemon" in cmd or "dbus-launch" in cmd], running
            kiosk.send_signal(signal.SIGTERM)
            assert kiosk.wait(timeout=60) == 0
        finally:
            if kiosk.poll() is None:
                kiosk.kill()
                kiosk.wait()
        helpers = {pid: cmd for pid, cmd in running.items() if pid != kiosk.pid}
        stopped = time.monotonic()
        left = marked(mark)
        while left and time.monotonic() - stopped < GONE_WITHIN_SECONDS:
            time.sleep(0.5)
            left = marked(mark)
        print(
            f"\nstarted by the kiosk: {sorted(helpers.values()) or 'nothing'}; all gone "
            f"{time.monotonic() - stopped:.1f} s after it exited"
            if not left
            else ""
        )
        for pid in left:  # do not leave them to the next test either
            os.kill(pid, signal.SIGKILL)
        assert not left, f"still running {GONE_WITHIN_SECONDS} s after the kiosk exited: {left}"
