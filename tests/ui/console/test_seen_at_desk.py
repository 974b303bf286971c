"""The detail view's "Seen at the desk": pressed once per urgent request, by whom and when, and who was first."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from kiosk.qt import QLabel, Qt

from kiosk.domain.audit import AuditAction
from kiosk.services.audit import AuditFilter, list_entries
from kiosk.services.casework import open_case
from kiosk.storage.database import Database
from kiosk.ui.console.print_request import request_document
from kiosk.ui.console.queue_model import STATUS
from kiosk.ui.console.workspace import Workspace
from tests.services import factories
from tests.ui.console.conftest import ADMIN, DESK, DESK_PASSWORD, MakeConsole, signed_in, submit


def _history(workspace: Workspace) -> list[str]:
    lines = workspace.detail.body.findChildren(QLabel)
    return [line.text() for line in lines if line.objectName().startswith("History")]


def _open_first(workspace: Workspace) -> None:
    workspace.queue.select_row(0)
    assert workspace.detail.detail is not None


def test_pressing_seen_at_the_desk_records_who_and_when_and_the_queue_shows_it(
    qtbot: QtBot, make_console: MakeConsole, database: Database
) -> None:
    submit(database, factories.urgent_follow_up())
    workspace = signed_in(qtbot, make_console())
    _open_first(workspace)
    detail = workspace.detail

    assert detail.seen_button.isVisible() and detail.seen_button.text() == "Seen at the desk"
    assert detail.seen_button.property("role") == "urgent-action"  # the red, large one while the patient waits
    assert not detail.seen_label.isVisible()

    qtbot.mouseClick(detail.seen_button, Qt.MouseButton.LeftButton)

    assert detail.detail is not None and detail.detail.seen_at_desk_by == ADMIN
    assert detail.detail.seen_at_desk_at is not None
    when = f"{detail.detail.seen_at_desk_at.astimezone():%H:%M}"
    assert not detail.seen_button.isVisible()
    assert detail.seen_label.isVisible() and detail.seen_label.text() == f"\u2713 Seen at the desk at {when} by {ADMIN}"
    assert detail.banner.text() == f"Marked as seen at the desk at {when}: the alarm stops on every console."
    assert any(line.endswith(f"· {ADMIN}: seen at the desk") for line in _history(workspace))
    # The queue reloads at once and shows the outcome in the row.
    status = workspace.queue.model.data(workspace.queue.model.index(0, STATUS))
    assert status == f"\u2713 Seen {when} ({ADMIN})"
    actions = [entry.action for entry in list_entries(database, AuditFilter())]
    assert AuditAction.SEEN_AT_DESK.value in actions


def test_a_second_console_pressing_it_is_told_who_was_first(
    qtbot: QtBot, make_console: MakeConsole, database: Database
) -> None:
    submit(database, factories.urgent_follow_up())
    first = signed_in(qtbot, make_console())
    second = signed_in(qtbot, make_console(), DESK, DESK_PASSWORD)
    _open_first(first)
    _open_first(second)  # both open it before either presses

    qtbot.mouseClick(first.detail.seen_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(second.detail.seen_button, Qt.MouseButton.LeftButton)

    assert first.detail.detail is not None and first.detail.detail.seen_at_desk_at is not None
    when = f"{first.detail.detail.seen_at_desk_at.astimezone():%H:%M}"
    assert second.detail.banner.text() == (
        f"{ADMIN} was first: they marked this request seen at the desk at {when}, so nothing more is needed here."
    )
    assert second.detail.seen_label.text() == f"\u2713 Seen at the desk at {when} by {ADMIN}"
    assert not second.detail.seen_button.isVisible()
    # Recorded once: one "seen" line in the history, by the first.
    assert [line for line in _history(second) if "seen at the desk" in line] == [
        line for line in _history(first) if "seen at the desk" in line
    ]
    assert len([line for line in _history(second) if "seen at the desk" in line]) == 1


def test_a_request_that_is_not_urgent_has_no_seen_button(
    qtbot: QtBot, make_console: MakeConsole, database: Database
) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, make_console())
    _open_first(workspace)

    assert not workspace.detail.seen_button.isVisible()
    assert not workspace.detail.seen_label.isVisible()


def test_the_print_out_says_when_and_by_whom_it_was_seen(
    qtbot: QtBot, make_console: MakeConsole, database: Database
) -> None:
    request = factories.urgent_follow_up()
    submit(database, request)
    workspace = signed_in(qtbot, make_console())
    _open_first(workspace)
    assert workspace.detail.detail is not None
    before = request_document(workspace.detail.detail, "Clinic").toPlainText()
    assert "Not yet seen at the desk." in before

    qtbot.mouseClick(workspace.detail.seen_button, Qt.MouseButton.LeftButton)
    case = open_case(database, str(request.request_id), workspace.actor)
    text = request_document(case, "Clinic", printed_at=dt.datetime.now(dt.UTC)).toPlainText()

    assert f"by {ADMIN}." in text and "Seen at the desk " in text
    assert "Seen at the desk" in text.split("History and notes", 1)[1]  # the history lists it in words
