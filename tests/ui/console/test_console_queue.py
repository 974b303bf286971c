"""The queue through the real console: urgent first, filters, search, new arrivals, export."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.qt import QAccessible, QApplication, Qt

from kiosk.domain.workflow import RequestStatus
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.console.workspace import Workspace
from tests import encrypted_files
from tests.services import factories
from tests.ui.console.conftest import named, signed_in, submit


def references(workspace: Workspace) -> list[str]:
    model = workspace.queue.model
    return [model.row_at(row).reference for row in range(model.rowCount())]


def cell(workspace: Workspace, row: int, column: int) -> str:
    model = workspace.queue.model
    return str(model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole))


def test_an_urgent_request_is_the_first_row(qtbot: QtBot, console: ConsoleWindow, database: Database) -> None:
    older = submit(database, factories.appointment(), minutes_after=0)
    urgent = submit(database, factories.urgent_follow_up(), minutes_after=30)
    newer = submit(database, factories.follow_up(), minutes_after=10)

    workspace = signed_in(qtbot, console)

    assert references(workspace) == [urgent.reference, older.reference, newer.reference]
    first_row = " ".join(cell(workspace, 0, column) for column in range(workspace.queue.model.columnCount()))
    assert "Urgent" in first_row
    assert workspace.queue.count.text() == "3 requests"


def test_filter_by_type_and_status(qtbot: QtBot, console: ConsoleWindow, database: Database) -> None:
    appointment = submit(database, factories.appointment(), minutes_after=0)
    follow_up = submit(database, factories.follow_up(), minutes_after=5)
    workspace = signed_in(qtbot, console)
    filters = workspace.queue.filters

    filters.kind.setCurrentText("Follow-ups")
    assert references(workspace) == [follow_up.reference]
    assert workspace.queue.count.text() == "1 request"

    filters.kind.setCurrentText("All types")
    workspace.queue.select_row(0)  # the appointment: the older of the two
    workspace.detail.change_status(RequestStatus.CONTACTED)
    filters.status.setCurrentText("New")
    assert references(workspace) == [follow_up.reference]
    filters.status.setCurrentText("Contacted")
    assert references(workspace) == [appointment.reference]
    filters.status.setCurrentText("Open requests")
    assert len(references(workspace)) == 2


def test_search_by_name_after_a_pause_in_typing(qtbot: QtBot, console: ConsoleWindow, database: Database) -> None:
    submit(database, named(factories.appointment(), "Marguerite", "Okonkwo"), minutes_after=0)
    wanted = submit(database, named(factories.follow_up(), "Bartholomew", "Lindqvist"), minutes_after=1)
    workspace = signed_in(qtbot, console)

    qtbot.keyClicks(workspace.queue.search, "lindq")
    qtbot.waitUntil(lambda: references(workspace) == [wanted.reference], timeout=2000)

    assert workspace.queue.count.text() == "1 request"


def test_ctrl_f_goes_to_the_search_box(qtbot: QtBot, console: ConsoleWindow) -> None:
    workspace = signed_in(qtbot, console)
    workspace.queue.table.setFocus()

    qtbot.keyClick(workspace.queue.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)

    assert workspace.queue.search.hasFocus()


def test_a_request_from_the_kiosk_appears_within_the_poll_with_a_badge(
    qtbot: QtBot, console: ConsoleWindow, database: Database, database_file: Path
) -> None:
    first = submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    assert not workspace.queue.badge.isVisible()

    # The patient kiosk writes through its own connection, as a separate PC would.
    kiosk_side = encrypted_files.open_again(database_file)
    try:
        arrived = submit_request(kiosk_side, factories.urgent_follow_up(), "kiosk-2", now=dt.datetime.now(dt.UTC))
    finally:
        kiosk_side.close()

    qtbot.waitUntil(lambda: arrived.reference in references(workspace), timeout=3000)
    assert references(workspace)[0] == arrived.reference  # urgent: straight to the top
    assert workspace.queue.badge.isVisible()
    assert workspace.queue.badge.text() == "1 new"
    assert workspace.queue.selected_id() is not None
    assert workspace.queue.model.row_at(workspace.queue.table.currentIndex().row()).reference == first.reference

    workspace.queue.refresh_button.click()
    assert not workspace.queue.badge.isVisible()


def test_admin_exports_the_filtered_queue(
    qtbot: QtBot, console: ConsoleWindow, database: Database, tmp_path: Path
) -> None:
    submit(database, factories.appointment())
    submit(database, factories.follow_up(), minutes_after=3)
    workspace = signed_in(qtbot, console)
    workspace.queue.filters.kind.setCurrentText("Follow-ups")
    out = tmp_path / "requests.csv"

    written = workspace.queue.export_to(out)
    QApplication.processEvents()

    assert written == 1
    assert workspace.queue.message.text() == "Exported 1 request to requests.csv."
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert len(rows) == 2  # the header and the one follow-up


def test_an_export_that_cannot_be_written_says_so(
    qtbot: QtBot, console: ConsoleWindow, database: Database, tmp_path: Path
) -> None:
    workspace = signed_in(qtbot, console)

    assert workspace.queue.export_to(tmp_path / "no such folder" / "requests.csv") is None

    assert workspace.queue.message.isVisible()
    assert workspace.queue.message.text().endswith(".")


def test_a_row_selected_through_accessibility_opens_its_request(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    """A screen reader or switch picks a row with the table's selection interface, not a click or arrow key."""
    submit(database, factories.appointment(), minutes_after=0)
    second = submit(database, factories.follow_up(), minutes_after=5)
    workspace = signed_in(qtbot, console)
    table = QAccessible.queryAccessibleInterface(workspace.queue.table)
    assert table is not None and table.selectionInterface() is not None
    row = references(workspace).index(second.reference)
    columns = workspace.queue.model.columnCount()
    # The table's children: the header row's cells first (with a corner button), then each row's cells.
    cells = [table.child(i) for i in range(table.childCount())]
    in_row = [c for c in cells if c.tableCellInterface() is not None and c.tableCellInterface().rowIndex() == row]
    assert len(in_row) == columns

    assert table.selectionInterface().select(in_row[0])

    qtbot.waitUntil(lambda: workspace.detail.detail is not None)
    assert workspace.detail.detail is not None and workspace.detail.detail.reference == second.reference
