"""A kiosk IT expects ([database] expected_kiosks) that never reached the server (a wrong password from its first
start, a firewall) is a row of its own on the Kiosks tab, with what to do; once it reports, it is a PC like any other.
"""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from kiosk.qt import Qt

from kiosk.services.heartbeat import beat
from kiosk.services.workstations import record_start
from kiosk.storage.database import Database
from kiosk.ui.console.kiosks_view import COLUMNS, KiosksView

NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def _view(qtbot: QtBot, database: Database, expected: list[str]) -> KiosksView:
    view = KiosksView(database, clock=lambda: NOW, expected=expected)
    qtbot.add_widget(view)
    view.show()
    qtbot.waitUntil(lambda: view.loaded > 0)
    return view


def _rows(view: KiosksView) -> list[list[str]]:
    model = view.model
    return [[model.text(row, column) for column in range(len(COLUMNS))] for row in range(model.rowCount())]


def test_an_expected_kiosk_never_heard_from_is_listed_with_what_to_do(qtbot: QtBot, database: Database) -> None:
    record_start(database, role="kiosk", name="waiting-room-1")
    beat(database, "waiting-room-1", now=NOW - dt.timedelta(seconds=20))

    view = _view(qtbot, database, ["waiting-room-1", "waiting-room-2"])

    rows = _rows(view)
    assert rows[0] == [
        "waiting-room-2",
        "Patient kiosk",
        "",
        "⚠ Never seen",
        "⚠ Unknown",
        "⚠ Refused password or blocked connection? Run kiosk doctor on that PC",
    ]
    hint = view.model.data(view.model.index(0, COLUMNS.index("Server sign-in")), Qt.ItemDataRole.ToolTipRole)
    assert hint == (
        "It never reached the server: on that PC run kiosk doctor; a refused password or a blocked connection shows"
        " there. (Listed in [database] expected_kiosks in the settings.)"
    )
    assert [row[0] for row in rows] == ["waiting-room-2", "waiting-room-1"]  # the one seen is shown as ever
    assert rows[1][3] == "Just now"
    assert view.summary.text() == "2 patient kiosks, 1 seen in the last 3 minutes."
    assert view.warning.isVisibleTo(view)
    assert view.warning.text() == (
        "⚠ 1 expected kiosk never seen by the server (waiting-room-2): on each, run kiosk doctor;"
        " a refused password or a blocked connection shows there."
    )


def test_once_it_reports_it_is_a_kiosk_like_any_other(qtbot: QtBot, database: Database) -> None:
    record_start(database, role="kiosk", name="waiting-room-2")
    beat(database, "waiting-room-2", now=NOW - dt.timedelta(seconds=20))

    view = _view(qtbot, database, ["waiting-room-2"])

    assert [row[0] for row in _rows(view)] == ["waiting-room-2"]
    assert "Never seen" not in " ".join(_rows(view)[0])
    assert not view.warning.isVisibleTo(view)
