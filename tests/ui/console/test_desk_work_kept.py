"""Nothing a receptionist types or presses is lost or mis-recorded (issue 24, part 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QLabel, Qt

from kiosk.domain.audit import AuditAction
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services import casework
from kiosk.services.audit import AuditFilter, list_entries
from kiosk.storage.database import Database
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.console.workspace import Workspace
from tests.services import factories
from tests.ui.console.conftest import DESK, named, signed_in, submit

OTHER_DESK = Actor(username=DESK, role=Role.RECEPTION, workstation="front-desk-2")


def history(workspace: Workspace) -> list[str]:
    return [
        widget.text()
        for name in ("HistoryNote", "HistoryStatus")
        for widget in workspace.detail.findChildren(QLabel, name)
    ]


def test_a_note_typed_before_a_status_button_is_saved_with_the_change(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)

    qtbot.keyClicks(workspace.detail.note_edit, "Spoke to her, she prefers mornings")
    workspace.detail.status_buttons["contacted"].click()

    assert workspace.detail.status.text().startswith("Status: Contacted")
    assert any(line.endswith("ada: Spoke to her, she prefers mornings") for line in history(workspace))
    assert workspace.detail.note_edit.toPlainText() == ""
    assert workspace.detail.banner.text().startswith("Marked as contacted, with your note.")
    actions = [entry.action for entry in list_entries(database, AuditFilter())]
    assert AuditAction.NOTE.value in actions and AuditAction.STATUS_CHANGE.value in actions


def test_a_double_click_on_a_status_records_one_status(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    contacted = workspace.detail.status_buttons["contacted"]
    place = contacted.geometry()

    # Two clicks as a hurried hand makes them, each where the button was before the first.
    qtbot.mouseClick(contacted, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(contacted, Qt.MouseButton.LeftButton)

    # The buttons never move: the second click lands on the same, now disabled, "Contacted".
    assert workspace.detail.status_buttons["contacted"].geometry() == place
    assert not contacted.isEnabled()
    assert workspace.detail.status.text().startswith("Status: Contacted")
    changes = [e for e in list_entries(database, AuditFilter()) if e.action == AuditAction.STATUS_CHANGE.value]
    assert len(changes) == 1


def test_the_last_status_change_can_be_undone_and_both_are_audited(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    workspace.detail.status_buttons["closed"].click()
    assert workspace.detail.undo_button.isVisible()

    workspace.detail.undo_button.click()

    assert workspace.detail.status.text().startswith("Status: New")
    assert workspace.detail.banner.text() == "Undone: the request is new again."
    assert not workspace.detail.undo_button.isVisible()
    assert workspace.queue.model.row_at(0).status is RequestStatus.NEW
    details = [e.detail for e in list_entries(database, AuditFilter()) if e.action == AuditAction.STATUS_CHANGE.value]
    assert details == ["closed->new (undo)", "new->closed"]


def test_undo_is_refused_after_the_window_or_for_someone_elses_change(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    workspace.detail.status_buttons["contacted"].click()
    changed = workspace.detail.detail
    assert changed is not None
    later = dt.datetime.now(dt.UTC) + casework.UNDO_WINDOW + dt.timedelta(seconds=5)

    with pytest.raises(casework.CannotUndo, match="choose the right status instead"):
        casework.undo_status(database, changed.id, expected_version=changed.version, actor=workspace.actor, now=later)
    with pytest.raises(casework.CannotUndo, match="no status change of yours to undo"):
        casework.undo_status(database, changed.id, expected_version=changed.version, actor=OTHER_DESK)
    assert casework.reread_case(database, changed.id, OTHER_DESK).status is RequestStatus.CONTACTED


def test_a_half_typed_note_waits_for_its_request_while_another_is_open(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, named(factories.appointment(), "Ana", "Lima"))
    submit(database, named(factories.appointment(), "Bo", "Chen"), minutes_after=5)
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    first_id = workspace.queue.selected_id()
    qtbot.keyClicks(workspace.detail.note_edit, "Call back after 2")

    workspace.queue.select_row(1)
    assert workspace.detail.note_edit.toPlainText() == ""
    workspace.queue.select_row(0)

    assert workspace.queue.selected_id() == first_id
    assert workspace.detail.note_edit.toPlainText() == "Call back after 2"
    assert workspace.detail.banner.text() == "Your unsaved note for this request is back in the note box."


def test_the_open_request_follows_a_change_made_at_another_console(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    loaded = workspace.detail.detail
    assert loaded is not None
    qtbot.keyClicks(workspace.detail.note_edit, "half typed")
    casework.change_status(
        database, loaded.id, RequestStatus.NO_ANSWER, expected_version=loaded.version, actor=OTHER_DESK
    )

    with qtbot.wait_signal(workspace.queue.watch.changed, timeout=10_000):
        workspace.queue.poll()

    assert workspace.detail.status.text().startswith("Status: No answer — by rita")
    assert workspace.detail.banner.text() == (
        "This request was just changed at another console by rita: it is now no answer, and what you see is up to date."
    )
    assert workspace.detail.note_edit.toPlainText() == "half typed"
    assert not workspace.detail.status_buttons["no_answer"].isEnabled()
