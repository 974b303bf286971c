"""Faults a clinic meets: a full disk, a locked file, a damaged page, a network share. Never a false receipt."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.services import startup
from kiosk.services.requests import Receipt, SubmitFailed, load_request, submit_request
from kiosk.services.startup import create_database, open_database_at_head
from kiosk.storage import database as database_module
from kiosk.storage import health
from kiosk.storage.database import Database, DatabaseError
from kiosk.storage.health import DatabaseDamaged
from kiosk.storage.models import RequestRecord
from tests import encrypted_files
from tests.storage.test_health import corrupt_middle

from . import factories

ROOT = Path(__file__).resolve().parents[2]


def settings_for(path: Path) -> Settings:
    return Settings(database=DatabaseSettings(url=f"sqlite:///{path}"))


def count(database: Database) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(RequestRecord)) or 0)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs: a real full disk, not a simulated one."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True, text=True, check=False
    )
    if mounted.returncode != 0:
        reason = f"cannot mount a small tmpfs ({mounted.stderr.strip() or mounted.returncode}); needs root"
        if os.environ.get("CI"):
            pytest.fail(reason)
        print(reason)
        pytest.skip(reason)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill_disk(folder: Path) -> Path:
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        with contextlib.suppress(OSError):  # ENOSPC: full
            while True:
                os.write(descriptor, b"\0" * 4096)
    finally:
        os.close(descriptor)
    return filler


def test_a_full_disk_never_gives_a_false_receipt_and_keeps_what_was_stored(small_disk: Path) -> None:
    path = small_disk / "kiosk.sqlite3"
    database = create_database(settings_for(path))
    try:
        receipts: list[Receipt] = [submit_request(database, factories.appointment(), "kiosk-1") for _ in range(5)]
        filler = fill_disk(small_disk)
        failure: SubmitFailed | None = None
        # The WAL may still have room from earlier writes; keep going until the disk really refuses.
        for _ in range(5000):
            request = factories.appointment()
            try:
                receipts.append(submit_request(database, request, "kiosk-1"))
            except SubmitFailed as exc:
                failure = exc
                break
        assert failure is not None, "the disk never filled up"
        print(f"after {len(receipts)} stored requests the disk was full: {failure.reason}")
        assert failure.request_id == request.request_id
        assert "SQLITE_FULL" in failure.reason or "ENOSPC" in failure.reason or "IOERR" in failure.reason
        assert load_request(database, "") is None  # still answers
        filler.unlink()
        for receipt in receipts:  # every receipt a patient saw is a stored request
            assert load_request(database, receipt.reference) is not None
        assert count(database) == len(receipts)
        retried = submit_request(database, request, "kiosk-1")  # the patient taps Send again
        assert load_request(database, retried.reference) is not None
    finally:
        database.close()
    reopened = encrypted_files.open_again(path)
    try:
        assert count(reopened) == len(receipts) + 1
        assert health.quick_check(reopened) == []
    finally:
        reopened.close()


HOLD_LOCK = """
import sys
from tests import encrypted_files
connection = encrypted_files.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
connection.execute("ROLLBACK")
"""


def test_a_database_locked_by_another_process_fails_clearly_then_works_when_released(
    database_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 1000)  # the same wait, shorter for the test
    database = create_database(settings_for(database_file))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(database_file)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        request = factories.appointment()
        with pytest.raises(SubmitFailed) as caught:
            submit_request(database, request, "kiosk-1")
        assert caught.value.reason == "OperationalError SQLITE_BUSY"
        assert str(caught.value) == f"request {request.request_id} was not stored: OperationalError SQLITE_BUSY"
        assert count(database) == 0
        assert holder.stdin is not None
        holder.stdin.close()  # the other program lets go
        holder.wait(timeout=10)
        receipt = submit_request(database, request, "kiosk-1")
        assert load_request(database, receipt.reference) == request
        assert count(database) == 1
    finally:
        holder.kill()
        database.close()


def test_a_corrupt_page_stops_start_up_with_database_damaged(database_file: Path) -> None:
    settings = settings_for(database_file)
    database = create_database(settings)
    for _ in range(300):
        submit_request(database, factories.appointment(), "kiosk-1")
    database.close()
    corrupt_middle(database_file)

    with pytest.raises(DatabaseDamaged) as caught:
        open_database_at_head(settings)

    message = str(caught.value)
    assert message.startswith(f"The database {database_file} is damaged (")
    assert "`kiosk db check --full`" in message and "`kiosk db restore FILE`" in message
    assert caught.value.problems
    assert isinstance(caught.value, DatabaseError)  # callers that know only DatabaseError still catch it


def test_a_database_on_a_network_share_is_refused_with_the_postgresql_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    share = tmp_path / "share"
    mounts = f"/dev/sda1 / ext4 rw 0 0\n//nas/clinic {share} cifs rw,vers=3.0 0 0\n"
    monkeypatch.setattr(health, "_mounts_text", lambda: mounts)
    path = share / "kiosk.sqlite3"

    with pytest.raises(DatabaseError) as caught:
        startup.open_database_at_head(settings_for(path))

    assert str(caught.value) == (
        f"The database {path} is on a network file system (cifs), where SQLite can corrupt it: keep it on a "
        'local disk, or share one database between PCs with database.url = "postgresql+psycopg://..." in the settings.'
    )
    assert not path.exists() and not share.exists()  # nothing created on the share
