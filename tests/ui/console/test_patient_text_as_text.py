"""Whatever a patient typed is shown to staff exactly as typed, never read as HTML, in every console view.

Markup goes into every free-text field a request stores (stored directly, as a tampered database or
another client could, so the kiosk form's own checks do not hide the console's), then every staff view
is opened: labels must be plain text, tooltips and printed pages must render back to the literal markup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QLabel, Qt, QTextDocument, QWidget

from kiosk.domain.requests import OTHER_REASON, AppointmentRequest, FollowUpRequest
from kiosk.domain.staff import Actor, Role
from kiosk.services.casework import add_note, open_case
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.ui.console.print_request import request_document
from kiosk.ui.console.window import ConsoleWindow
from tests.services import factories
from tests.ui.console.conftest import ADMIN, T0, signed_in

MARKUP = '<h1 style="color:red">URGENT</h1><a href="x">click</a><img src=x>'
# Each field gets its own, so a test failure names the field that rendered. (A stored procedure id is marked
# too, but it is shown as a title made from the id, so only its labels' text format is checked.)
FIELDS = ("first", "last", "email", "reason", "concerns", "note", "kiosk")


def marked(field: str) -> str:
    return f"{MARKUP}<b>{field}</b>&amp;"


def rendered(html_or_text: str) -> str:
    """What Qt shows for a tooltip or a QTextDocument's HTML: read as HTML, as Qt does when it looks like HTML."""
    document = QTextDocument()
    document.setHtml(html_or_text)
    return document.toPlainText()


def store_marked_requests(database: Database) -> list[str]:
    contact = dataclasses.replace(
        factories.contact(), first_name=marked("first"), last_name=marked("last"), email=marked("email")
    )
    appointment = dataclasses.replace(
        factories.appointment(), contact=contact, reason=OTHER_REASON, reason_other=marked("reason")
    )
    follow_up = dataclasses.replace(
        factories.urgent_follow_up(), contact=contact, concerns=marked("concerns"), procedure=marked("procedure")
    )
    requests: tuple[AppointmentRequest | FollowUpRequest, ...] = (appointment, follow_up)
    for minutes, request in enumerate(requests):
        submit_request(database, request, marked("kiosk"), now=T0 + dt.timedelta(minutes=minutes))
    return [str(appointment.request_id), str(follow_up.request_id)]


def rich_labels(root: QWidget) -> list[str]:
    """Labels that would read their text as HTML (Qt's AutoText guesses, RichText always does)."""
    return [
        f"{label.objectName() or '?'}: {label.text()[:60]}"
        for label in root.findChildren(QLabel)
        if label.textFormat() != Qt.TextFormat.PlainText and "<" in label.text()
    ]


def shown_texts(root: QWidget) -> str:
    return "\n".join(label.text() for label in root.findChildren(QLabel) if label.isVisibleTo(root))


def test_markup_in_every_free_text_field_is_shown_as_typed_in_every_staff_view(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    ids = store_marked_requests(database)
    admin = Actor(ADMIN, Role.ADMIN, "front-desk-test")
    for request_id in ids:
        add_note(database, request_id, marked("note"), actor=admin)
    workspace = signed_in(qtbot, console)
    QApplication.processEvents()

    # The queue: cells are drawn as plain text by the table; tooltips are read as HTML unless escaped.
    model = workspace.queue.model
    assert model.rowCount() == 2
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            tip = str(model.data(index, Qt.ItemDataRole.ToolTipRole) or "")
            assert "<h1" not in tip or MARKUP in rendered(tip), (row, column, tip)
    names = [str(model.data(model.index(row, 2), Qt.ItemDataRole.ToolTipRole)) for row in range(2)]
    assert all(rendered(tip) == f"{marked('last')}, {marked('first')}" for tip in names)

    # The detail of each request, with its answers and history, and its printed page.
    shown = ""
    for row in range(model.rowCount()):
        workspace.queue.select_row(row)
        QApplication.processEvents()
        assert rich_labels(console) == []
        shown += shown_texts(workspace.detail)
        case = open_case(database, model.row_at(row).id, admin)
        page = request_document(case, "Clinic", procedure_title=lambda page_id: page_id).toPlainText()
        for field in ("first", "last", "email", "note"):
            assert marked(field) in page, field
    for field in FIELDS:
        assert marked(field) in shown, field

    # Every other tab (overview, kiosks, audit trail, staff accounts) and the urgent banner above them all.
    for title in workspace.tab_titles():
        workspace.show_tab(title)
        QApplication.processEvents()
        assert rich_labels(console) == [], title
    audit = workspace.audit
    assert audit is not None
    audit_model = audit.table.model()
    for row in range(audit_model.rowCount()):
        for column in range(audit_model.columnCount()):
            index = audit_model.index(row, column)
            tip = str(audit_model.data(index, Qt.ItemDataRole.ToolTipRole) or "")
            assert "<" not in tip or "&lt;" in tip, tip
    # The banner follows the urgent watch's first look, made off the screen's thread: give it time on a busy PC.
    qtbot.waitUntil(console.urgent.isVisible, timeout=10_000)
    assert rich_labels(console.urgent) == []
