"""The queue as an inbox: clear empty states, a backwards date range said, waits that mean what Overview means."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QDate, QPoint, Qt

from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.ui.console.queue_model import NAME, RECEIVED
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.console.workspace import Workspace
from tests.services import factories
from tests.ui.console.conftest import named, signed_in, submit


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


def _names(workspace: Workspace) -> list[str]:
    model = workspace.queue.model
    return [model.row_at(row).first_name for row in range(model.rowCount())]


def _click_header(qtbot: QtBot, workspace: Workspace, column: int) -> None:
    header = workspace.queue.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_clicking_received_lists_the_newest_first_and_urgent_stay_on_top(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, named(factories.appointment(), "Ana", "Lima"), minutes_after=0)
    submit(database, named(factories.urgent_follow_up(), "Uma", "Ruiz"), minutes_after=1)
    submit(database, named(factories.appointment(), "Bo", "Chen"), minutes_after=2)
    submit(database, named(factories.appointment(), "Cy", "Diaz"), minutes_after=3)
    workspace = signed_in(qtbot, console)
    assert _names(workspace) == ["Uma", "Ana", "Bo", "Cy"]

    _click_header(qtbot, workspace, RECEIVED)
    assert _names(workspace) == ["Uma", "Cy", "Bo", "Ana"]
    _click_header(qtbot, workspace, NAME)  # not an order the queue offers: nothing moves
    assert _names(workspace) == ["Uma", "Cy", "Bo", "Ana"]
    _click_header(qtbot, workspace, RECEIVED)
    assert _names(workspace) == ["Uma", "Ana", "Bo", "Cy"]


def test_the_new_badge_shows_the_new_arrivals_at_the_top(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, named(factories.appointment(), "Ana", "Lima"), minutes_after=0)
    workspace = signed_in(qtbot, console)
    workspace.queue.show_newest()  # as a click on the badge does
    arrived = submit_request(database, named(factories.appointment(), "Zoe", "Park"), "kiosk-2")

    with qtbot.wait_signal(workspace.queue.watch.changed, timeout=10_000):
        workspace.queue.poll()

    assert _names(workspace)[0] == "Zoe"
    assert workspace.queue.model.row_at(0).reference == arrived.reference


def test_new_counts_a_late_forwarded_request_and_only_what_the_view_lists(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, named(factories.follow_up(), "Ana", "Lima"), minutes_after=0)
    workspace = signed_in(qtbot, console)
    queue = workspace.queue
    queue.filters.kind.setCurrentText("Follow-ups")

    # Sent by the patient long ago (T0), stored only now from a kiosk's outbox: it is new to the desk.
    submit(database, named(factories.follow_up(), "Old", "Outbox"), minutes_after=-600)
    # An appointment arrives too, but the view lists follow-ups only: not counted here.
    submit(database, named(factories.appointment(), "Not", "Listed"), minutes_after=5)
    with qtbot.wait_signal(queue.watch.changed, timeout=10_000):
        queue.poll()

    assert queue.badge.isVisible() and queue.badge.text() == "1 new"
    marked = [queue.model.index(row, NAME).data() for row in range(queue.model.rowCount())]
    assert "\u2605 Outbox, Old" in marked and "Lima, Ana" in marked


def test_a_search_says_when_other_statuses_hold_matches_and_searches_them_in_one_click(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, named(factories.appointment(), "Ana", "Lima"))
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    workspace.detail.status_buttons["closed"].click()
    queue = workspace.queue

    queue.search.setText("Lima")
    queue.apply_filter()

    assert queue.empty.text() == "No open requests match “Lima”. Check the spelling or the number."
    assert queue.search_all.isVisible()
    assert queue.search_all.text() == "1 more match in other statuses (closed ones too): search all statuses"
    queue.search_all.click()
    assert queue.model.rowCount() == 1 and queue.model.row_at(0).last_name == "Lima"
    assert not queue.search_all.isVisible() and not queue.empty.isVisible()
