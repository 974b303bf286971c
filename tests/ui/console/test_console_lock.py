"""Auto-lock: no input for the configured minutes hides the work behind the password page."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, Qt

from kiosk.domain.audit import AuditAction
from kiosk.services.accounts import WRONG_CREDENTIALS
from kiosk.services.audit import AuditFilter, list_entries
from kiosk.storage.database import Database
from kiosk.ui.console.window import ConsoleWindow
from tests.services import factories
from tests.ui.console.conftest import ADMIN, ADMIN_PASSWORD, signed_in, submit

WAIT_MS = 10 * 60_000


def actions(database: Database) -> list[str]:
    return [entry.action for entry in reversed(list_entries(database, AuditFilter()))]


def test_the_lock_waits_the_configured_minutes_on_one_single_shot_timer(qtbot: QtBot, console: ConsoleWindow) -> None:
    signed_in(qtbot, console)

    assert console.idle_lock.timer.isSingleShot()
    assert console.idle_lock.timer.interval() == 5 * 60_000  # the default lock_after_minutes
    assert console.idle_lock.active


def test_input_restarts_the_wait(qtbot: QtBot, console: ConsoleWindow) -> None:
    workspace = signed_in(qtbot, console)
    # A wait far longer than the test, so a loaded machine cannot let it run out; a restart shows as more time
    # left after the key than just before it, once a second of the wait has gone (waited for, not slept).
    console.idle_lock.set_timeout_ms(WAIT_MS)
    timer = console.idle_lock.timer
    qtbot.waitUntil(lambda: timer.remainingTime() <= WAIT_MS - 1_000, timeout=WAIT_MS)
    left_before = timer.remainingTime()

    qtbot.keyClick(workspace.queue.search, Qt.Key.Key_A)  # typing counts as being at the desk

    assert not console.locked
    assert timer.remainingTime() > left_before


def test_idle_console_locks_hides_the_work_and_unlocks_with_the_password(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, factories.urgent_follow_up())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    assert workspace.detail.body.isVisible()
    console.idle_lock.set_timeout_ms(50)

    qtbot.waitUntil(lambda: console.locked, timeout=2000)

    assert not workspace.isVisible()
    assert not workspace.queue.table.isVisible() and not workspace.detail.isVisible()
    assert console.lock_view.isVisible()
    assert "Ada (ada)" in console.lock_view.who.text()
    assert actions(database)[-1] == AuditAction.LOCK.value
    assert not workspace.queue.polling  # the queue stops asking the database while locked

    qtbot.keyClicks(console.lock_view.password, "wrong guess")
    qtbot.keyClick(console.lock_view.password, Qt.Key.Key_Return)
    assert console.locked
    assert console.lock_view.error.text() == WRONG_CREDENTIALS
    assert console.lock_view.password.text() == ""

    qtbot.keyClicks(console.lock_view.password, ADMIN_PASSWORD)
    qtbot.keyClick(console.lock_view.password, Qt.Key.Key_Return)

    assert not console.locked
    assert workspace.queue.table.isVisible()
    assert workspace.detail.body.isVisible()  # the request they were on is still there
    assert console.idle_lock.active
    assert workspace.queue.polling
    assert actions(database)[-1] == AuditAction.UNLOCK.value


def test_the_lock_button_locks_at_once(qtbot: QtBot, console: ConsoleWindow) -> None:
    workspace = signed_in(qtbot, console)

    workspace.header.lock_button.click()

    assert console.locked
    assert not console.idle_lock.active  # nothing to count while locked


def test_someone_else_signs_the_locked_console_out(qtbot: QtBot, console: ConsoleWindow, database: Database) -> None:
    workspace = signed_in(qtbot, console)
    workspace.header.lock_button.click()

    console.lock_view.other_button.click()
    QApplication.processEvents()

    assert console.workspace is None
    assert console.pages.currentWidget() is console.login
    assert console.login.username.text() == ""
    assert actions(database)[-1] == AuditAction.LOGOUT.value
    assert ADMIN not in console.lock_view.who.text() or not console.lock_view.isVisible()
