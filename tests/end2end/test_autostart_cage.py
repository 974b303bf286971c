"""The cage recipe as the system unit runs it: `cage -- <kiosk> supervise run`, the kiosk locked down as cage's one
application. A kiosk killed (a crash) and one frozen with SIGSTOP (a hang) both come back inside the same session.

cage runs on wlroots' headless back-end here (no screen or GPU on a test machine), as an ordinary account: cage
refuses to run as root, and the unit runs it as the kiosk's account.
Needs cage and Xwayland (`apt install cage xwayland`): skipped with the reason on a developer's machine, failed in CI.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.ops.service_files import CAGE, session_command
from tests.end2end.test_autostart_xinit import end_session, ready_again
from tests.end2end.x_server import require
from tests.ops.kiosk_process import KIOSK, kiosk_install, notify_socket

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="a Wayland compositor test"),
    pytest.mark.slow,  # a real compositor session, a kiosk killed and one frozen, each brought back: minutes
]
HANG_SECONDS = 10  # the supervisor's shortest hang limit; the unit keeps the default 30 s
ROOT = Path(__file__).resolve().parents[2]  # the project folder: tests/end2end/ is two below it
ORDINARY = 65534  # nobody: cage will not run as root


def as_ordinary_account(tmp_path: Path, argv: list[str]) -> list[str]:
    """Run `argv` as an ordinary account when the tests run as root, with tmp_path its own."""
    if os.geteuid() != 0:
        return argv
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv to drop to an ordinary account")
    for path in (tmp_path, *tmp_path.rglob("*")):
        os.chown(path, ORDINARY, ORDINARY)
    for anchor in (tmp_path, Path(sys.executable).resolve(), Path(__file__).resolve()):
        for parent in anchor.parents:
            parent.chmod(parent.stat().st_mode | 0o001)  # the way in, as to any installed program
    # The project's folder is the editable install's import path, which Python lists to find `kiosk`: readable, as
    # an installed program's folder is (a checkout made straight into `mktemp -d` is 0700, and the kiosk then could
    # not import itself: "No module named kiosk.__main__").
    ROOT.chmod(ROOT.stat().st_mode | 0o005)
    return ["setpriv", f"--reuid={ORDINARY}", f"--regid={ORDINARY}", "--clear-groups", *argv]


def test_the_cage_session_brings_back_a_crashed_and_a_hung_kiosk(tmp_path: Path) -> None:
    require(("cage", "Xwayland"), "check the cage autostart recipe", install="apt install cage xwayland")
    config, env = kiosk_install(tmp_path)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    for variable in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY"):
        env.pop(variable, None)  # cage sets them for its application
    # wlroots without a screen or GPU: the headless back-end and software rendering.
    env.update(
        XDG_RUNTIME_DIR=str(runtime), WLR_BACKENDS="headless", WLR_LIBINPUT_NO_DEVICES="1", WLR_RENDERER="pixman"
    )
    unit_line = session_command(CAGE, [*KIOSK, "--config", str(config)])
    at = unit_line.index("supervise") + 1
    command = [*unit_line[:at], "--hang-seconds", str(HANG_SECONDS), *unit_line[at:]]
    with notify_socket(tmp_path) as listener:
        listener.path.chmod(0o777)  # the kiosk's account must be able to send to it
        env["NOTIFY_SOCKET"] = str(listener.path)
        argv = as_ordinary_account(tmp_path, command)
        session = subprocess.Popen(argv, env=env, start_new_session=True)
        try:
            first = ready_again(listener, None)  # the first start creates the database
            os.kill(first.pid, signal.SIGKILL)
            crashed = time.monotonic()
            second = ready_again(listener, first.pid)
            crash_seconds = time.monotonic() - crashed
            os.kill(second.pid, signal.SIGSTOP)
            frozen = time.monotonic()
            third = ready_again(listener, second.pid)
            hang_seconds = time.monotonic() - frozen
            assert len({first.pid, second.pid, third.pid, session.pid}) == 4
        finally:
            end_session(session)
    print(
        f"\ncage session: a killed kiosk was READY again after {crash_seconds:.1f} s; one frozen with SIGSTOP after "
        f"{hang_seconds:.1f} s (hang limit {HANG_SECONDS} s)"
    )
    run_log = (tmp_path / "logs" / "kiosk-run.log").read_text(encoding="utf-8")
    assert run_log.count("locked down, full screen") >= 3, run_log  # each kiosk, as cage's one application
    supervise_log = (tmp_path / "logs" / "kiosk-supervise.log").read_text(encoding="utf-8")
    assert "the kiosk ended (signal SIGKILL)" in supervise_log
    assert "the kiosk stopped responding" in supervise_log
