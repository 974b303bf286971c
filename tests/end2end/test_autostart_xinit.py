"""The bare-X recipe as the system unit runs it: `xinit <kiosk> supervise run -- <X server>`, with the kiosk locked
down on a screen with no window manager. A kiosk killed (a crash) and one frozen with SIGSTOP (a hang) both come back.

Xvfb stands in for the Xorg of a real kiosk PC (the unit's `:0 vt1 -keeptty` needs a real virtual terminal); the rest
of the command line is the unit's own (kiosk.ops.service_files.session_command).
Needs xinit and Xvfb (`apt install xinit xvfb`): skipped with the reason on a developer's machine, a failure in CI.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.ops.service_files import XINIT, session_command
from tests.end2end.x_server import require, xinit_server_options
from tests.ops.kiosk_process import KIOSK, Notice, NotifySocket, kiosk_install, notify_socket

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="an X server test"),
    pytest.mark.slow,  # a real X server session, a kiosk killed and one frozen, each brought back
]
HANG_SECONDS = 10  # the supervisor's shortest hang limit; the unit keeps the default 30 s


@dataclass
class Comeback:
    crash_seconds: float
    hang_seconds: float


def free_display() -> str:
    """A display number no X server uses: xinit needs it on its command line (it has no -displayfd)."""
    for _ in range(200):
        number = random.randint(150, 900)
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return f":{number}"
    pytest.skip("no free X display number")


def xinit_command(config: Path, display: str, hang_seconds: float | None) -> list[str]:
    kiosk = [*KIOSK, "--config", str(config)]
    unit_line = session_command(XINIT, kiosk)
    client = unit_line[: unit_line.index("--")]
    if hang_seconds is not None:
        at = client.index("supervise") + 1
        client[at:at] = ["--hang-seconds", f"{hang_seconds:g}"]
    assert client[0] == "xinit" and Path(client[1]).is_absolute()  # xinit runs xterm for a client not a path
    server = xinit_server_options(unit_line)
    return [*client, "--", shutil.which("Xvfb") or "Xvfb", display, "-screen", "0", "1920x1080x24", *server]


def kill_and_freeze(tmp_path: Path, hang_seconds: float | None = HANG_SECONDS) -> Comeback:
    """Start the xinit session; kill its kiosk, then freeze the next one; return how long each took to be READY."""
    config, env = kiosk_install(tmp_path)
    env.pop("QT_QPA_PLATFORM", None)  # the real X server that xinit starts, not off-screen
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("DISPLAY", None)  # xinit sets it for its client
    with notify_socket(tmp_path) as listener:
        env["NOTIFY_SOCKET"] = str(listener.path)  # each kiosk the supervisor starts says READY=1 here
        session = subprocess.Popen(xinit_command(config, free_display(), hang_seconds), env=env, start_new_session=True)
        try:
            first = ready_again(listener, None)  # the first start creates the database
            os.kill(first.pid, signal.SIGKILL)
            crashed = time.monotonic()
            second = ready_again(listener, first.pid)
            crash_seconds = time.monotonic() - crashed
            os.kill(second.pid, signal.SIGSTOP)
            frozen = time.monotonic()
            third = ready_again(listener, second.pid)
            hang_seconds_taken = time.monotonic() - frozen
            assert len({first.pid, second.pid, third.pid, session.pid}) == 4
        finally:
            end_session(session)
    logs = (tmp_path / "logs" / "kiosk-run.log").read_text(encoding="utf-8")
    # Each of the three kiosks was locked down over the whole screen of the bare X server.
    assert logs.count("screen") >= 3 and logs.count("1920x1080 landscape") >= 3, logs
    assert logs.count("window 1920x1080 at 0,0, locked down, full screen") >= 3, logs
    supervise_log = (tmp_path / "logs" / "kiosk-supervise.log").read_text(encoding="utf-8")
    assert "the kiosk ended (signal SIGKILL)" in supervise_log
    assert "the kiosk stopped responding" in supervise_log
    return Comeback(crash_seconds, hang_seconds_taken)


def ready_again(listener: NotifySocket, old_pid: int | None) -> Notice:
    """The next READY of a kiosk other than `old_pid`."""
    while True:
        notice = listener.wait_for("READY", timeout=180)
        # The X server says READY=1 on the same socket (Xorg and Xvfb speak sd_notify): only kiosks count.
        if notice.pid != old_pid and _is_kiosk_run(notice.pid):
            return notice


def _is_kiosk_run(pid: int) -> bool:
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return False
    return words[1:3] == KIOSK[1:] and "run" in words and "supervise" not in words


def end_session(session: subprocess.Popen[bytes]) -> None:
    """As systemd stops the unit: SIGTERM to every process of the session, then SIGKILL for what is left."""
    if session.poll() is None:
        os.killpg(session.pid, signal.SIGTERM)
        try:
            session.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(session.pid, signal.SIGKILL)
            session.wait()


def test_the_xinit_session_brings_back_a_crashed_and_a_hung_kiosk(tmp_path: Path) -> None:
    require(("xinit", "Xvfb"), "check the bare-X autostart recipe", install="apt install xinit xvfb")
    comeback = kill_and_freeze(tmp_path)
    print(
        f"\nxinit session: a killed kiosk was READY again after {comeback.crash_seconds:.1f} s; one frozen with "
        f"SIGSTOP after {comeback.hang_seconds:.1f} s (hang limit {HANG_SECONDS} s)"
    )
