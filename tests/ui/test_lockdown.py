"""Lock-down: close requests and escape keys go nowhere; only the hidden corner plus an admin closes the kiosk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QEvent, QKeyEvent, QLineEdit, QPoint, Qt, QTimer, QWidget

from kiosk.domain.audit import AuditAction
from kiosk.domain.staff import Role
from kiosk.ops.exit_codes import EXIT_STAFF_QUIT
from kiosk.services.accounts import AccountRules, create_account
from kiosk.services.audit import verify_chain
from kiosk.services.navigation import ATTRACT, Route, Screen
from kiosk.services.startup import KioskContext, load_context
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.lockdown import is_blocked_key
from kiosk.ui.previews import open_screen, screen_names
from kiosk.ui.window import KioskWindow
from tests.ui.console.conftest import ADMIN, ADMIN_PASSWORD, DESK, DESK_PASSWORD, SETUP, signed_in
from tests.ui.console.test_console_lock import actions

MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0)  # open: the attract loop, not the closed screen
LOCKDOWN = """
[lockdown]
exit_corner = "bottom-right"
exit_hold_seconds = 3
keep_screen_on = false
"""
RAISE_WARNING = "This plugin does not support raise"  # off-screen: no window manager to bring the console up


@pytest.fixture
def locked_context(write_settings: Any) -> Iterator[KioskContext]:
    context = load_context(str(write_settings(LOCKDOWN)), open_database=True, kiosk=True)
    assert context.database is not None
    for username, role, password in ((ADMIN, Role.ADMIN, ADMIN_PASSWORD), (DESK, Role.RECEPTION, DESK_PASSWORD)):
        create_account(
            context.database,
            username=username,
            display_name=username.title(),
            role=role,
            password=password,
            rules=AccountRules(),
            by=SETUP,
        )
    yield context
    context.close()


@pytest.fixture
def locked(qtbot: QtBot, locked_context: KioskContext) -> Iterator[KioskWindow]:
    window = KioskWindow(locked_context, clock=lambda: MONDAY_10)
    window.resize(1920, 1080)
    window.enter_lockdown()
    qtbot.wait_exposed(window)
    yield window
    console = window.staff_entry.console
    if console is not None:
        console.close()  # signs out and stops its idle watch before the kiosk goes
    # The test's own way out, so pytest-qt can close it (a patient has none).
    window.lockdown = None
    window.close()
    window.deleteLater()


def test_lockdown_is_full_screen_frameless_and_on_top(locked: KioskWindow) -> None:
    flags = locked.windowFlags()
    assert locked.isFullScreen()
    assert flags & Qt.WindowType.FramelessWindowHint
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert locked.navigator.current == ATTRACT
    assert locked.stack.currentWidget() is locked.attract


def test_close_requests_escape_alt_f4_and_shortcuts_are_ignored(qtbot: QtBot, locked: KioskWindow) -> None:
    assert locked.close() is False
    assert locked.isVisible() and locked.stack.currentWidget() is locked.attract

    locked.go(Route(Screen.HOME))
    screen = locked.current_screen
    for key, modifier in (
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier),
        (Qt.Key.Key_F11, Qt.KeyboardModifier.NoModifier),
    ):
        qtbot.keyClick(screen, key, modifier)
        QApplication.processEvents()
        assert locked.isVisible() and locked.isFullScreen()
        assert locked.navigator.current == Route(Screen.HOME), f"{key} {modifier} moved the kiosk"


def test_typing_still_reaches_a_form_field_and_context_menus_are_swallowed(qtbot: QtBot, locked: KioskWindow) -> None:
    fields: list[QLineEdit] = []
    for name in (n for n in screen_names(locked.context) if n.startswith("appointment")):
        open_screen(locked, name)  # the step that asks for a name
        fields = [edit for edit in locked.form.findChildren(QLineEdit) if edit.isVisible()]
        if fields:
            break
    assert fields, "some appointment step has a text field"
    field = fields[0]
    field.setFocus()
    qtbot.keyClicks(field, "Ann")
    altgr = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier  # how Windows reports AltGr
    qtbot.keyClick(field, "@", altgr)  # a Spanish keyboard's AltGr+2
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select-all: swallowed
    qtbot.keyClicks(field, "x")
    assert field.text() == "Ann@x"
    assert locked.lockdown is not None
    assert locked.lockdown.eventFilter(field, QEvent(QEvent.Type.ContextMenu)) is True  # no copy/paste menu


def _bottom_right(window: KioskWindow) -> QPoint:
    return QPoint(window.width() - 10, window.height() - 10)  # full-screen: the screen's own size


def _hold_corner(qtbot: QtBot, window: KioskWindow, where: QPoint) -> bool:
    """Press at `where`; True if that started the hidden hold (then the hold is completed at once)."""
    target = window.childAt(where) or window
    qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, where))
    timer = window.staff_entry.corner.timer
    started = timer.isActive()
    if started:
        timer.stop()
        timer.timeout.emit()  # stands for the 3 seconds of holding: no sleeping in tests
    qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, where))
    return started


@pytest.mark.qt_log_ignore(RAISE_WARNING)
def test_the_hidden_hold_uses_the_configured_corner_and_time_and_alone_never_closes_the_kiosk(
    qtbot: QtBot, locked: KioskWindow
) -> None:
    assert locked.staff_entry.corner.timer.interval() == 3000
    assert not _hold_corner(qtbot, locked, QPoint(10, 10))  # top-left is not the configured corner
    assert locked.staff_entry.console is None

    assert _hold_corner(qtbot, locked, _bottom_right(locked))
    console = locked.staff_entry.console
    assert isinstance(console, ConsoleWindow)
    assert console.windowFlags() & Qt.WindowType.WindowStaysOnTopHint  # above the on-top kiosk
    assert console.pages.currentWidget() is console.login  # a password is still needed
    assert locked.isVisible() and locked.navigator.current == ATTRACT


@pytest.mark.qt_log_ignore(RAISE_WARNING)
def test_a_reception_sign_in_over_the_kiosk_cannot_close_it(qtbot: QtBot, locked: KioskWindow) -> None:
    assert _hold_corner(qtbot, locked, _bottom_right(locked))
    console = locked.staff_entry.console
    assert isinstance(console, ConsoleWindow)
    workspace = signed_in(qtbot, console, DESK, DESK_PASSWORD)
    assert workspace.header.close_kiosk_button is None
    quits: list[int] = []
    console.quit_application = quits.append
    console.close_kiosk()  # even called directly, the rule says no
    assert quits == []
    assert locked.isVisible()


@pytest.mark.qt_log_ignore(RAISE_WARNING)
def test_an_admin_signed_in_over_the_kiosk_closes_it_with_the_staff_quit_code(
    qtbot: QtBot, locked: KioskWindow, locked_context: KioskContext, qapp: QApplication
) -> None:
    assert _hold_corner(qtbot, locked, _bottom_right(locked))
    console = locked.staff_entry.console
    assert isinstance(console, ConsoleWindow)
    workspace = signed_in(qtbot, console, ADMIN, ADMIN_PASSWORD)
    button = workspace.header.close_kiosk_button
    assert button is not None and button.isVisible()

    questions: list[str] = []

    def answer_no(_parent: QWidget | None, _title: str, question: str) -> bool:
        questions.append(question)
        return False

    console.confirm = answer_no
    button.click()
    assert len(questions) == 1 and locked.isVisible()  # "No" keeps the kiosk running

    console.confirm = lambda *_args: True
    QTimer.singleShot(0, button.click)
    # A safety net only (the click ends the loop at once), stopped afterwards: left running, it would end
    # whatever event loop a later test is waiting in, 20 s from now.
    safety_net = QTimer()
    safety_net.setSingleShot(True)
    safety_net.timeout.connect(lambda: qapp.exit(99))
    safety_net.start(20_000)
    try:
        code = qapp.exec()
    finally:
        safety_net.stop()

    assert code == EXIT_STAFF_QUIT
    database = locked_context.database
    assert database is not None
    assert AuditAction.KIOSK_CLOSED.value in actions(database)
    assert verify_chain(database).intact


def test_the_console_is_not_offered_a_close_button_when_opened_on_its_own(
    qtbot: QtBot, locked_context: KioskContext
) -> None:
    from kiosk.ui.console.context import ConsoleContext

    console = ConsoleWindow(ConsoleContext.from_kiosk(locked_context, "front-desk"))
    qtbot.add_widget(console)
    workspace = signed_in(qtbot, console, ADMIN, ADMIN_PASSWORD)
    assert workspace.header.close_kiosk_button is None


@pytest.mark.parametrize(
    ("key", "modifiers", "text", "blocked"),
    [
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier, "\x1b", True),
        (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier, "", True),
        (Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier, "\t", True),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier, "\x17", True),
        (Qt.Key.Key_F5, Qt.KeyboardModifier.NoModifier, "", True),
        (Qt.Key.Key_Super_L, Qt.KeyboardModifier.MetaModifier, "", True),
        (Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier, "@", False),  # AltGr
        (Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier, "A", False),
        (Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier, "\t", False),  # keypad users move between controls
        (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r", False),
    ],
)
def test_which_keys_lock_down_swallows(key: Qt.Key, modifiers: Qt.KeyboardModifier, text: str, blocked: bool) -> None:
    event = QKeyEvent(QEvent.Type.KeyPress, key, modifiers, text)
    assert is_blocked_key(event) is blocked


@pytest.mark.qt_log_ignore(RAISE_WARNING)
def test_hide_cursor_hides_the_pointer_over_the_kiosk_but_not_over_the_console(
    qtbot: QtBot, write_settings: Any
) -> None:
    context = load_context(str(write_settings(LOCKDOWN + "hide_cursor = true\n")), open_database=True, kiosk=True)
    window = KioskWindow(context, clock=lambda: MONDAY_10)
    try:
        window.enter_lockdown()
        qtbot.wait_exposed(window)
        cursor = QApplication.overrideCursor()
        assert cursor is not None and cursor.shape() == Qt.CursorShape.BlankCursor

        window.staff_entry.open()  # as the hidden hold does
        assert QApplication.overrideCursor() is None  # staff at the console may use a mouse
        console = window.staff_entry.console
        assert console is not None
        console.close()
        cursor = QApplication.overrideCursor()
        assert cursor is not None and cursor.shape() == Qt.CursorShape.BlankCursor
    finally:
        assert window.lockdown is not None
        window.lockdown.set_cursor_hidden(False)
        window.lockdown = None
        window.close()
        window.deleteLater()
        context.close()
    assert QApplication.overrideCursor() is None
