"""A dense search is counted up to a cap (kiosk.services.queue.COUNT_CAP) and said in words past it, while the
table still lists every match. The cap is lowered here so a few requests pass it."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import Qt

from kiosk.storage.database import Database
from kiosk.ui.console import queue_model, queue_view
from kiosk.ui.console.window import ConsoleWindow
from tests.services import factories
from tests.ui.console.conftest import named, signed_in, submit


def test_more_matches_than_the_cap_are_said_in_words_and_all_listed(
    qtbot: QtBot, console: ConsoleWindow, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    for cap_module in (queue_model, queue_view):
        monkeypatch.setattr(cap_module, "COUNT_CAP", 3)
    for minutes, (first, last) in enumerate((("Ana", "Ames"), ("Abe", "Ali"), ("Ada", "Aho"), ("Al", "Amo"))):
        submit(database, named(factories.appointment(), first, last), minutes_after=minutes)
    submit(database, named(factories.appointment(), "Binh", "Bui"), minutes_after=9)
    queue = signed_in(qtbot, console).queue
    assert queue.count.text() == "more than\n3 requests"  # two lines, so it fits beside the filters at 1366x768
    assert queue.count.accessibleName() == "more than 3 requests"

    queue.search.setFocus()
    qtbot.keyClicks(queue.search, "bui")
    qtbot.keyClick(queue.search, Qt.Key.Key_Return)
    assert queue.count.text() == queue.count.accessibleName() == "1 request"

    queue.search.clear()
    qtbot.keyClicks(queue.search, "a")
    qtbot.keyClick(queue.search, Qt.Key.Key_Return)
    assert queue.count.accessibleName() == "more than 3 requests"
    assert queue.model.rowCount() == 4  # every match is listed, not only the counted ones
