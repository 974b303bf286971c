"""The real `kiosk run` on a bare X server (Xvfb, no window manager, as under xinit): it covers the whole screen,
landscape or portrait, and the staff exit corner is the screen's corner.

Needs Xvfb and xdotool (`.ci/run` installs them): skipped with the reason on a developer's machine, a failure in CI.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.end2end.x_server import bare_x_server, require
from tests.ops.kiosk_process import kiosk_install

START_S = 30.0
TITLE = "Clinic kiosk"


@pytest.fixture
def bare_x(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    """An X server with a screen of the size the test names and no window manager; a kiosk install for it."""
    require(("Xvfb", "xdotool"), "check full-screen on a real X server")
    with bare_x_server(request.param) as display:
        config, env = kiosk_install(tmp_path)
        env.pop("QT_QPA_PLATFORM", None)  # the real X server, not off-screen
        env.pop("WAYLAND_DISPLAY", None)
        env["DISPLAY"] = display
        yield env, config


def _run(env: dict[str, str], *args: str) -> str:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=10, check=False).stdout.strip()


def _kiosk_windows(env: dict[str, str], title: str) -> list[dict[str, int]]:
    """The viewable windows whose title contains `title`, with their place and size as X has them."""
    found = []
    # Every window, then Qt's by title: a name search skips some (see test_screen_reader_walk._give_focus).
    for window in _run(env, "xdotool", "search", "--onlyvisible", "--name", "").split():
        if title not in _run(env, "xdotool", "getwindowname", window):
            continue
        shell = _run(env, "xdotool", "getwindowgeometry", "--shell", window)
        values = dict(line.split("=", 1) for line in shell.splitlines() if "=" in line)
        found.append({key: int(values[key]) for key in ("X", "Y", "WIDTH", "HEIGHT")})
    return found


def _wait_for(condition: Callable[[], bool], what: Callable[[], str], seconds: float, tmp_path: Path) -> None:
    """Wait for `condition`; fail with `what` (said at the end, so it can show the last state seen)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    err = tmp_path / "kiosk.err"
    pytest.fail(f"{what()}; the kiosk said: {err.read_text()[-1500:] if err.exists() else ''}", pytrace=False)


@pytest.mark.slow  # a real X server and a real `kiosk run` for each orientation
@pytest.mark.parametrize(
    ("bare_x", "lockdown", "corner", "pointer"),
    [("1920x1080", "false", "top-right", (1915, 5)), ("1080x1920", "true", "bottom-right", (1075, 1915))],
    indirect=["bare_x"],
    ids=["landscape", "portrait-locked-down"],
)
def test_the_kiosk_covers_a_bare_x_screen_and_its_exit_corner_is_the_screens(
    bare_x: tuple[dict[str, str], Path], tmp_path: Path, lockdown: str, corner: str, pointer: tuple[int, int]
) -> None:
    env, config = bare_x
    config.write_text(
        config.read_text()
        + f'\n[lockdown]\nenabled = {lockdown}\nexit_corner = "{corner}"\nexit_hold_seconds = 3\n'
        + "closed_screen = false\n",
        encoding="utf-8",
    )
    kiosk = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(config), "run"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "kiosk.err").open("w"),
    )  # fmt: skip
    try:
        width, height = (int(n) for n in _run(env, "xdotool", "getdisplaygeometry").split())
        screen = {"X": 0, "Y": 0, "WIDTH": width, "HEIGHT": height}
        _wait_for(
            lambda: _kiosk_windows(env, TITLE) == [screen],
            lambda: (
                f"the kiosk's window never covered the {screen['WIDTH']}x{screen['HEIGHT']} screen "
                f"(last seen: {_kiosk_windows(env, TITLE)})"
            ),
            START_S,
            tmp_path,
        )
        # A press held in the screen's corner opens the reception console's sign-in, covering the kiosk: with no
        # window manager to maximize it, it sizes itself to the screen.
        _run(env, "xdotool", "mousemove", str(pointer[0]), str(pointer[1]), "mousedown", "1")
        _wait_for(
            lambda: bool(_kiosk_windows(env, "reception console")),
            lambda: f"holding the screen's {corner} corner did not open the reception console",
            START_S,
            tmp_path,
        )
        _wait_for(
            lambda: _kiosk_windows(env, "reception console") == [screen],
            lambda: f"the console did not cover the screen (last seen: {_kiosk_windows(env, 'reception console')})",
            5,
            tmp_path,
        )
        _run(env, "xdotool", "mouseup", "1")
    finally:
        kiosk.terminate()
        kiosk.wait(20)


def _doctor(config: Path, env: dict[str, str]) -> dict[str, dict[str, str]]:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "doctor", "--json"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return {check["name"]: check for check in json.loads(done.stdout)["checks"]}


@pytest.mark.slow  # a real X server and `kiosk doctor` showing its window on it
@pytest.mark.parametrize("bare_x", ["1080x1920"], indirect=True)
def test_doctor_shows_a_full_screen_window_and_finds_it_covers_the_screen(bare_x: tuple[dict[str, str], Path]) -> None:
    env, config = bare_x
    checks = _doctor(config, env)
    assert checks["qt platform"]["status"] == "OK", checks["qt platform"]
    assert checks["screen"] == {
        "name": "screen",
        "status": "OK",
        "message": "1080x1920; a full-screen window covers all of it",
        "fix": "",
    }


def test_doctor_says_no_display_when_no_x_server_answers(tmp_path: Path) -> None:
    config, env = kiosk_install(tmp_path)
    env.pop("QT_QPA_PLATFORM")
    env.pop("WAYLAND_DISPLAY", None)
    number = next(n for n in range(900, 1000) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    env["DISPLAY"] = f":{number}"  # set, as in an autostart file, but no X server is running there
    checks = _doctor(config, env)
    platform = checks["qt platform"]
    assert platform["status"] == "FAIL"
    assert platform["message"].startswith(f"no display: nothing answers at DISPLAY=:{number} "), platform
    assert "xcb" not in platform["fix"] and "start the kiosk's display first" in platform["fix"], platform
    assert checks["screen"]["message"] == "not checked: no display"
