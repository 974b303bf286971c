"""Long sections scroll under a finger (QScroller) and with a keypad."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QPoint, Qt

from kiosk.services.navigation import Route, Screen
from kiosk.ui.window import KioskWindow


def _long_section(window: KioskWindow) -> None:
    window.navigator.home()
    window.go(Route(Screen.PROCEDURE, "si-joint-injection", 0))  # the intro makes it the longest
    bar = window.info_page.text.verticalScrollBar()
    assert bar.maximum() > 0, "the first section should be longer than the screen at 1920x1080"


# Qt's gesture manager still remembers viewports of earlier tests' windows and says so once;
# the kiosk has one window for its whole life, so this only happens in a test session.
@pytest.mark.qt_log_ignore("QGestureManager::deliverEvents: could not find the target for gesture")
def test_dragging_the_text_up_scrolls_it(qtbot: QtBot, window: KioskWindow) -> None:
    _long_section(window)
    view = window.info_page.text
    viewport = view.viewport()
    bar = view.verticalScrollBar()
    start = QPoint(viewport.width() // 2, viewport.height() - 40)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 16):
        qtbot.wait(16)  # a finger moves over several frames
        qtbot.mouseMove(viewport, start - QPoint(0, step * 20))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start - QPoint(0, 300))
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=2_000)


def test_page_down_scrolls_for_keypad_users(qtbot: QtBot, window: KioskWindow) -> None:
    _long_section(window)
    view = window.info_page.text
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert view.verticalScrollBar().value() > 0
