"""The kiosk's heartbeat: last_seen_at moves every beat, off the GUI thread, and a dead database costs one log line."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import select

from kiosk.qt import QObject

from kiosk.services.heartbeat import Heartbeat, beat
from kiosk.services.workstations import record_start
from kiosk.storage.database import Database
from kiosk.storage.models import Workstation
from kiosk.ui.heartbeat import beat_every_minute

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def seen(database: Database) -> dict[str, tuple[str, dt.datetime]]:
    with database.read() as session:
        return {row.name: (row.role, row.last_seen_at) for row in session.scalars(select(Workstation))}


def test_a_beat_moves_only_this_pcs_last_seen(any_database: Database) -> None:
    record_start(any_database, role="kiosk", name="waiting-room-1")
    record_start(any_database, role="console", name="front-desk")
    before = seen(any_database)

    beat(any_database, "waiting-room-1", now=T0 + dt.timedelta(days=400))

    after = seen(any_database)
    assert after["waiting-room-1"] == ("kiosk", T0 + dt.timedelta(days=400))
    assert after["front-desk"] == before["front-desk"]


def test_a_pc_missing_from_the_table_is_recorded_afresh(any_database: Database) -> None:
    beat(any_database, "new-kiosk")

    assert seen(any_database)["new-kiosk"][0] == "kiosk"


def test_the_timer_beats_on_a_worker_thread(qapp: object, any_database: Database) -> None:
    record_start(any_database, role="kiosk", name="waiting-room-1")
    owner = QObject()
    heartbeat = Heartbeat(any_database, "waiting-room-1")
    timer = beat_every_minute(owner, heartbeat)
    before = seen(any_database)["waiting-room-1"][1]

    worker = heartbeat.start_beat()
    assert worker is not None
    worker.join(10)

    assert timer.isActive() and timer.interval() == 60_000
    assert seen(any_database)["waiting-room-1"][1] > before
    timer.stop()


def test_an_unreachable_database_is_logged_once_and_the_kiosk_goes_on(
    qapp: object, caplog: pytest.LogCaptureFixture
) -> None:
    # Nothing listens on port 9 of this machine: connecting is refused at once.
    gone = Database.open("postgresql+psycopg://kiosk:secret-password@127.0.0.1:9/kiosk?connect_timeout=2")
    heartbeat = Heartbeat(gone, "waiting-room-1")
    try:
        with caplog.at_level(logging.INFO, logger="kiosk.services.heartbeat"):
            for _ in range(3):
                worker = heartbeat.start_beat()
                assert worker is not None
                worker.join(10)
    finally:
        gone.close()

    lines = [record.getMessage() for record in caplog.records if record.name == "kiosk.services.heartbeat"]
    assert lines == ["heartbeat not recorded (OperationalError); the kiosk goes on and tries again"]
    assert "secret-password" not in caplog.text
