"""A morning at the desk with the keyboard alone: every key goes to whatever has the focus (issue 24, part 1)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QLabel, Qt, QWidget

from kiosk.domain.audit import AuditAction
from kiosk.domain.workflow import RequestStatus
from kiosk.services.audit import AuditFilter, list_entries
from kiosk.storage.database import Database
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.console.workspace import Workspace
from tests.services import factories
from tests.ui.console.conftest import named, signed_in, submit

CTRL = Qt.KeyboardModifier.ControlModifier
PATIENTS = [("Ana", "Lima"), ("Bo", "Chen"), ("Cleo", "Diaz"), ("Dev", "Rao"), ("Eli", "Moss")]


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def open_name(workspace: Workspace) -> str:
    return workspace.detail.title.text() if workspace.detail.detail is not None else ""


def views(database: Database) -> int:
    return sum(1 for entry in list_entries(database, AuditFilter()) if entry.action == AuditAction.VIEW_REQUEST.value)


def test_a_morning_of_requests_worked_with_the_keyboard_alone(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    for minutes, (first, last) in enumerate(PATIENTS):
        submit(database, named(factories.appointment(), first, last), minutes_after=minutes)
    workspace = signed_in(qtbot, console)
    console.activateWindow()

    # Find Cleo: Ctrl+F, type, Enter goes into the results and opens the first match.
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert focused() is workspace.queue.search
    type_text(qtbot, "Cleo")
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is workspace.queue.table
    assert open_name(workspace) == "Cleo Diaz"

    # A note, then "Contacted" with Ctrl+1: the note is saved with the status change.
    press(qtbot, Qt.Key.Key_E, CTRL)
    assert focused() is workspace.detail.note_edit
    type_text(qtbot, "Booked a call for Tuesday")
    press(qtbot, Qt.Key.Key_1, CTRL)
    assert workspace.detail.status.text().startswith("Status: Contacted")
    notes = [widget.text() for widget in workspace.detail.findChildren(QLabel, "HistoryNote")]
    assert notes and notes[-1].endswith("Booked a call for Tuesday")

    # Back to the whole queue: Ctrl+F, clear the search, Down goes into the rows.
    press(qtbot, Qt.Key.Key_F, CTRL)
    press(qtbot, Qt.Key.Key_Backspace)
    press(qtbot, Qt.Key.Key_Down)
    assert focused() is workspace.queue.table
    assert workspace.queue.model.rowCount() == len(PATIENTS)

    # Arrowing over rows opens (and audits) only the row the receptionist stops on.
    workspace.queue.select_row(0)
    qtbot.waitUntil(lambda: open_name(workspace) == "Ana Lima")
    before = views(database)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: open_name(workspace) == "Dev Rao")
    assert views(database) == before + 1

    # Enter opens the highlighted row at once; "Could not reach" is Ctrl+4.
    press(qtbot, Qt.Key.Key_Up)
    press(qtbot, Qt.Key.Key_Return)
    assert open_name(workspace) == "Cleo Diaz"
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_4, CTRL)
    assert workspace.detail.status.text().startswith("Status: Could not reach")

    # A wrong status is taken back with Ctrl+Z, then the right one given.
    press(qtbot, Qt.Key.Key_Down, CTRL)
    assert open_name(workspace) == "Eli Moss"
    press(qtbot, Qt.Key.Key_4, CTRL)
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert workspace.detail.status.text().startswith("Status: New")
    press(qtbot, Qt.Key.Key_3, CTRL)
    assert workspace.detail.status.text().startswith("Status: No answer")

    # Ctrl+Up goes back; a note saved with Ctrl+S.
    press(qtbot, Qt.Key.Key_Up, CTRL)
    assert open_name(workspace) == "Dev Rao"
    press(qtbot, Qt.Key.Key_E, CTRL)
    type_text(qtbot, "Voicemail full")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert workspace.detail.note_edit.toPlainText() == ""
    assert workspace.detail.findChildren(QLabel, "HistoryNote")[-1].text().endswith("Voicemail full")

    statuses = {row.last_name: row.status for row in map(workspace.queue.model.row_at, range(5))}
    assert statuses == {
        "Lima": RequestStatus.NEW,
        "Chen": RequestStatus.NEW,
        "Diaz": RequestStatus.CONTACTED,
        "Rao": RequestStatus.UNREACHABLE,
        "Moss": RequestStatus.NO_ANSWER,
    }


def test_tab_leaves_the_table_and_the_date_boxes_in_one_step(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, factories.appointment())
    submit(database, factories.appointment(), minutes_after=1)
    workspace = signed_in(qtbot, console)
    console.activateWindow()
    workspace.queue.table.setFocus()
    workspace.queue.select_row(0)

    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is not workspace.queue.table
    assert workspace.queue.selected_id() == workspace.queue.model.row_at(0).id  # no row passed on the way

    workspace.queue.filters.received_from.setFocus()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is workspace.queue.filters.received_to
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is workspace.queue.filters.clear_dates or not workspace.queue.filters.clear_dates.isEnabled()
    assert focused() is not workspace.queue.filters.received_to
