"""The Kiosks tab: every PC with role, version and last seen; a quiet kiosk and an outbox backlog are said in words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.services.heartbeat import beat
from kiosk.services.outbox import report_backlog
from kiosk.services.workstations import record_start
from kiosk.storage.database import Database
from kiosk.ui.console.kiosks_view import COLUMNS, KiosksView
from kiosk.ui.console.theme import console_stylesheet

NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
SHOTS = Path("/tmp/console_shots")


def _pcs(database: Database) -> None:
    for name, role, seconds_ago in (
        ("waiting-room-1", "kiosk", 20),
        ("waiting-room-2", "kiosk", 150),
        ("hallway-kiosk", "kiosk", 600),
        ("front-desk-1", "console", 7200),
    ):
        record_start(database, role=role, name=name)
        beat(database, name, role=role, now=NOW - dt.timedelta(seconds=seconds_ago))


def _view(qtbot: QtBot, database: Database) -> KiosksView:
    view = KiosksView(database, clock=lambda: NOW)
    view.setStyleSheet(console_stylesheet(768))
    qtbot.add_widget(view)
    view.resize(1366, 700)
    view.show()
    qtbot.wait_exposed(view)
    qtbot.waitUntil(lambda: view.loaded > 0)  # read off the GUI thread
    return view


def _rows(view: KiosksView) -> list[dict[str, str]]:
    return [
        {column: view.model.text(row, index) for index, column in enumerate(COLUMNS)}
        for row in range(view.model.rowCount())
    ]


def test_every_pc_is_listed_kiosks_first_with_when_it_was_last_seen(qtbot: QtBot, database: Database) -> None:
    _pcs(database)

    view = _view(qtbot, database)

    assert [(row["PC"], row["Role"], row["Last seen"]) for row in _rows(view)] == [
        ("hallway-kiosk", "Patient kiosk", "⚠ Not seen for 10 minutes"),
        ("waiting-room-1", "Patient kiosk", "Just now"),
        ("waiting-room-2", "Patient kiosk", "2 min ago"),
        ("front-desk-1", "Front desk", "2 h ago"),  # consoles record their start only: never "not seen"
    ]
    assert {row["Version"] for row in _rows(view)} == {"0.1.0"}
    assert view.summary.text() == "3 patient kiosks, 2 seen in the last 3 minutes."
    assert view.warning.isVisible()
    assert view.warning.text() == "⚠ Not seen for more than 3 minutes: hallway-kiosk."


def test_a_kiosks_outbox_backlog_is_shown(qtbot: QtBot, database: Database) -> None:
    _pcs(database)
    report_backlog(database, "waiting-room-2", 12)

    view = _view(qtbot, database)

    backlog = {row["PC"]: row["Waiting to send"] for row in _rows(view)}
    assert backlog["waiting-room-2"] == "12 requests waiting"
    assert backlog["waiting-room-1"] == "Nothing waiting"
    assert "12 requests waiting on kiosks to reach the database" in view.warning.text()


def test_all_well_shows_no_warning(qtbot: QtBot, database: Database) -> None:
    record_start(database, role="kiosk", name="waiting-room-1")
    beat(database, "waiting-room-1", now=NOW - dt.timedelta(seconds=59))

    view = _view(qtbot, database)

    assert view.summary.text() == "1 patient kiosk, 1 seen in the last 3 minutes."
    assert not view.warning.isVisible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(SHOTS / "kiosks-all-well.png"))


def test_a_database_that_cannot_be_read_is_a_sentence(qtbot: QtBot, database: Database) -> None:
    view = _view(qtbot, database)
    database.close()
    view.database = Database.open("postgresql+psycopg://kiosk:pw@127.0.0.1:9/kiosk?connect_timeout=2")
    try:
        loaded = view.loaded
        view.refresh()
        qtbot.waitUntil(lambda: view.loaded > loaded, timeout=10_000)
    finally:
        view.database.close()

    assert view.message.isVisible()
    assert "The list of PCs could not be read from the database since" in view.message.text()
