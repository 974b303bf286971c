"""Change watching: a commit from another connection is noticed; a quiet database is not a change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kiosk.services.changes import ChangeWatcher, arrivals_since
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from tests import encrypted_files
from tests.services import factories

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def test_a_request_stored_by_another_pc_is_noticed_once(database: Database, database_file: Path) -> None:
    watcher = ChangeWatcher(database)
    try:
        assert not watcher.changed()

        # Another kiosk: its own database object, its own connections.
        kiosk = encrypted_files.open_again(database_file)
        try:
            submit_request(kiosk, factories.appointment(), "kiosk-2", now=T0)
        finally:
            kiosk.close()

        assert watcher.changed()
        assert not watcher.changed()
    finally:
        watcher.close()


def test_a_commit_through_this_console_s_own_database_is_noticed(database: Database) -> None:
    watcher = ChangeWatcher(database)
    try:
        submit_request(database, factories.follow_up(), "front-desk", now=T0)

        assert watcher.changed()
    finally:
        watcher.close()


def test_idle_time_and_reads_are_not_changes(database: Database, database_file: Path) -> None:
    submit_request(database, factories.appointment(), "kiosk-1", now=T0)
    watcher = ChangeWatcher(database)
    try:
        for _ in range(3):
            assert arrivals_since(database, T0 - dt.timedelta(hours=1)) == 1
            with encrypted_files.connect(database_file) as reader:
                reader.execute("SELECT count(*) FROM patient_requests").fetchone()
            assert not watcher.changed()
    finally:
        watcher.close()


def test_arrivals_since_counts_only_later_requests(database: Database) -> None:
    for minutes in (0, 10, 20):
        submit_request(database, factories.appointment(), "kiosk-1", now=T0 + dt.timedelta(minutes=minutes))

    assert arrivals_since(database, T0 - dt.timedelta(seconds=1)) == 3
    assert arrivals_since(database, T0) == 2
    assert arrivals_since(database, T0 + dt.timedelta(minutes=20)) == 0


def test_a_connection_the_caller_owns_is_watched_and_left_open(database: Database, database_file: Path) -> None:
    with database.engine.connect() as connection:
        watcher = ChangeWatcher(database, connection=connection.connection)
        assert not watcher.changed()

        kiosk = encrypted_files.open_again(database_file)
        try:
            submit_request(kiosk, factories.appointment(), "kiosk-2", now=T0)
        finally:
            kiosk.close()

        assert watcher.changed()
        watcher.close()
        assert connection.exec_driver_sql("PRAGMA data_version").scalar() is not None  # still the caller's to use
