"""Locking the console cancels every open dialog and what it would have done; an account disabled while
signed in is signed out on its next action, and nothing leaves.

Real widgets under the offscreen platform: the save dialogs are Qt's own (non-native) QFileDialog, opened by
the real buttons; the lock comes from the idle timer, as when a receptionist walks away mid-export.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QDialog, QFileDialog, QMessageBox, QPrintDialog, QTimer, QWidget

from kiosk.domain.audit import AuditAction
from kiosk.domain.staff import Actor, Role
from kiosk.services.accounts import AccountRules, create_account, list_accounts, set_active
from kiosk.services.audit import AuditFilter, list_entries
from kiosk.services.authority import ACCOUNT_DISABLED_NOW
from kiosk.storage.database import Database
from kiosk.ui.console.about import show_about
from kiosk.ui.console.window import ConsoleWindow
from tests import encrypted_files
from tests.services import factories
from tests.ui.console.conftest import ADMIN, ADMIN_PASSWORD, DESK, DESK_PASSWORD, SETUP, signed_in, submit


def press_if_open(dialog: QDialog) -> None:
    """The receptionist's press on Save or Print, if the lock has not closed the dialog first."""
    if dialog.isVisible():
        dialog.accept()


# If the lock left a dialog up, a person coming back to the desk could still press Save: do that after this long.
SOMEONE_PRESSES_SAVE_MS = 1500


def open_dialogs(kind: type[QWidget] = QDialog) -> list[QWidget]:
    return [widget for widget in QApplication.topLevelWidgets() if isinstance(widget, kind) and widget.isVisible()]


def when_shown(kind: type[QWidget], action: Callable[[QWidget], None]) -> QTimer:
    """Run `action(dialog)` once a dialog of `kind` is on screen (the button that opens it blocks until it closes)."""
    poll = QTimer()
    poll.setInterval(20)

    def look() -> None:
        found = open_dialogs(kind)
        if found:
            poll.stop()
            action(found[0])

    poll.timeout.connect(look)
    poll.start()
    return poll


def walk_away_then_press_save(console: ConsoleWindow, out: Path) -> Callable[[QWidget], None]:
    def act(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        # Qt's own dialog on every system: a Windows or macOS one could outlive the lock that closes this one.
        assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.selectFile(str(out))  # the receptionist has chosen where to save...
        console.idle_lock.set_timeout_ms(1)  # ...and walks away: the console locks itself
        QTimer.singleShot(SOMEONE_PRESSES_SAVE_MS, dialog, functools.partial(press_if_open, dialog))

    return act


def exports_and_prints(database: Database) -> list[str]:
    releases = {AuditAction.EXPORT.value, AuditAction.PRINT.value}
    return [entry.action for entry in list_entries(database, AuditFilter()) if entry.action in releases]


def unlock(qtbot: QtBot, console: ConsoleWindow, password: str = ADMIN_PASSWORD) -> None:
    qtbot.keyClicks(console.lock_view.password, password)
    console.lock_view.unlock_button.click()
    assert not console.locked, console.lock_view.error.text()


def test_locking_with_the_export_dialog_open_closes_it_and_exports_nothing(
    qtbot: QtBot, console: ConsoleWindow, database: Database, tmp_path: Path
) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    assert workspace.queue.export_button is not None
    out = tmp_path / "requests.csv"
    poll = when_shown(QFileDialog, walk_away_then_press_save(console, out))

    workspace.queue.export_button.click()  # returns once the dialog has closed, one way or the other
    qtbot.wait(50)

    assert poll is not None and console.locked
    assert open_dialogs() == []
    assert not out.exists()
    unlock(qtbot, console)
    qtbot.wait(SOMEONE_PRESSES_SAVE_MS)
    assert not out.exists() and list(tmp_path.glob("*.csv*")) == []
    assert exports_and_prints(database) == []


def test_locking_with_the_save_as_pdf_dialog_open_closes_it_and_saves_nothing(
    qtbot: QtBot, console: ConsoleWindow, database: Database, tmp_path: Path
) -> None:
    submit(database, factories.urgent_follow_up())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    out = tmp_path / "request.pdf"
    poll = when_shown(QFileDialog, walk_away_then_press_save(console, out))

    workspace.detail.pdf_button.click()
    qtbot.wait(50)

    assert poll is not None and console.locked
    assert open_dialogs() == []
    unlock(qtbot, console)
    qtbot.wait(SOMEONE_PRESSES_SAVE_MS)
    assert not out.exists() and list(tmp_path.glob("*.pdf*")) == []
    assert exports_and_prints(database) == []


def test_locking_closes_a_message_box_and_a_dialog_opened_while_locked_closes_at_once(
    qtbot: QtBot, console: ConsoleWindow
) -> None:
    workspace = signed_in(qtbot, console)

    def lock_from_under_the_box(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        console.lock()  # what the Lock button and the idle timer both call
        QTimer.singleShot(SOMEONE_PRESSES_SAVE_MS, box, lambda: box.isVisible() and box.close())

    poll = when_shown(QMessageBox, lock_from_under_the_box)
    started = time.monotonic()
    answer = QMessageBox.question(workspace, "Question", "Carry on?")
    assert poll is not None and console.locked
    assert time.monotonic() - started < SOMEONE_PRESSES_SAVE_MS / 1000  # closed by the lock, not by a person
    assert answer != QMessageBox.StandardButton.Yes  # cancelled, as if staff had said no
    assert open_dialogs() == []

    # Code that opens a dialog while the console is locked (a message after a cancelled action) has it cancelled.
    fallback = when_shown(QMessageBox, lambda box: QTimer.singleShot(SOMEONE_PRESSES_SAVE_MS, box, box.close))
    started = time.monotonic()
    show_about(workspace)  # returns when the box closes
    fallback.stop()
    assert time.monotonic() - started < SOMEONE_PRESSES_SAVE_MS / 1000
    assert open_dialogs() == []

    unlock(qtbot, console)
    late = when_shown(QMessageBox, lambda box: QTimer.singleShot(50, box, box.close))
    show_about(workspace)  # unlocked: dialogs work again
    assert late is not None and open_dialogs() == []


@pytest.fixture
def other_console(database_file: Path) -> Iterator[Database]:
    """Another PC's own connection to the same encrypted file, where an admin disables the account."""
    other = encrypted_files.open_again(database_file)
    yield other
    other.close()


def test_an_admin_disabled_on_another_pc_is_signed_out_when_exporting_and_nothing_is_written(
    qtbot: QtBot, console: ConsoleWindow, database: Database, other_console: Database, tmp_path: Path
) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    out = tmp_path / "requests.csv"

    create_account(  # the last admin cannot be disabled: a second one does it from another PC
        other_console,
        username="bea",
        display_name="Bea",
        role=Role.ADMIN,
        password="another admin's long phrase",
        rules=AccountRules(),
        by=SETUP,
    )
    set_active(other_console, ADMIN, False, by=Actor("bea", Role.ADMIN, "back-office"))
    assert workspace.queue.export_to(out) is None
    QApplication.processEvents()

    assert not out.exists()
    assert console.workspace is None and console.pages.currentWidget() is console.login
    assert console.login.error.text() == ACCOUNT_DISABLED_NOW
    assert console.login.error.isVisibleTo(console.login)
    assert exports_and_prints(database) == []


def test_a_desk_account_disabled_while_signed_in_cannot_open_a_request_and_is_signed_out(
    qtbot: QtBot, console: ConsoleWindow, database: Database, other_console: Database
) -> None:
    submit(database, factories.follow_up())
    submit(database, factories.appointment(), minutes_after=5)
    workspace = signed_in(qtbot, console, DESK, DESK_PASSWORD)
    workspace.queue.select_row(0)
    assert workspace.detail.body.isVisible()

    set_active(other_console, DESK, False, by=SETUP)
    workspace.queue.select_row(1)
    QApplication.processEvents()

    assert console.workspace is None
    assert console.login.error.text() == ACCOUNT_DISABLED_NOW
    views = [entry.action for entry in list_entries(database, AuditFilter()) if entry.actor == DESK]
    assert views.count(AuditAction.VIEW_REQUEST.value) == 1
    assert AuditAction.PERMISSION_DENIED.value in views


def test_a_desk_account_disabled_while_signed_in_lists_no_more_requests_and_is_signed_out(
    qtbot: QtBot, console: ConsoleWindow, database: Database, other_console: Database
) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console, DESK, DESK_PASSWORD)
    assert workspace.queue.model.rowCount() == 1

    set_active(other_console, DESK, False, by=SETUP)
    qtbot.keyClicks(workspace.queue.search, "Zel")  # the search reads the queue again
    workspace.queue.apply_filter()

    assert workspace.queue.model.rowCount() == 0
    qtbot.waitUntil(lambda: console.workspace is None, timeout=2000)
    assert console.login.error.text() == ACCOUNT_DISABLED_NOW


def test_locking_with_the_print_dialog_open_closes_it_and_prints_nothing(
    qtbot: QtBot, console: ConsoleWindow, database: Database, tmp_path: Path
) -> None:
    submit(database, factories.urgent_follow_up())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    printed = tmp_path / "printed.pdf"

    def walk_away(dialog: QWidget) -> None:
        assert isinstance(dialog, QPrintDialog)
        dialog.printer().setOutputFileName(str(printed))  # to a file, never to a real printer on this PC
        console.idle_lock.set_timeout_ms(1)
        QTimer.singleShot(SOMEONE_PRESSES_SAVE_MS, dialog, functools.partial(press_if_open, dialog))

    poll = when_shown(QPrintDialog, walk_away)
    workspace.detail.print_button.click()
    qtbot.wait(50)

    assert poll is not None and console.locked
    assert open_dialogs() == []
    unlock(qtbot, console)
    qtbot.wait(SOMEONE_PRESSES_SAVE_MS)
    assert not printed.exists()
    assert exports_and_prints(database) == []


def test_locking_closes_a_half_filled_account_dialog_and_no_account_is_added(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    workspace = signed_in(qtbot, console)
    workspace.show_tab("Staff accounts")
    assert workspace.users is not None
    workspace.users.add_button.click()  # opened with open(): the test carries on while it shows
    qtbot.waitUntil(lambda: bool(open_dialogs()), timeout=2000)
    (dialog,) = open_dialogs()
    phrase = "a long enough phrase here"
    for name, text in (("username", "mallory"), ("password", phrase), ("repeat", phrase)):
        qtbot.keyClicks(getattr(dialog, name), text)  # filled in, but Add account not yet pressed

    console.idle_lock.set_timeout_ms(1)
    qtbot.waitUntil(lambda: console.locked, timeout=2000)
    qtbot.wait(50)

    assert open_dialogs() == []
    unlock(qtbot, console)
    assert open_dialogs() == []
    assert "mallory" not in [account.username for account in list_accounts(database)]
