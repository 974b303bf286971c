"""The queue as an inbox: clear empty states, a backwards date range said, waits that mean what Overview means."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QDate

from kiosk.storage.database import Database
from kiosk.ui.console.window import ConsoleWindow
from tests.services import factories
from tests.ui.console.conftest import signed_in, submit


def test_an_empty_queue_says_it_is_clear(qtbot: QtBot, console: ConsoleWindow) -> None:
    workspace = signed_in(qtbot, console)

    assert workspace.queue.empty.isVisible()
    assert workspace.queue.empty.text() == (
        "No open requests: the queue is clear. New ones appear here as patients send them."
    )


def test_a_search_that_finds_nothing_says_so(qtbot: QtBot, console: ConsoleWindow, database: Database) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    assert not workspace.queue.empty.isVisible()

    workspace.queue.search.setText("Zebedee")
    workspace.queue.apply_filter()

    assert workspace.queue.empty.text() == "No open requests match “Zebedee”. Check the spelling or the number."


def test_a_to_date_before_the_from_date_is_explained(qtbot: QtBot, console: ConsoleWindow, database: Database) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    filters = workspace.queue.filters

    filters.received_from.setDate(QDate(2025, 3, 10))
    filters.received_to.setDate(QDate(2025, 3, 3))

    assert workspace.queue.empty.isVisible()
    assert workspace.queue.empty.text() == (
        "The “to” date (3 Mar 2025) is before the “from” date (10 Mar 2025):"
        " choose a “to” date on or after it, or press Clear dates."
    )
    filters.clear_dates.click()
    assert not workspace.queue.empty.isVisible()
    assert workspace.queue.model.rowCount() == 1
