"""Keep-awake on Linux: a real private dbus-daemon, a real screen-saver service, the kiosk code in its own process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.fake_screensaver import FIRST_COOKIE

REPO = Path(__file__).resolve().parents[2]
STARTUP_LIMIT_S = 20
# The kiosk's side, as `kiosk run` uses it: acquire (twice: the second must do nothing), then release.
KIOSK_SIDE = """
import logging, sys
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", stream=sys.stdout)
from kiosk.qt import QCoreApplication
from kiosk.ops.keep_awake import KeepAwake
app = QCoreApplication([])
keep = KeepAwake()
keep.acquire()
keep.acquire()
print("held", keep.held, flush=True)
keep.release()
print("held", keep.held, flush=True)
keep.acquire()
keep.release()
"""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the D-Bus screen-saver is Linux only")


def _wait_for_line(path: Path, prefix: str, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(prefix):
                return line
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise AssertionError(f"no {prefix!r} line from {process.args!r}; it wrote: {path.read_text(encoding='utf-8')!r}")


@pytest.fixture
def session_bus(tmp_path: Path) -> Iterator[str]:
    """A private session bus: its address (the developer's own desktop bus is never touched)."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        print("skipped: dbus-daemon is not installed")
        pytest.skip("dbus-daemon is not installed")
    output = tmp_path / "bus-address"
    with output.open("wb") as sink:
        process = subprocess.Popen([daemon, "--session", "--nofork", "--print-address=1"], stdout=sink)
    try:
        address = _wait_for_line(output, "unix:", process)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)


def _env(address: str) -> dict[str, str]:
    return {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address, "QT_QPA_PLATFORM": "offscreen"}


@pytest.fixture
def screensaver(session_bus: str, tmp_path: Path) -> Iterator[Path]:
    """The fake org.freedesktop.ScreenSaver on the private bus; yields the file its calls are printed to."""
    calls = tmp_path / "screensaver.log"
    with calls.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.ops.fake_screensaver"], cwd=REPO, env=_env(session_bus), stdout=sink
        )
    try:
        _wait_for_line(calls, "ready", process)
        yield calls
    finally:
        process.terminate()
        process.wait(timeout=10)


def _run_kiosk_side(address: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", KIOSK_SIDE], cwd=REPO, env=_env(address), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_kiosk_inhibits_the_screen_saver_and_lifts_it_with_the_same_cookie(
    session_bus: str, screensaver: Path
) -> None:
    kiosk_output = _run_kiosk_side(session_bus)
    assert "held True" in kiosk_output and "held False" in kiosk_output
    calls = [line for line in screensaver.read_text(encoding="utf-8").splitlines() if line != "ready"]
    print("screen-saver service saw:", calls)
    assert calls == [
        f"inhibit {FIRST_COOKIE} Clinic kiosk: showing patient information during opening hours",
        f"uninhibit {FIRST_COOKIE}",
        f"inhibit {FIRST_COOKIE + 1} Clinic kiosk: showing patient information during opening hours",
        f"uninhibit {FIRST_COOKIE + 1}",
    ]


def test_a_bus_without_a_screen_saver_gives_one_warning_with_the_fix_and_no_crash(session_bus: str) -> None:
    kiosk_output = _run_kiosk_side(session_bus)
    warnings = [line for line in kiosk_output.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1, kiosk_output
    assert "no screen-saver service" in warnings[0] and "xset s off -dpms" in warnings[0]
    assert "held False" in kiosk_output


def test_no_session_bus_at_all_gives_one_warning_and_no_crash(tmp_path: Path) -> None:
    kiosk_output = _run_kiosk_side(f"unix:path={tmp_path / 'no-such-bus'}")
    warnings = [line for line in kiosk_output.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1, kiosk_output
    assert "no D-Bus session bus" in warnings[0]
