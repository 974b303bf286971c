"""The Kiosks tab with a PostgreSQL server, where kiosks keep an outbox: a cut-off kiosk's backlog is "unknown since",
never "Nothing waiting", and a kiosk that reconnects is seen (and its backlog known) as soon as it reports."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from kiosk.services.heartbeat import beat
from kiosk.services.outbox import report_backlog
from kiosk.services.workstations import record_start
from kiosk.storage.database import Database
from kiosk.ui.console.kiosks_view import COLUMNS, KiosksView

KIOSK = "waiting-room-2"


def _view(qtbot: QtBot, database: Database) -> KiosksView:
    view = KiosksView(database)
    qtbot.add_widget(view)
    view.show()
    qtbot.wait_exposed(view)
    qtbot.waitUntil(lambda: view.loaded > 0)
    return view


def _row(view: KiosksView, name: str) -> dict[str, str]:
    for row in range(view.model.rowCount()):
        if view.model.text(row, 0) == name:
            return {column: view.model.text(row, index) for index, column in enumerate(COLUMNS)}
    raise AssertionError(f"{name} is not listed")


def test_a_cut_off_kiosks_backlog_is_unknown_since_it_was_last_heard(qtbot: QtBot, pg_database: Database) -> None:
    record_start(pg_database, role="kiosk", name=KIOSK)
    report_backlog(pg_database, KIOSK, 0)
    heard = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    beat(pg_database, KIOSK, now=heard)  # then cut off: nothing since

    view = _view(qtbot, pg_database)

    assert _row(view, KIOSK)["Waiting to send"] == f"⚠ Unknown since {heard.astimezone():%H:%M} (nothing then)"
    assert "Not known what waits on waiting-room-2" in view.warning.text()


def test_a_kiosk_that_reconnects_is_seen_with_its_backlog_at_once(qtbot: QtBot, pg_database: Database) -> None:
    record_start(pg_database, role="kiosk", name=KIOSK)
    beat(pg_database, KIOSK, now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10))
    view = _view(qtbot, pg_database)
    assert _row(view, KIOSK)["Last seen"].startswith("⚠ Not seen")

    report_backlog(pg_database, KIOSK, 12)  # its first forwarding pass after the cable is back
    loaded = view.loaded
    view.refresh()
    qtbot.waitUntil(lambda: view.loaded > loaded)

    assert _row(view, KIOSK)["Last seen"] == "Just now"
    assert _row(view, KIOSK)["Waiting to send"] == "12 requests waiting"
