"""A change to a request (a status, a note) is made off the screen thread: with the database unreachable the pane
says in one sentence that nothing was saved, keeps what was typed, and the request stays as it was."""

from __future__ import annotations

import dataclasses

from pytestqt.qtbot import QtBot

from kiosk.domain.workflow import RequestStatus
from kiosk.storage.database import Database
from kiosk.ui.console.detail_view import UNSAVED
from kiosk.ui.console.window import ConsoleWindow
from tests.services import factories
from tests.ui.console.conftest import signed_in, submit


def test_a_status_change_the_database_cannot_take_is_said_and_the_note_kept(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    queue, detail = workspace.queue, workspace.detail
    qtbot.waitUntil(lambda: queue.model.rowCount() == 1, timeout=5000)
    queue.select_row(0)
    qtbot.waitUntil(lambda: detail.body.isVisible(), timeout=5000)
    detail.note_edit.setPlainText("Left a voicemail")

    context = detail.context
    broken = Database.open("postgresql+psycopg://kiosk:pw@127.0.0.1:9/kiosk?connect_timeout=2&sslmode=disable")
    try:
        detail.context = dataclasses.replace(context, database=broken)
        detail.status_buttons["contacted"].click()
        qtbot.waitUntil(lambda: detail.banner.text() == UNSAVED, timeout=10_000)
    finally:
        detail.context = context
        broken.close()

    assert detail.banner.isVisible() and detail.body.isEnabled()
    assert detail.note_edit.toPlainText() == "Left a voicemail"
    assert detail.detail is not None and detail.detail.status is RequestStatus.NEW

    detail.status_buttons["contacted"].click()  # the database answers again: the same press goes through
    qtbot.waitUntil(lambda: detail.detail is not None and detail.detail.status is RequestStatus.CONTACTED, timeout=5000)
    assert detail.note_edit.toPlainText() == ""
    assert detail.banner.text().startswith("Marked as contacted, with your note.")
