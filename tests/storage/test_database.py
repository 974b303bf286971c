"""The database file as the kiosk PCs share it: safe settings on every connection, whole transactions."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from sqlalchemy import select, text

from kiosk.storage.database import BUSY_TIMEOUT_MS, Database, DatabaseError
from kiosk.storage.models import Workstation
from tests import encrypted_files

from .conftest import workstation


def names_on_disk(path: Path) -> list[str]:
    """What another program (or another PC) reading the file would see."""
    with encrypted_files.connect(path) as other:
        return [row[0] for row in other.execute("SELECT name FROM workstations ORDER BY name")]


def pragmas(dbapi_connection: Any) -> dict[str, object]:
    cursor = dbapi_connection.cursor()
    try:
        return {
            name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    finally:
        cursor.close()


SAFE = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 15000}


def test_every_new_connection_is_set_up_for_safe_shared_use(database_file: Path) -> None:
    database = Database.open(f"sqlite:///{database_file}")
    try:
        first = database.engine.raw_connection()
        second = database.engine.raw_connection()
        try:
            assert first.dbapi_connection is not second.dbapi_connection
            assert pragmas(first) == SAFE
            assert pragmas(second) == SAFE
        finally:
            first.close()
            second.close()
    finally:
        database.close()
    assert BUSY_TIMEOUT_MS == 15_000


def test_a_session_sees_the_same_settings(database: Database) -> None:
    with database.transaction() as session:
        values = {
            name: session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }

    assert values == SAFE


def test_the_file_is_in_wal_mode_for_other_programs_too(database: Database, database_file: Path) -> None:
    with encrypted_files.connect(database_file) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_transaction_holds_the_write_lock_from_its_start(database: Database, database_file: Path) -> None:
    with database.transaction() as session:
        # Only a read so far: a deferred BEGIN would not lock out writers yet; BEGIN IMMEDIATE does.
        assert session.execute(text("SELECT count(*) FROM workstations")).scalar() == 0
        other = encrypted_files.connect(database_file, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlcipher3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()

    other = encrypted_files.connect(database_file, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # free again once the block has ended
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_reader_never_blocks_a_kiosk_writing_and_keeps_its_snapshot(database: Database, database_file: Path) -> None:
    with database.read() as session:
        assert session.execute(text("SELECT count(*) FROM workstations")).scalar() == 0
        other = encrypted_files.connect(database_file, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # a kiosk storing a request while the console reads
            other.execute(
                "INSERT INTO workstations (name, role, app_version, first_seen_at, last_seen_at)"
                " VALUES ('kiosk-2', 'kiosk', '0.1.0', '2025-01-15 09:30:00', '2025-01-15 09:30:00')"
            )
            other.execute("COMMIT")
        finally:
            other.close()
        # The reader goes on seeing the database as it was when its snapshot began.
        assert session.execute(text("SELECT count(*) FROM workstations")).scalar() == 0

    with database.read() as session:
        assert session.execute(text("SELECT count(*) FROM workstations")).scalar() == 1


def test_a_second_writer_waits_for_the_first_instead_of_failing(database: Database, database_file: Path) -> None:
    holding = threading.Event()
    release = threading.Event()
    failures: list[BaseException] = []

    def first_pc() -> None:
        try:
            with database.transaction() as session:
                session.add(workstation("front-desk"))
                session.flush()
                holding.set()
                release.wait(timeout=10)
        except BaseException as exc:
            failures.append(exc)
            holding.set()

    thread = threading.Thread(target=first_pc)
    thread.start()
    assert holding.wait(timeout=10)
    second = encrypted_files.open_again(database_file)
    try:
        timer = threading.Timer(0.3, release.set)
        timer.start()
        started = time.monotonic()
        with second.transaction() as session:  # waits (busy_timeout) until the first commits
            session.add(workstation("waiting-room"))
        waited = time.monotonic() - started
        timer.join()
    finally:
        release.set()
        thread.join(timeout=10)
        second.close()

    assert failures == []
    assert 0.2 < waited < BUSY_TIMEOUT_MS / 1000
    assert names_on_disk(database_file) == ["front-desk", "waiting-room"]


def test_a_transaction_commits_when_the_block_ends(database: Database, database_file: Path) -> None:
    with database.transaction() as session:
        session.add(workstation("front-desk"))

    assert names_on_disk(database_file) == ["front-desk"]


def test_a_transaction_rolls_back_everything_when_the_block_raises(database: Database, database_file: Path) -> None:
    with database.transaction() as session:
        session.add(workstation("front-desk"))

    with pytest.raises(RuntimeError, match="power cut"), database.transaction() as session:
        session.add(workstation("waiting-room"))
        session.flush()
        row = session.scalar(select(Workstation).where(Workstation.name == "front-desk"))
        assert row is not None
        row.role = "console"
        session.flush()
        raise RuntimeError("power cut")

    assert names_on_disk(database_file) == ["front-desk"]
    with database.transaction() as session:
        assert session.scalar(select(Workstation.role)) == "kiosk"


def test_objects_stay_readable_after_the_transaction_ends(database: Database) -> None:
    with database.transaction() as session:
        row = workstation("front-desk")
        session.add(row)

    assert row.name == "front-desk"
    assert row.id is not None


def test_a_sqlite_file_in_a_folder_that_does_not_exist_yet_gets_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "nested" / "kiosk.sqlite3"

    database = Database.open(f"sqlite:///{path}")
    try:
        with database.transaction() as session:
            assert session.execute(text("SELECT 1")).scalar() == 1
    finally:
        database.close()

    assert path.is_file()


def test_a_folder_that_cannot_be_made_is_one_sentence_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    folder = blocker / "kiosk"

    with pytest.raises(DatabaseError) as caught:
        Database.open(f"sqlite:///{folder / 'kiosk.sqlite3'}")

    message = str(caught.value)
    assert message.startswith(f"The database folder {folder} cannot be created (")
    assert message.endswith("): check database.url and the kiosk account's permissions.")


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def _two_at_once(database: Database, name: str) -> None:
    """Two of the kiosk's threads meeting at the database: a write while a read still holds its connection."""
    with database.read() as reading:
        reading.execute(select(Workstation.name)).all()
        with database.transaction() as writing:
            writing.add(workstation(name))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files through Linux's /proc")
def test_a_second_connection_needed_for_a_moment_is_not_kept_open(database: Database) -> None:
    """A kiosk runs for months: the moments two of its threads need the database at once (a send while the
    heartbeat writes) must not each leave it holding another connection, with its files and its page cache."""
    with database.transaction() as session:
        session.add(workstation("waiting-room"))
    _two_at_once(database, "front-desk")
    # SQLite keeps the file handle of a connection closed while another is open, and reuses it at the next
    # opening (POSIX locks belong to the process, not the handle): one handle, never more.
    settled = _open_files()
    for number in range(5):
        _two_at_once(database, f"pc-{number}")
    assert _open_files() == settled
    assert database.engine.pool.checkedin() == 1  # type: ignore[attr-defined]  # QueuePool's own count
