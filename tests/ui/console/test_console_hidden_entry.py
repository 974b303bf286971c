"""The staff way in from the patient kiosk: hold the top-left corner, sign in, sign out back to attract."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QPoint, Qt

from kiosk.domain.staff import Role
from kiosk.services.accounts import AccountRules, create_account
from kiosk.services.navigation import ATTRACT, Route, Screen
from kiosk.services.startup import KioskContext
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.window import KioskWindow
from tests.ui.console.conftest import DESK, DESK_PASSWORD, SETUP, signed_in

HOLD_MS = 60  # the real hold is 5 s; the test shortens the same timer


def press_corner(qtbot: QtBot, window: KioskWindow, where: QPoint) -> None:
    window.staff_entry.corner.timer.setInterval(HOLD_MS)
    target = window.childAt(where) or window
    qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, where))


# The off-screen platform has no window manager to bring the console to the front.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_holding_the_corner_opens_the_console_and_sign_out_returns_to_attract(
    qtbot: QtBot, window: KioskWindow, context: KioskContext
) -> None:
    assert context.database is not None
    create_account(
        context.database,
        username=DESK,
        display_name="Rita",
        role=Role.RECEPTION,
        password=DESK_PASSWORD,
        rules=AccountRules(),
        by=SETUP,
    )
    window.go(Route(Screen.HOME))

    press_corner(qtbot, window, QPoint(20, 20))
    qtbot.waitUntil(lambda: window.staff_entry.console is not None, timeout=2000)

    console = window.staff_entry.console
    assert isinstance(console, ConsoleWindow)
    assert console.pages.currentWidget() is console.login
    assert window.navigator.current == ATTRACT  # nothing of a patient's visit waits behind the console
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))

    workspace = signed_in(qtbot, console, DESK, DESK_PASSWORD)
    window.go(Route(Screen.HOME))  # pretend a patient touched the kiosk meanwhile
    workspace.header.sign_out_button.click()
    QApplication.processEvents()

    assert window.staff_entry.console is None
    visible = [w for w in QApplication.topLevelWidgets() if isinstance(w, ConsoleWindow) and w.isVisible()]
    assert visible == []  # closed (and deleted) on sign-out
    assert window.navigator.current == ATTRACT


def test_a_short_press_or_one_outside_the_corner_does_nothing(qtbot: QtBot, window: KioskWindow) -> None:
    press_corner(qtbot, window, QPoint(300, 300))
    qtbot.wait(HOLD_MS * 3)
    assert window.staff_entry.console is None
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(300, 300))

    press_corner(qtbot, window, QPoint(10, 10))
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.wait(HOLD_MS * 3)
    assert window.staff_entry.console is None


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_a_console_left_untouched_over_the_kiosk_closes_and_gives_the_screen_back(
    qtbot: QtBot, window: KioskWindow, context: KioskContext
) -> None:
    assert context.database is not None
    create_account(
        context.database,
        username=DESK,
        display_name="Rita",
        role=Role.RECEPTION,
        password=DESK_PASSWORD,
        rules=AccountRules(),
        by=SETUP,
    )
    press_corner(qtbot, window, QPoint(20, 20))
    qtbot.waitUntil(lambda: window.staff_entry.console is not None, timeout=2000)
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    console = window.staff_entry.console
    assert isinstance(console, ConsoleWindow)
    assert console.idle_lock.active  # even the bare sign-in page does not stay up for ever

    signed_in(qtbot, console, DESK, DESK_PASSWORD)
    window.go(Route(Screen.HOME))
    console.idle_lock.timer.timeout.emit()  # the receptionist walked away
    QApplication.processEvents()

    assert window.staff_entry.console is None
    assert window.navigator.current == ATTRACT
    visible = [w for w in QApplication.topLevelWidgets() if isinstance(w, ConsoleWindow) and w.isVisible()]
    assert visible == []
