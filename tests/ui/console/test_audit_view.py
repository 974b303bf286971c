"""Admins read the audit trail newest first, filter it, and the chain check notices a row edited behind its back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QDate, Qt

from kiosk.domain.audit import AuditAction, Outcome
from kiosk.domain.staff import Actor, PermissionDenied, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.audit import record
from kiosk.services.casework import change_status, open_case, record_print
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.ui.console.audit_view import ACTION_WORDS, COLUMNS, AuditView
from kiosk.ui.console.theme import console_stylesheet
from tests import encrypted_files
from tests.services import factories

ADMIN = Actor("ada", Role.ADMIN, "back-office", "Ada")
DESK = Actor("rita", Role.RECEPTION, "front-desk-1", "Rita")
SHOTS = Path("/tmp/console_shots")


def _view(qtbot: QtBot, database: Database, size: tuple[int, int] = (1366, 768)) -> AuditView:
    view = AuditView(database, ADMIN)
    view.setStyleSheet(console_stylesheet(size[1]))
    qtbot.add_widget(view)
    view.resize(*size)
    view.show()
    qtbot.wait_exposed(view)
    return view


def _cell(view: AuditView, row: int, column: str) -> str:
    value = view.model.index(row, COLUMNS.index(column)).data()
    assert isinstance(value, str)
    return value


def _column(view: AuditView, column: str) -> list[str]:
    return [_cell(view, row, column) for row in range(view.model.rowCount())]


def _write(database: Database, action: AuditAction, *, actor: str = "rita", at: dt.datetime | None = None) -> None:
    with database.transaction() as session:
        record(session, actor=actor, workstation="front-desk-1", action=action, target=actor, now=at)


@pytest.fixture
def worked_request(database: Database) -> str:
    """A day at the desk: a sign-in, a request opened, moved on and printed, a sign-out."""
    request = factories.urgent_follow_up()
    submit_request(database, request, "kiosk-1")
    request_id = str(request.request_id)
    _write(database, AuditAction.LOGIN)
    case = open_case(database, request_id, DESK)
    change_status(database, request_id, RequestStatus.CONTACTED, expected_version=case.version, actor=DESK)
    record_print(database, request_id, DESK)
    _write(database, AuditAction.LOGOUT)
    return case.reference


def test_rows_are_listed_newest_first_in_words(qtbot: QtBot, database: Database, worked_request: str) -> None:
    view = _view(qtbot, database)

    assert _column(view, "Action") == [
        "Signed out",
        "Printed",
        "Changed status",
        "Opened a request",
        "Signed in",
    ]
    ids = [view.model.row_at(row).id for row in range(view.model.rowCount())]
    assert ids == sorted(ids, reverse=True)
    assert _cell(view, 1, "Record") == f"Request {worked_request}"
    assert _cell(view, 2, "Detail") == "new → contacted"
    assert set(_column(view, "Who")) == {"rita"}
    assert set(_column(view, "Outcome")) == {"OK"}
    assert view.count.text() == "5 rows"


def test_the_trail_loads_200_rows_at_a_time(qtbot: QtBot, database: Database) -> None:
    with database.transaction() as session:
        for _ in range(450):
            record(session, actor="rita", workstation="front-desk-1", action=AuditAction.VIEW_REQUEST)
    view = _view(qtbot, database)

    assert view.model.rows_fetched == 200
    assert view.model.canFetchMore(view.model.index(-1, -1))
    view.table.scrollToBottom()  # the view asks the model for more as a person scrolls
    qtbot.waitUntil(lambda: view.model.rows_fetched >= 400)
    while view.model.canFetchMore(view.model.index(-1, -1)):
        view.model.fetchMore(view.model.index(-1, -1))
    ids = [view.model.row_at(row).id for row in range(view.model.rowCount())]
    assert ids == list(range(450, 0, -1))
    assert view.count.text() == "450 rows"


def test_filtering_by_action_and_user(qtbot: QtBot, database: Database, worked_request: str) -> None:
    _write(database, AuditAction.LOGIN, actor="ada")
    view = _view(qtbot, database)

    view.action.setCurrentIndex(view.action.findText(ACTION_WORDS[AuditAction.LOGIN]))
    assert _column(view, "Action") == ["Signed in", "Signed in"]
    assert _column(view, "Who") == ["ada", "rita"]

    view.user.setFocus()
    qtbot.keyClicks(view.user, "ADA")
    qtbot.keyClick(view.user, Qt.Key.Key_Return)
    assert _column(view, "Who") == ["ada"]

    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == 6


def test_filtering_by_date_range(qtbot: QtBot, database: Database) -> None:
    ten_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    _write(database, AuditAction.LOGIN, at=ten_days_ago)
    _write(database, AuditAction.LOGOUT)
    view = _view(qtbot, database)
    today = QDate.currentDate()

    view.since.setDate(today.addDays(-3))
    assert _column(view, "Action") == ["Signed out"]

    view.since.setDate(view.since.minimumDate())
    view.until.setDate(today.addDays(-5))
    assert _column(view, "Action") == ["Signed in"]

    view.since.setDate(today)
    assert view.message.isVisible()
    assert "From date is after the To date" in view.message.text()


def test_verify_reports_intact_then_the_row_changed_outside_the_application(
    qtbot: QtBot, database: Database, database_file: Path, worked_request: str
) -> None:
    view = _view(qtbot, database)

    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    assert view.message.isVisible()
    assert view.message.text() == "Intact: 5 rows checked."

    # Someone with the file drops the append-only guard and edits row 3 with the sqlite3 tool.
    connection = encrypted_files.connect(database_file)
    try:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("UPDATE audit_log SET detail = 'new->closed' WHERE id = 3")
        connection.commit()
    finally:
        connection.close()
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)

    text = view.message.text()
    assert "changed outside the application" in text
    assert "Row 3 was changed after it was written." in text
    assert "Row 4" not in text
    assert view.message.property("role") == "banner-error"


def test_reception_cannot_open_the_audit_trail(qtbot: QtBot, database: Database) -> None:
    with pytest.raises(PermissionDenied, match="audit trail"):
        AuditView(database, DESK)


def test_failed_and_denied_outcomes_read_as_words(qtbot: QtBot, database: Database) -> None:
    with database.transaction() as session:
        record(session, actor="(unknown)", workstation="w", action=AuditAction.LOGIN_FAILED, outcome=Outcome.FAILED)
        record(session, actor="rita", workstation="w", action=AuditAction.EXPORT, outcome=Outcome.DENIED)
    view = _view(qtbot, database)

    assert _column(view, "Outcome") == ["Denied", "Failed"]
    assert _column(view, "Action") == ["Exported", "Sign-in failed"]


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_screenshot(qtbot: QtBot, database: Database, worked_request: str, size: tuple[int, int]) -> None:
    for _ in range(30):
        _write(database, AuditAction.VIEW_REQUEST)
    view = _view(qtbot, database, (size[0], size[1] - 110))
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(SHOTS / f"audit_test_{size[0]}x{size[1]}.png"))
    # Every column fits its header's words.
    header = view.table.horizontalHeader()
    for column in range(len(COLUMNS)):
        assert header.sectionSize(column) >= header.sectionSizeHint(column)
