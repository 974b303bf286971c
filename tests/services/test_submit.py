"""Submitting a request: stored once, whole, read back unchanged; a failure is loud and leaks nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import time
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from sqlalchemy import event, select

from kiosk.domain.reference import ALPHABET, format_reference, parse_reference
from kiosk.domain.requests import AppointmentRequest, FollowUpRequest, RedFlag
from kiosk.services import requests as requests_service
from kiosk.services.request_rows import APPOINTMENT_ANSWERS, COLUMN_FIELDS, FOLLOW_UP_ANSWERS
from kiosk.services.requests import REFERENCE_ATTEMPTS, Receipt, SubmitFailed, load_request, submit_request
from kiosk.storage.database import Database, create_database_engine
from kiosk.storage.models import RequestRecord
from tests import encrypted_files
from tests.postgres_server import open_another

from .factories import PATIENT_VALUES, appointment, follow_up, urgent_follow_up

NOW = dt.datetime(2025, 1, 15, 9, 30, 12, 345678, tzinfo=dt.UTC)
PC = "waiting-room-1"
SHORT_WAIT_MS = 100


def rows_on_disk(path: Path) -> list[tuple[Any, ...]]:
    """What another program (or the reception PC) reading the file sees: committed rows only."""
    with encrypted_files.connect(path) as other:
        rows: list[tuple[Any, ...]] = other.execute(
            "SELECT id, reference, kind, urgent, status, workstation, red_flags FROM patient_requests"
            " ORDER BY created_at"
        ).fetchall()
    return rows


def rows_seen_elsewhere(database: Database) -> list[tuple[Any, ...]]:
    """What another PC reading the same database sees: committed rows only (SQLite file or PostgreSQL)."""
    other = open_another(database)
    try:
        with other.read() as session:
            return [tuple(row) for row in session.execute(select(RequestRecord.id, RequestRecord.reference))]
    finally:
        other.close()


def assert_nothing_personal(text: str) -> None:
    for value in PATIENT_VALUES:
        assert value not in text


def assert_failure_leaks_nothing(failure: SubmitFailed, caplog: pytest.LogCaptureFixture) -> None:
    assert_nothing_personal(str(failure))
    assert_nothing_personal("".join(traceback.format_exception(failure)))
    assert_nothing_personal(caplog.text)
    assert f"request {failure.request_id} was not stored" in caplog.text


@pytest.fixture(autouse=True)
def log_everything(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


def short_wait_database(path: Path) -> Database:
    """The kiosk's database, except that a locked file fails after SHORT_WAIT_MS, not 5 s."""
    engine = create_database_engine(f"sqlite:///{path}", encrypted_files.key_of(path))

    def wait_less(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={SHORT_WAIT_MS}")

    event.listen(engine, "connect", wait_less)  # after the kiosk's own listener, so it wins
    return Database(engine)


@pytest.fixture
def locked(database_file: Path) -> Iterator[sqlcipher3.Connection]:
    """Another PC holding the write lock; `.execute("ROLLBACK")` lets go of it."""
    other = encrypted_files.connect(database_file, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


# --- what is stored reads back unchanged ---


def test_an_appointment_request_reads_back_equal(database: Database, database_file: Path) -> None:
    request = appointment()

    receipt = submit_request(database, request, PC, now=NOW)

    assert receipt == Receipt(reference=receipt.reference, urgent=False, created_at=NOW)
    assert load_request(database, receipt.reference) == request
    assert rows_on_disk(database_file) == [
        (str(request.request_id), receipt.reference, "appointment", 0, "new", PC, "[]")
    ]


def test_a_follow_up_request_reads_back_equal(database: Database, database_file: Path) -> None:
    request = follow_up()

    receipt = submit_request(database, request, PC, now=NOW)

    assert not receipt.urgent
    assert load_request(database, receipt.reference) == request
    [row] = rows_on_disk(database_file)
    assert row[2:4] == ("follow_up", 0)


def test_an_urgent_follow_up_is_stored_urgent(database: Database, database_file: Path) -> None:
    request = urgent_follow_up()

    receipt = submit_request(database, request, PC, now=NOW)

    assert receipt.urgent
    assert load_request(database, receipt.reference) == request
    [row] = rows_on_disk(database_file)
    assert row[3] == 1
    assert row[6] == '["fever", "leg_weakness_or_numbness"]'  # a set, stored sorted


@pytest.mark.parametrize(
    "request_",
    [
        appointment(email=None, reason="sacroiliac-joint-injection", reason_other=""),
        appointment(language="vi", reason_other="Đau lưng dưới, ngồi lâu thì đau hơn 😣"),
        follow_up(concerns="", red_flags=frozenset(RedFlag)),
        follow_up(concerns="Line one\nline two; 'quotes' \"too\" -- and SELECT * FROM x"),
    ],
    ids=["no-email", "vietnamese", "all-red-flags", "awkward-text"],
)
def test_unusual_answers_read_back_equal(
    any_database: Database, request_: AppointmentRequest | FollowUpRequest
) -> None:
    receipt = submit_request(any_database, request_, PC)

    assert load_request(any_database, receipt.reference) == request_
    assert receipt.urgent == request_.urgent


def test_every_field_of_a_request_has_a_place_in_the_row() -> None:
    # A field added to a request must be added to kiosk/services/request_rows.py too.
    assert {field.name for field in dataclasses.fields(AppointmentRequest)} == (
        COLUMN_FIELDS - {"red_flags"} | APPOINTMENT_ANSWERS
    )
    assert {field.name for field in dataclasses.fields(FollowUpRequest)} == COLUMN_FIELDS | FOLLOW_UP_ANSWERS


def test_the_time_is_kept_in_utc_whatever_zone_it_was_given_in(any_database: Database) -> None:
    local = NOW.astimezone(dt.timezone(dt.timedelta(hours=-5)))

    receipt = submit_request(any_database, appointment(), PC, now=local)

    assert receipt.created_at == NOW
    assert receipt.created_at.tzinfo == dt.UTC


def test_without_a_time_the_request_is_stamped_now(any_database: Database) -> None:
    before = dt.datetime.now(dt.UTC)

    receipt = submit_request(any_database, appointment(), PC)

    assert before <= receipt.created_at <= dt.datetime.now(dt.UTC)


def test_a_naive_time_is_a_programming_error(any_database: Database) -> None:
    with pytest.raises(ValueError, match="zone"):
        submit_request(any_database, appointment(), PC, now=NOW.replace(tzinfo=None))

    assert rows_seen_elsewhere(any_database) == []


def test_the_request_is_committed_when_submit_returns(any_database: Database) -> None:
    receipt = submit_request(any_database, appointment(), PC)

    # Another connection, outside the kiosk's pool, already sees it.
    assert [row[1] for row in rows_seen_elsewhere(any_database)] == [receipt.reference]


def test_a_submit_is_one_lookup_one_code_check_and_one_insert(database: Database) -> None:
    # What a patient waits for besides the commit: no per-submit PRAGMA (the file's identity is taken when
    # the connection opens), one statement for both places a code can be taken, and no ORM load.
    submit_request(database, appointment(), PC)  # the pooled connection is open and set up
    statements: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql))

    submit_request(database, appointment(), PC)

    assert [sql.split()[0] for sql in statements] == ["BEGIN", "SELECT", "SELECT", "INSERT"]
    assert "reserved_references" in statements[2] and "patient_requests" in statements[2]


# --- once only ---


def test_repeated_taps_on_submit_store_one_request(any_database: Database) -> None:
    request = appointment()

    receipts = [
        submit_request(any_database, request, PC, now=NOW + dt.timedelta(seconds=second)) for second in range(5)
    ]

    assert receipts == [receipts[0]] * 5
    assert receipts[0].created_at == NOW  # the first submit's time, not the latest
    assert len(rows_seen_elsewhere(any_database)) == 1


def test_a_second_submit_of_an_urgent_request_is_still_urgent(any_database: Database) -> None:
    request = urgent_follow_up()
    first = submit_request(any_database, request, PC)

    assert submit_request(any_database, request, PC) == first
    assert first.urgent


def test_the_same_id_with_other_answers_keeps_the_first_and_warns(
    any_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    first = appointment()
    first_receipt = submit_request(any_database, first, PC)
    changed = dataclasses.replace(first, reason_other="Something else entirely")

    assert submit_request(any_database, changed, PC) == first_receipt

    assert load_request(any_database, first_receipt.reference) == first
    assert len(rows_seen_elsewhere(any_database)) == 1
    assert f"request {first.request_id} was submitted again with other answers" in caplog.text
    assert "Something else entirely" not in caplog.text
    assert_nothing_personal(caplog.text)


def test_different_requests_are_stored_separately(any_database: Database) -> None:
    receipts = [submit_request(any_database, appointment(), PC) for _ in range(30)]

    assert len({receipt.reference for receipt in receipts}) == 30
    assert len(rows_seen_elsewhere(any_database)) == 30


# --- reference codes ---


def test_references_are_well_formed_and_found_however_typed(any_database: Database) -> None:
    request = follow_up()
    receipt = submit_request(any_database, request, PC)

    assert len(receipt.reference) == 6
    assert set(receipt.reference) <= set(ALPHABET)
    assert parse_reference(receipt.reference) == receipt.reference
    assert load_request(any_database, format_reference(receipt.reference).lower()) == request
    assert load_request(any_database, receipt.reference[:3] + "-" + receipt.reference[3:]) == request


def test_an_unknown_or_impossible_reference_finds_nothing(any_database: Database) -> None:
    receipt = submit_request(any_database, appointment(), PC)
    unknown = next(code for code in ("ABC234", "DEF567") if code != receipt.reference)

    assert load_request(any_database, unknown) is None
    assert load_request(any_database, "OOOOOO") is None
    assert load_request(any_database, "") is None


def test_a_code_already_taken_is_drawn_again(any_database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    codes = iter(["ABC234", "ABC234", "ABC234", "XYZ789"])
    monkeypatch.setattr(requests_service, "new_reference", lambda: next(codes))

    first = submit_request(any_database, appointment(), PC)
    second = submit_request(any_database, follow_up(), PC)

    assert (first.reference, second.reference) == ("ABC234", "XYZ789")
    assert sorted(row[1] for row in rows_seen_elsewhere(any_database)) == ["ABC234", "XYZ789"]


def test_when_no_free_code_can_be_found_the_submit_fails_cleanly(
    any_database: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(requests_service, "new_reference", lambda: "ABC234")
    submit_request(any_database, appointment(), PC)
    drawn: list[str] = []

    def always_taken() -> str:
        drawn.append("ABC234")
        return "ABC234"

    monkeypatch.setattr(requests_service, "new_reference", always_taken)
    request = appointment()

    with pytest.raises(SubmitFailed, match="no free reference code") as caught:
        submit_request(any_database, request, PC)

    assert len(drawn) == REFERENCE_ATTEMPTS
    assert len(rows_seen_elsewhere(any_database)) == 1
    assert_failure_leaks_nothing(caught.value, caplog)


# --- failures: nothing stored, nothing leaked, and a retry works once the cause is gone ---


def test_a_database_locked_past_the_busy_timeout_fails_then_the_retry_succeeds(
    database: Database,
    database_file: Path,
    locked: sqlcipher3.Connection,
    caplog: pytest.LogCaptureFixture,
) -> None:
    kiosk = short_wait_database(database_file)
    request = urgent_follow_up()
    try:
        started = time.monotonic()
        with pytest.raises(SubmitFailed) as caught:
            submit_request(kiosk, request, PC)
        waited = time.monotonic() - started

        assert SHORT_WAIT_MS / 1000 * 0.9 <= waited < 3
        assert caught.value.request_id == request.request_id
        assert caught.value.reason == "OperationalError SQLITE_BUSY"
        assert_failure_leaks_nothing(caught.value, caplog)
        assert locked.execute("SELECT count(*) FROM patient_requests").fetchone() == (0,)

        locked.execute("ROLLBACK")  # the other PC finishes
        receipt = submit_request(kiosk, request, PC)

        assert receipt.urgent
        assert load_request(kiosk, receipt.reference) == request
        assert len(rows_on_disk(database_file)) == 1
    finally:
        kiosk.close()


def test_a_write_refused_at_commit_stores_nothing(
    database: Database, database_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A trigger stands in for a disk that refuses the write when the row is flushed at commit.
    with encrypted_files.connect(database_file) as other:
        other.execute("CREATE TRIGGER refuse BEFORE INSERT ON patient_requests BEGIN SELECT RAISE(ABORT, 'full'); END")
    request = appointment()

    with pytest.raises(SubmitFailed) as caught:
        submit_request(database, request, PC)

    assert_failure_leaks_nothing(caught.value, caplog)
    assert rows_on_disk(database_file) == []
    with encrypted_files.connect(database_file) as other:
        other.execute("DROP TRIGGER refuse")
    receipt = submit_request(database, request, PC)
    assert load_request(database, receipt.reference) == request


def delete_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def test_a_database_file_deleted_while_the_kiosk_runs_fails_instead_of_writing_into_the_void(
    database: Database, database_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    submit_request(database, appointment(), PC)  # the kiosk's connection is open and pooled
    delete_database(database_file)
    request = appointment()

    with pytest.raises(SubmitFailed) as caught:
        submit_request(database, request, PC)
    assert caught.value.reason == "DatabaseFileGoneError ENOENT"
    # Tapping again does not "succeed" into a fresh, empty file either.
    with pytest.raises(SubmitFailed) as again:
        submit_request(database, request, PC)

    assert_failure_leaks_nothing(caught.value, caplog)
    assert_failure_leaks_nothing(again.value, caplog)


def test_a_database_file_restored_while_the_kiosk_runs_is_written_to_after_one_failure(
    database: Database, database_file: Path, tmp_path: Path
) -> None:
    kept = submit_request(database, appointment(), PC)
    backup = tmp_path / "backup.sqlite3"
    with (
        encrypted_files.connect(database_file) as source,
        encrypted_files.connect(backup, key=encrypted_files.key_of(database_file)) as copy,
    ):
        source.backup(copy)
    delete_database(database_file)
    os.replace(backup, database_file)  # same name, another file
    request = follow_up()

    with pytest.raises(SubmitFailed, match="DatabaseFileGoneError ESTALE"):
        submit_request(database, request, PC)
    receipt = submit_request(database, request, PC)

    assert sorted(row[1] for row in rows_on_disk(database_file)) == sorted([kept.reference, receipt.reference])


def test_a_database_file_missing_at_open_fails(database_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    kiosk = Database.open(f"sqlite:///{database_file}")  # SQLite makes an empty file: no tables
    try:
        with pytest.raises(SubmitFailed) as caught:
            submit_request(kiosk, appointment(), PC)
    finally:
        kiosk.close()

    assert caught.value.reason == "OperationalError SQLITE_ERROR"
    assert_failure_leaks_nothing(caught.value, caplog)


def test_a_read_only_database_fails(
    database: Database,
    database_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A read-only share or mount; the URI form works even for root, whom file modes do not stop.
    monkeypatch.chdir(tmp_path)  # database.py makes the URL's "folder", "file:", relative to here
    kiosk = Database.open(f"sqlite:///file:{database_file}?mode=ro&uri=true", encrypted_files.key_of(database_file))
    try:
        with pytest.raises(SubmitFailed) as caught:
            submit_request(kiosk, appointment(), PC)
    finally:
        kiosk.close()

    assert caught.value.reason == "OperationalError SQLITE_READONLY"
    assert_failure_leaks_nothing(caught.value, caplog)
    assert rows_on_disk(database_file) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes to read-only files")
def test_a_read_only_database_file_fails(
    database: Database, database_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database.close()
    for path in database_file.parent.glob(f"{database_file.name}*"):
        path.chmod(0o444)
    kiosk = encrypted_files.open_again(database_file)
    try:
        with pytest.raises(SubmitFailed) as caught:
            submit_request(kiosk, appointment(), PC)
    finally:
        kiosk.close()
        for path in database_file.parent.glob(f"{database_file.name}*"):
            path.chmod(0o644)

    assert_failure_leaks_nothing(caught.value, caplog)
    assert rows_on_disk(database_file) == []


def test_a_successful_submit_logs_no_patient_data(any_database: Database, caplog: pytest.LogCaptureFixture) -> None:
    request = urgent_follow_up()

    receipt = submit_request(any_database, request, PC)
    submit_request(any_database, request, PC)
    load_request(any_database, receipt.reference)

    assert f"request {request.request_id} stored" in caplog.text
    assert_nothing_personal(caplog.text)


def test_a_fresh_request_id_per_request_keeps_them_apart(any_database: Database) -> None:
    same_answers = [appointment(request_id=uuid.uuid4()) for _ in range(2)]

    receipts = [submit_request(any_database, request, PC) for request in same_answers]

    assert receipts[0].reference != receipts[1].reference
    assert [load_request(any_database, receipt.reference) for receipt in receipts] == same_answers
