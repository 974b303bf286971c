"""The full-screen kiosk follows its screen: after a change of resolution, rotation or monitors it covers the
screen again, and the staff exit corner moves with it (off-screen; the real X server is in tests/end2end)."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from kiosk.qt import QGuiApplication, QPoint, QRect, Qt

from kiosk.ui.full_screen import kiosk_screen, places_itself
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import MakeWindow


def _full_screen(make_window: MakeWindow, qtbot: QtBot) -> tuple[KioskWindow, QRect]:
    window = make_window((1280, 800), all_screens=False)
    window.show_full_screen()
    screen = window.screen()
    qtbot.wait_until(lambda: window.geometry() == screen.geometry())
    return window, screen.geometry()


def test_the_window_covers_its_screen_again_after_the_screen_changes(make_window: MakeWindow, qtbot: QtBot) -> None:
    window, covered = _full_screen(make_window, qtbot)
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication)
    signals: list[Callable[[], None]] = [
        lambda: window.screen().geometryChanged.emit(covered),  # a new resolution, or a rotation
        lambda: window.windowHandle().screenChanged.emit(window.screen()),  # moved to another monitor
        lambda: app.primaryScreenChanged.emit(window.screen()),  # a monitor plugged in
    ]
    for changed in signals:
        window.setGeometry(0, 0, 640, 480)  # where the old screen's layout (or nobody, with no window manager) left it
        assert window.geometry() != covered
        changed()
        qtbot.wait_until(lambda: window.geometry() == covered, timeout=2000)
        assert window.width() == covered.width()  # and the layout follows (resizeEvent)


def test_the_staff_exit_corner_is_the_screens_corner(make_window: MakeWindow, qtbot: QtBot) -> None:
    window, covered = _full_screen(make_window, qtbot)
    corner = window.staff_entry.corner
    corner.corner = "bottom-right"
    assert window.mapToGlobal(corner.corner_rect().bottomRight()) == covered.bottomRight()
    assert corner.in_corner(QPoint(covered.right() - 2, covered.bottom() - 2).toPointF())


def test_windowed_runs_keep_their_size(make_window: MakeWindow) -> None:
    window = make_window((1080, 1920), all_screens=False)
    assert not window.full_screen.started
    assert (window.width(), window.height()) == (1080, 1920)


def test_wayland_places_the_window_itself_and_a_gone_screen_falls_back_to_the_primary() -> None:
    assert not places_itself("wayland")
    assert not places_itself("wayland-egl")
    assert places_itself("xcb") and places_itself("windows") and places_itself("offscreen")
    assert kiosk_screen(None) is QGuiApplication.primaryScreen()
