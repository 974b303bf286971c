"""The "Next to do" tab: Ctrl+N shows what needs doing next, Up/Down move, Enter opens the request (issue 24)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import Qt

from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.casework import change_status, open_case
from kiosk.storage.database import Database
from kiosk.ui.console.next_action_view import EMPTY
from kiosk.ui.console.window import ConsoleWindow
from tests.services import factories
from tests.ui.console.conftest import named, signed_in, submit
from tests.ui.console.test_keyboard_morning import CTRL, focused, open_name, press, views


def _shown(workspace_view: object) -> list[tuple[str, str]]:
    model = workspace_view.model  # type: ignore[attr-defined]
    return [(model.index(row, 0).data(), model.index(row, 1).data()) for row in range(model.rowCount())]


def test_ctrl_n_lists_the_urgent_request_first_and_enter_opens_it(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    submit(database, named(factories.appointment(), "Ana", "Lima"), minutes_after=0)
    submit(database, named(factories.appointment(), "Bo", "Chen"), minutes_after=5)
    submit(database, named(factories.urgent_follow_up(), "Cleo", "Diaz"), minutes_after=10)
    workspace = signed_in(qtbot, console)
    console.activateWindow()
    opened_before = views(database)

    press(qtbot, Qt.Key.Key_N, CTRL)

    assert workspace.tabs.currentWidget() is workspace.next_up
    assert focused() is workspace.next_up.list
    assert _shown(workspace.next_up) == [
        ("See or call now", "Diaz, Cleo"),
        ("Call back", "Lima, Ana"),
        ("Call back", "Chen, Bo"),
    ]
    reason = workspace.next_up.model.index(0, 3).data()
    assert reason.startswith("Urgent, waiting ") and reason.endswith("not yet seen at the desk.")

    press(qtbot, Qt.Key.Key_Down)  # moving opens nothing, so nothing is logged as opened
    assert views(database) == opened_before
    press(qtbot, Qt.Key.Key_Return)

    assert workspace.tabs.currentWidget() is workspace.splitter
    assert open_name(workspace) == "Ana Lima"
    assert views(database) == opened_before + 1

    press(qtbot, Qt.Key.Key_N, CTRL)  # back to the list, the same row still highlighted
    assert workspace.next_up.chosen_id() == workspace.detail.detail.id  # type: ignore[union-attr]
    press(qtbot, Qt.Key.Key_Tab)  # one Tab leaves the list
    assert focused() is not workspace.next_up.list


def test_an_empty_list_says_so(qtbot: QtBot, console: ConsoleWindow) -> None:
    workspace = signed_in(qtbot, console)
    workspace.show_next_up()
    assert workspace.next_up.message.text() == EMPTY
    assert workspace.next_up.model.rowCount() == 0


def test_the_list_in_sight_follows_a_call_taken_at_another_desk(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    ana = named(factories.appointment(), "Ana", "Lima")
    submit(database, ana, minutes_after=0)
    submit(database, named(factories.appointment(), "Bo", "Chen"), minutes_after=5)
    workspace = signed_in(qtbot, console)
    workspace.show_next_up()
    assert [name for _, name in _shown(workspace.next_up)] == ["Lima, Ana", "Chen, Bo"]

    other_desk = Actor("sam", Role.RECEPTION, "front-desk-2")
    case = open_case(database, str(ana.request_id), other_desk)
    change_status(database, str(ana.request_id), RequestStatus.CLOSED, expected_version=case.version, actor=other_desk)

    qtbot.waitUntil(lambda: [name for _, name in _shown(workspace.next_up)] == ["Chen, Bo"], timeout=10_000)
