"""Backups as clinic IT relies on them: consistent while kiosks write, encrypted, kept by count, restorable."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.services.requests import submit_request
from kiosk.storage.backup import backup_to, key_of, last_backup_age, restore_from, run_scheduled_backup
from kiosk.storage.database import Database, DatabaseError
from kiosk.storage.keys import open_configured_database
from tests import encrypted_files
from tests.services import factories

from .test_health import corrupt_middle, fill

ROOT = Path(__file__).resolve().parents[2]


def settings_for(database_file: Path, **database: object) -> Settings:
    return Settings(database=DatabaseSettings(url=f"sqlite:///{database_file}", **database))  # type: ignore[arg-type]


def references_in(path: Path, key: bytes | None) -> set[str]:
    connection = encrypted_files.connect(path, key=key)
    try:
        return {row[0] for row in connection.execute("SELECT reference FROM patient_requests")}
    finally:
        connection.close()


def integrity(path: Path, key: bytes | None) -> list[str]:
    connection = encrypted_files.connect(path, key=key)
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()


class Writer:
    """Another process submitting requests for ever; `stored` holds each reference once its commit returned."""

    def __init__(self, database_file: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.services.crash_child", str(database_file)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.stored: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self.stored.append(line.split()[0])

    def snapshot(self) -> set[str]:
        with self._lock:
            return set(self.stored)

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.snapshot()) < count:
            assert self.process.poll() is None, "the writer stopped"
            assert time.monotonic() < deadline, "the writer is too slow"
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def writer(database: Database, database_file: Path) -> Iterator[Writer]:
    running = Writer(database_file)
    yield running
    running.stop()


def test_a_backup_taken_while_another_process_writes_is_sound_and_complete(
    database: Database, database_file: Path, writer: Writer, tmp_path: Path
) -> None:
    key = key_of(database)
    assert key is not None
    writer.wait_for(200)
    for attempt in range(3):
        committed_before = writer.snapshot()  # each printed only after its commit returned
        started = time.perf_counter()
        saved = backup_to(database, tmp_path / "backups" / f"copy-{attempt}.sqlite3", key)
        took = time.perf_counter() - started
        assert integrity(saved, key) == ["ok"]
        in_copy = references_in(saved, key)
        assert committed_before <= in_copy, f"{len(committed_before - in_copy)} committed requests missing"
        print(f"backup {attempt}: {len(in_copy)} requests, {saved.stat().st_size / 1e6:.1f} MB in {took * 1000:.0f} ms")
    assert len(writer.snapshot()) > len(committed_before), "the writer was not writing during the backups"
    assert not list((tmp_path / "backups").glob(".*")), "a temporary file was left behind"


def test_a_backup_is_encrypted_with_the_same_key(database: Database, tmp_path: Path) -> None:
    fill(database, 30)
    key = key_of(database)

    saved = backup_to(database, tmp_path / "copy.sqlite3", key)

    raw = saved.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    for value in (factories.LAST_NAME, factories.FIRST_NAME, factories.PHONE):
        assert value.encode() not in raw
    assert len(references_in(saved, key)) == 30
    assert not Path(f"{saved}-wal").exists()


def test_a_backup_into_a_folder_that_cannot_be_written_is_one_sentence(database: Database, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")

    with pytest.raises(DatabaseError) as caught:
        backup_to(database, blocker / "copy.sqlite3", key_of(database))

    assert str(caught.value).startswith(f"The backup {blocker / 'copy.sqlite3'} could not be written")


def test_one_scheduled_backup_per_day_and_only_the_newest_are_kept(
    database: Database, database_file: Path, tmp_path: Path
) -> None:
    settings = settings_for(database_file, backups_kept=3, backup_folder=tmp_path / "daily")
    first_day = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)

    made = []
    for day in range(5):
        now = first_day + dt.timedelta(days=day)
        made.append(run_scheduled_backup(database, settings, now))
        assert run_scheduled_backup(database, settings, now + dt.timedelta(hours=1)) is None  # same day: none

    assert all(path is not None for path in made)
    names = sorted(path.name for path in (tmp_path / "daily").iterdir())
    local_days = [(first_day + dt.timedelta(days=n)).astimezone().date() for n in range(2, 5)]
    assert names == [f"kiosk-{day.isoformat()}.sqlite3" for day in local_days]
    age = last_backup_age(settings)
    assert age is not None and age < dt.timedelta(minutes=1)


def test_the_default_backup_folder_is_beside_the_database(database: Database, database_file: Path) -> None:
    saved = run_scheduled_backup(database, settings_for(database_file))

    assert saved is not None and saved.parent == database_file.parent / "backups"


def test_no_backup_yet_has_no_age(database_file: Path) -> None:
    assert last_backup_age(settings_for(database_file)) is None


def test_restore_brings_back_the_backup_and_keeps_the_database_it_replaced(
    database: Database, database_file: Path, tmp_path: Path
) -> None:
    settings = settings_for(database_file)
    fill(database, 5)
    key = key_of(database)
    saved = backup_to(database, tmp_path / "good.sqlite3", key)
    in_backup = references_in(saved, key)
    fill(database, 3)  # after the backup: gone after the restore, but kept in the copy of the old one
    everything = references_in(database_file, key)
    database.close()

    kept = restore_from(saved, settings)

    assert references_in(database_file, key) == in_backup
    assert kept is not None and kept.parent == database_file.parent / "backups"
    assert references_in(kept, key) == everything
    reopened = open_configured_database(settings, create_if_missing=False)
    try:
        submit_request(reopened, factories.appointment(), "after-restore")
    finally:
        reopened.close()


def test_restore_refuses_a_corrupt_file_and_changes_nothing(
    database: Database, database_file: Path, tmp_path: Path
) -> None:
    fill(database, 300)
    key = key_of(database)
    bad = backup_to(database, tmp_path / "bad.sqlite3", key)
    corrupt_middle(bad)
    before = references_in(database_file, key)
    database.close()

    with pytest.raises(DatabaseError) as caught:
        restore_from(bad, settings_for(database_file))

    message = str(caught.value)
    assert message.startswith(f"The file {bad} fails SQLite's integrity check (")
    assert message.endswith("it is damaged; choose an older backup.")
    assert references_in(database_file, key) == before
    assert not (database_file.parent / "backups").exists()


def test_restore_refuses_a_file_the_key_does_not_open(database: Database, database_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "kiosk.sqlite3"
    stranger = open_configured_database(settings_for(other), create_if_missing=True)
    stranger.close()
    database.close()

    with pytest.raises(DatabaseError) as caught:
        restore_from(other, settings_for(database_file))

    assert str(caught.value).startswith(f"The file {other} cannot be read with this database's key")


def test_restore_refuses_while_a_kiosk_has_the_database_open(
    database: Database, database_file: Path, tmp_path: Path
) -> None:
    fill(database, 2)
    saved = backup_to(database, tmp_path / "good.sqlite3", key_of(database))
    fill(database, 1)  # the kiosk is running: its connection is open

    with pytest.raises(DatabaseError) as caught:
        restore_from(saved, settings_for(database_file))

    assert "in use by a running kiosk or console" in str(caught.value)
    assert len(references_in(database_file, key_of(database))) == 3
