"""Pictures of the desk's screens at the console's sizes, saved for people to look at, with what can be checked
about them: the date filter's calendar opens whole inside the screen, and the "Next to do" tab shows its rows.

The PNGs go to /tmp/console_shots (as test_print_request's page does).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QDateEdit, QPainter, QPixmap, QRect, Qt, QTableView, QWidget

from kiosk.services.demo_data import generate_requests
from kiosk.storage.database import Database
from kiosk.ui.console.window import ConsoleWindow
from tests.ui.console.conftest import MakeConsole, signed_in

SHOTS = Path("/tmp/console_shots")
SIZES = [(1366, 768), (1920, 1080)]


def _picture(window: QWidget, popup: QWidget | None, name: str) -> None:
    """The window as shown, with the popup (a window of its own) painted where it sits on the screen."""
    picture = window.grab()
    if popup is not None:
        painter = QPainter(picture)
        painter.drawPixmap(window.mapFromGlobal(popup.mapToGlobal(popup.rect().topLeft())), popup.grab())
        painter.end()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert QPixmap(picture).save(str(SHOTS / name))


# A popup asks the window system to raise it and grab the keyboard; the off-screen platform cannot, and says so.
@pytest.mark.qt_log_ignore("This plugin does not support")
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_date_filters_calendar_opens_whole_on_the_screen(
    qtbot: QtBot, make_console: MakeConsole, database: Database, size: tuple[int, int]
) -> None:
    generate_requests(database, 40, seed=2)
    console = make_console(size)
    workspace = signed_in(qtbot, console)
    for edit in (workspace.queue.filters.received_from, workspace.queue.filters.received_to):
        edit.setFocus()
        qtbot.keyClick(edit, Qt.Key.Key_F4)  # the keyboard's way to open it
        calendar = edit.calendarWidget()
        popup = calendar.window()
        qtbot.waitUntil(popup.isVisible)
        # Inside the console's window (the off-screen test screen is smaller than the window, so not that).
        window = QRect(console.mapToGlobal(console.rect().topLeft()), console.size())
        shown = QRect(popup.mapToGlobal(popup.rect().topLeft()), popup.size())
        assert window.contains(shown), (shown, window)
        # Every day, the month and the arrows: the popup is no smaller than what the calendar asks for.
        assert popup.width() >= calendar.minimumSizeHint().width(), popup.size()
        assert popup.height() >= calendar.minimumSizeHint().height(), popup.size()
        # The day names and six weeks each get a whole line of the styled font: the sixth week was cut in half.
        days = calendar.findChild(QTableView)
        assert days is not None
        assert days.height() >= 7 * (days.fontMetrics().height() + 4), (days.height(), days.fontMetrics().height())
        _picture(console, popup, f"date-popup-{edit.objectName()}-{size[0]}x{size[1]}.png")
        qtbot.keyClick(calendar, Qt.Key.Key_Escape)
        qtbot.waitUntil(popup.isHidden)
        assert isinstance(edit, QDateEdit)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_next_to_do_tab_at_the_consoles_sizes(
    qtbot: QtBot, make_console: MakeConsole, database: Database, size: tuple[int, int]
) -> None:
    generate_requests(database, 400, seed=3, days=4)
    console: ConsoleWindow = make_console(size)
    workspace = signed_in(qtbot, console)
    workspace.show_next_up()
    view = workspace.next_up
    assert view.model.rowCount() > 0
    # The reason, the last column, is shown whole on a 1366-wide screen for the first rows.
    reason = view.list.columnViewportPosition(3)
    assert (
        reason + view.list.fontMetrics().horizontalAdvance(view.model.index(0, 3).data()) < view.list.viewport().width()
    )
    QApplication.processEvents()
    _picture(console, None, f"next-to-do-{size[0]}x{size[1]}.png")
