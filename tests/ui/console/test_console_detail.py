"""One request in the detail pane: answers, red flags, status changes, notes, stale copies."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.qt import QLabel, QWidget

from kiosk.domain.audit import AuditAction
from kiosk.domain.reference import format_reference
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services import casework
from kiosk.services.audit import AuditFilter, list_entries
from kiosk.storage.database import Database
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.console.workspace import Workspace
from tests.services import factories
from tests.ui.console.conftest import DESK, WORKSTATION, signed_in, submit


def shown_text(workspace: Workspace) -> str:
    labels = workspace.detail.body.findChildren(QLabel)
    return "\n".join(widget.text() for widget in labels if widget.isVisible())


def test_opening_a_request_shows_every_answer_and_its_red_flags(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    receipt = submit(database, factories.urgent_follow_up())
    workspace = signed_in(qtbot, console)

    workspace.queue.select_row(0)

    text = shown_text(workspace)
    assert workspace.detail.urgent.isVisible()
    assert workspace.detail.urgent.text() == "⚠ URGENT — red flags: new leg weakness or numbness, fever"
    for answer in (
        f"{factories.FIRST_NAME} {factories.LAST_NAME}",
        "14 March 1961",
        "(613) 555-0143",  # national format: the clinic is in the same country
        factories.EMAIL,
        "Text message",
        "Evening",
        "SI joint injection",
        "6 January 2025",
        "8 before → 3 now",
        "60%",
        factories.CONCERNS,
        "Repeat the injection",
        format_reference(receipt.reference),
        "Status: New",
    ):
        assert answer in text, answer
    red_flags = workspace.detail.body.findChild(QLabel, "Answer_Red_flags")
    assert red_flags is not None and red_flags.text().startswith("⚠")
    bars = workspace.detail.findChild(QWidget, "PainBars")
    assert bars is not None and bars.isVisible()
    viewed = list_entries(database, AuditFilter())[0]
    assert (viewed.action, viewed.actor) == (AuditAction.VIEW_REQUEST.value, "ada")


def test_changing_the_status_updates_the_detail_and_the_queue_row(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    assert set(workspace.detail.allowed_statuses()) == {"contacted", "no_answer", "unreachable", "closed"}

    workspace.detail.status_buttons["contacted"].click()

    assert workspace.detail.status.text().startswith("Status: Contacted — by ada")
    assert workspace.queue.model.row_at(0).status is RequestStatus.CONTACTED
    assert "scheduled" in workspace.detail.allowed_statuses()
    assert workspace.queue.selected_id() == workspace.detail.detail.id if workspace.detail.detail else False


def test_a_change_made_at_another_console_is_not_overwritten(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    loaded = workspace.detail.detail
    assert loaded is not None
    other_desk = Actor(username=DESK, role=Role.RECEPTION, workstation="front-desk-2")
    casework.change_status(
        database, loaded.id, RequestStatus.NO_ANSWER, expected_version=loaded.version, actor=other_desk
    )

    workspace.detail.status_buttons["closed"].click()

    assert workspace.detail.banner.isVisible()
    assert workspace.detail.banner.text().startswith(f"{DESK} changed this request")
    assert workspace.detail.status.text().startswith("Status: No answer — by rita")  # the fresh copy
    assert casework.open_case(database, loaded.id, other_desk).status is RequestStatus.NO_ANSWER


def test_adding_a_note_lists_it_with_its_author(qtbot: QtBot, console: ConsoleWindow, database: Database) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)

    qtbot.keyClicks(workspace.detail.note_edit, "Left a voicemail, will call again at 3")
    workspace.detail.save_note_button.click()

    notes = [widget.text() for widget in workspace.detail.findChildren(QLabel, "HistoryNote")]
    assert len(notes) == 1
    assert notes[0].endswith("· ada: Left a voicemail, will call again at 3")
    assert workspace.detail.note_edit.toPlainText() == ""


def test_an_empty_note_is_refused_with_a_sentence(qtbot: QtBot, console: ConsoleWindow, database: Database) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)

    qtbot.keyClicks(workspace.detail.note_edit, "   ")
    workspace.detail.save_note_button.click()

    assert workspace.detail.note_error.text() == "Type a note before saving it."
    assert workspace.detail.note_edit.toPlainText() == "   "  # what was typed is kept to fix


def test_a_too_long_note_is_kept_to_shorten(qtbot: QtBot, console: ConsoleWindow, database: Database) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    long_note = "word " * 500

    workspace.detail.note_edit.setPlainText(long_note)
    workspace.detail.save_note_button.click()

    assert "shorten it" in workspace.detail.note_error.text()
    assert workspace.detail.note_edit.toPlainText() == long_note


def test_the_detail_uses_this_workstation(qtbot: QtBot, console: ConsoleWindow, database: Database) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    workspace.detail.status_buttons["contacted"].click()

    entry = list_entries(database, AuditFilter())[0]
    assert (entry.action, entry.workstation) == (AuditAction.STATUS_CHANGE.value, WORKSTATION)


def test_save_as_pdf_writes_the_file_and_audits_it(
    qtbot: QtBot, console: ConsoleWindow, database: Database, tmp_path: Path
) -> None:
    submit(database, factories.urgent_follow_up())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    out = tmp_path / "request.pdf"

    assert workspace.detail.save_pdf_to(out)

    assert out.read_bytes().startswith(b"%PDF")
    assert workspace.detail.banner.text() == "Saved request.pdf."
    assert list_entries(database, AuditFilter())[0].action == AuditAction.PRINT.value
