"""A locked console still says how many wait, and nothing about who (issue 24, part 6)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QLabel, Qt

from kiosk.storage.database import Database
from kiosk.ui.console.window import ConsoleWindow
from tests.services import factories
from tests.ui.console.conftest import signed_in, submit


def test_the_lock_page_shows_how_many_wait_and_how_many_are_urgent_without_names(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, factories.appointment())
    submit(database, factories.urgent_follow_up(), minutes_after=1)
    submit(database, factories.appointment(), minutes_after=2)
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(1)  # the oldest appointment (the urgent one is listed first)
    workspace.detail.status_buttons["contacted"].click()  # acted on: no longer waits

    qtbot.mouseClick(workspace.header.lock_button, Qt.MouseButton.LeftButton)

    assert console.locked

    def shown() -> list[str]:
        return [widget.text() for widget in console.lock_view.findChildren(QLabel) if widget.isVisible()]

    # The count may be read off the GUI thread: wait for it to be shown, not for a time.
    qtbot.waitUntil(lambda: "2 requests wait for a first contact, 1 of them urgent." in shown())
    assert not any(factories.LAST_NAME in text or factories.FIRST_NAME in text for text in shown())
