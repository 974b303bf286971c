"""`kiosk doctor`'s screen checks: a full-screen window that does not cover the screen fails with one sentence, and
a display that nobody answers at is named as such (not as missing xcb libraries)."""

from __future__ import annotations

from kiosk.ops.doctor import Status
from kiosk.ops.qt_probe import FULL_SCREEN_FIX, NO_DISPLAY_FIX, QtReport, screen_checks


def _screen(**found: object) -> tuple[Status, str, str]:
    report = QtReport(platform=str(found.pop("platform", "xcb")), screen=(1920, 1080), **found)  # type: ignore[arg-type]
    check = {check.name: check for check in screen_checks(report)}["screen"]
    return check.status, check.message, check.fix


def test_a_window_left_smaller_than_the_screen_fails_with_one_sentence() -> None:
    status, message, fix = _screen(screen_area=(0, 0, 1920, 1080), full_screen_area=(0, 0, 1280, 800))
    assert status is Status.FAIL
    assert message == (
        "a full-screen window covers only 1280x800 at 0,0 of the 1920x1080 screen at 0,0: "
        "the kiosk would be cut off or leave part of the screen open"
    )
    assert fix == FULL_SCREEN_FIX


def test_a_window_moved_off_its_screen_fails() -> None:
    status, message, _ = _screen(screen_area=(1920, 0, 1920, 1080), full_screen_area=(0, 0, 1920, 1080))
    assert status is Status.FAIL and "at 0,0 of the 1920x1080 screen at 1920,0" in message


def test_a_covering_window_passes_and_wayland_compares_the_size_only() -> None:
    assert _screen(screen_area=(0, 0, 1920, 1080), full_screen_area=(0, 0, 1920, 1080)) == (
        Status.OK,
        "1920x1080; a full-screen window covers all of it",
        "",
    )
    # A Wayland client never learns its position: the compositor places it.
    wayland = _screen(platform="wayland", screen_area=(1920, 0, 1920, 1080), full_screen_area=(0, 0, 1920, 1080))
    assert wayland[0] is Status.OK
    assert _screen(platform="wayland", screen_area=(0, 0, 1920, 1080), full_screen_area=(0, 0, 1280, 800))[0] is (
        Status.FAIL
    )


def test_no_display_is_named_and_the_fix_is_to_start_it_not_to_install_libraries() -> None:
    report = QtReport(
        platform=None, error="could not connect to display :0; xcb-cursor0 is needed", no_display="DISPLAY=:0"
    )
    checks = {check.name: check for check in screen_checks(report)}
    assert checks["qt platform"].status is Status.FAIL
    assert checks["qt platform"].message.startswith("no display: nothing answers at DISPLAY=:0 ")
    assert checks["qt platform"].fix == NO_DISPLAY_FIX and "apt install" not in NO_DISPLAY_FIX
    assert checks["screen"].message == "not checked: no display"
