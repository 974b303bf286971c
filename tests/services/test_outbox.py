"""Offline kiosks: the server goes away, requests wait in the encrypted outbox, and reach the server exactly once.

Against a real PostgreSQL server (tests/postgres_server.py), stopped and started for the
faults, and a real encrypted outbox file; "down" before the fixture's server exists is a
closed port on this machine.
"""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, select, text

from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.domain.requests import AppointmentRequest, FollowUpRequest
from kiosk.services import outbox as outbox_module
from kiosk.services.outbox import (
    RESERVED_BLOCK,
    backlog_by_workstation,
    forward_pending,
    forwarding_pass,
    keep_in_outbox,
    open_outbox,
    pending_count,
    report_backlog,
    reserve_references,
)
from kiosk.services.request_rows import to_record
from kiosk.services.requests import Receipt, SubmitFailed, load_request, store_as_is, submit_request
from kiosk.services.submission import DeadlineSubmitter
from kiosk.services.workstations import record_start
from kiosk.storage.database import SQLITE_HEADER, Database
from kiosk.storage.models import RequestEvent, RequestRecord, ReservedReference
from tests.postgres_server import PostgresServer
from tests.services import factories

KIOSK = "waiting-room-2"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once the probe is closed


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database=DatabaseSettings(url="postgresql+psycopg://kiosk@127.0.0.1/kiosk", outbox_path=tmp_path / "outbox.db")
    )


@pytest.fixture
def outbox(settings: Settings) -> Iterator[Database]:
    opened = open_outbox(settings)
    yield opened
    opened.close()


@pytest.fixture
def dead_server() -> Iterator[Database]:
    database = Database.open(f"postgresql+psycopg://kiosk:secret@127.0.0.1:{closed_port()}/kiosk")
    yield database
    database.close()


@pytest.fixture
def server(pg_database: Database) -> Database:
    record_start(pg_database, role="kiosk", name=KIOSK)
    return pg_database


def submit_or_keep(
    server: Database, outbox: Database, request: AppointmentRequest | FollowUpRequest, now: dt.datetime | None = None
) -> Receipt:
    """As the kiosk's form submits: the server within the promised time, else the outbox."""
    submitter = DeadlineSubmitter(lambda: outbox, KIOSK, confirm_within_s=3)
    try:
        return submitter.submit(server, request, now=now)
    finally:
        submitter.close()


def server_rows(server: Database) -> list[RequestRecord]:
    with server.read() as session:
        return list(session.scalars(select(RequestRecord).order_by(RequestRecord.created_at)))


def requests(count: int) -> list[AppointmentRequest | FollowUpRequest]:
    made: list[AppointmentRequest | FollowUpRequest] = []
    for index in range(count):
        made.append(factories.urgent_follow_up() if index % 3 == 2 else factories.appointment())
    return made


SENT: dict[str, AppointmentRequest | FollowUpRequest] = {}  # reference -> what the patient sent


def keep_offline(outbox: Database, dead_server: Database, count: int) -> list[Receipt]:
    """Patients send while the server is down; each gets a confirmation from the outbox."""
    receipts = []
    for index, request in enumerate(requests(count)):
        receipt = submit_or_keep(dead_server, outbox, request, now=T0 + dt.timedelta(minutes=index))
        SENT[receipt.reference] = request
        receipts.append(receipt)
    return receipts


def test_a_request_sent_while_the_server_is_down_is_kept_and_confirmed(outbox: Database, dead_server: Database) -> None:
    request = factories.appointment()
    started = time.perf_counter()
    receipt = submit_or_keep(dead_server, outbox, request, now=T0)
    print(f"\nserver down (connection refused): confirmed from the outbox in {time.perf_counter() - started:.2f} s")

    assert receipt.created_at == T0
    assert load_request(outbox, receipt.reference) == request
    assert pending_count(outbox) == 1
    # A second tap on Send while still offline: the same receipt, nothing more kept.
    assert submit_or_keep(dead_server, outbox, request) == receipt
    assert pending_count(outbox) == 1


def test_a_server_that_refuses_the_request_is_not_hidden_in_the_outbox(outbox: Database, server: Database) -> None:
    # Not "unreachable": a broken row would fail again on every forward, so the patient is told instead.
    with server.transaction() as session:
        session.execute(text("ALTER TABLE patient_requests ADD CONSTRAINT no_more CHECK (kind = 'nothing')"))
    with pytest.raises(SubmitFailed) as failed:
        submit_or_keep(server, outbox, factories.appointment())
    assert "IntegrityError" in failed.value.reason
    assert pending_count(outbox) == 0


def test_offline_codes_come_from_the_block_the_kiosk_reserved_online(
    outbox: Database, server: Database, dead_server: Database
) -> None:
    assert reserve_references(outbox, server, KIOSK) == RESERVED_BLOCK
    assert reserve_references(outbox, server, KIOSK) == 0  # already full
    with server.read() as session:
        on_server = set(session.scalars(select(ReservedReference.reference)))
    assert len(on_server) == RESERVED_BLOCK

    receipts = keep_offline(outbox, dead_server, 3)

    assert {receipt.reference for receipt in receipts} <= on_server
    with outbox.read() as session:
        left = set(session.scalars(select(ReservedReference.reference)))
    assert len(left) == RESERVED_BLOCK - 3 and not left & {r.reference for r in receipts}


def test_the_server_never_gives_a_reserved_code_to_another_request(
    outbox: Database, server: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    reserve_references(outbox, server, KIOSK, block=1)
    with outbox.read() as session:
        reserved = session.scalars(select(ReservedReference.reference)).one()
    codes = iter([reserved, "K7M4QX"])
    monkeypatch.setattr("kiosk.services.requests.new_reference", lambda: next(codes))

    receipt = submit_request(server, factories.appointment(), "front-desk")

    assert receipt.reference == "K7M4QX"


def test_back_online_every_kept_request_reaches_the_server_once_in_order(
    outbox: Database, server: Database, dead_server: Database
) -> None:
    reserve_references(outbox, server, KIOSK)
    receipts = keep_offline(outbox, dead_server, 6)

    started = time.perf_counter()
    assert forward_pending(outbox, server) == 6
    print(f"\nforwarded 6 requests in {time.perf_counter() - started:.2f} s")

    rows = server_rows(server)
    assert [(r.reference, r.created_at, r.urgent) for r in rows] == [
        (r.reference, r.created_at, r.urgent) for r in receipts
    ]
    for receipt in receipts:  # the code each patient was shown finds their request at the desk
        assert load_request(server, receipt.reference) == SENT[receipt.reference]
    with server.read() as session:
        # Each row was its own transaction: commit order (xmin) is the order the patients sent them.
        committed = session.execute(text("SELECT reference FROM patient_requests ORDER BY xmin::text::bigint"))
        assert [row[0] for row in committed] == [r.reference for r in receipts]
        used = set(session.scalars(select(ReservedReference.reference)))
    assert not used & {r.reference for r in receipts}  # used codes are no longer set aside
    assert pending_count(outbox) == 0

    assert forward_pending(outbox, server) == 0  # a second pass adds nothing
    assert len(server_rows(server)) == 6


def test_the_server_going_away_mid_forward_loses_and_duplicates_nothing(
    outbox: Database,
    server: Database,
    dead_server: Database,
    server_comes_back: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reserve_references(outbox, server, KIOSK)
    receipts = keep_offline(outbox, dead_server, 6)
    stored = 0

    def server_stops_during_the_fourth(session: object, row: RequestRecord) -> Receipt:
        nonlocal stored
        stored += 1
        if stored == 4:
            server_comes_back.stop()  # inside the fourth row's transaction, before its insert
        return store_as_is(session, row)  # type: ignore[arg-type]

    monkeypatch.setattr(outbox_module, "store_as_is", server_stops_during_the_fourth)
    assert forward_pending(outbox, server) == 3
    assert pending_count(outbox) == 3
    report = forwarding_pass(outbox, server, KIOSK)  # while it is down: nothing moves, nothing raises
    assert (report.forwarded, report.waiting, report.server_reachable) == (0, 3, False)

    server_comes_back.start()
    report = forwarding_pass(outbox, server, KIOSK)
    assert (report.forwarded, report.waiting, report.server_reachable) == (3, 0, True)

    rows = server_rows(server)
    assert [r.reference for r in rows] == [r.reference for r in receipts]
    assert len({r.id for r in rows}) == 6
    assert backlog_by_workstation(server)[KIOSK] == 0


def test_a_request_the_server_took_without_answering_is_not_stored_twice(
    outbox: Database, server: Database, dead_server: Database
) -> None:
    # The commit reached the server but its answer never came back, so the kiosk kept it too.
    reserve_references(outbox, server, KIOSK)
    request = factories.appointment()
    on_server = submit_request(server, request, KIOSK, now=T0)
    shown = keep_in_outbox(outbox, request, KIOSK, T0)
    assert shown.reference != on_server.reference

    assert forward_pending(outbox, server) == 1

    rows = server_rows(server)
    assert len(rows) == 1
    assert rows[0].reference == shown.reference  # the code the patient was shown works at the desk
    with server.read() as session:
        notes = list(session.scalars(select(RequestEvent.note).where(RequestEvent.request_id == rows[0].id)))
    assert notes == [
        f"Code {on_server.reference} changed to {shown.reference}, the code the patient was shown at the kiosk."
    ]


def test_a_late_server_commit_landing_while_the_row_is_forwarded_still_ends_with_the_code_shown(
    outbox: Database, server: Database
) -> None:
    # The patient gave up waiting on the server and got an outbox code; the kiosk's own late attempt then commits
    # (with a code of the server's choosing) just after forwarding looked for the request and before it stores it.
    reserve_references(outbox, server, KIOSK)
    request = factories.appointment()
    shown = keep_in_outbox(outbox, request, KIOSK, T0)
    late: list[Receipt] = []
    started: list[bool] = []

    def late_attempt_commits(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        # Forwarding asks whether the code shown is taken right after its look for the request: commit there.
        if started or "EXISTS" not in statement.upper():
            return
        started.append(True)  # before the submit: it asks the same question
        late.append(submit_request(server, request, KIOSK, now=T0))

    event.listen(server.engine, "before_cursor_execute", late_attempt_commits)
    try:
        assert forward_pending(outbox, server) == 1
    finally:
        event.remove(server.engine, "before_cursor_execute", late_attempt_commits)

    assert late and late[0].reference != shown.reference  # the race really happened
    rows = server_rows(server)
    assert [row.reference for row in rows] == [shown.reference]
    assert load_request(server, shown.reference) == request
    with server.read() as session:
        notes = list(session.scalars(select(RequestEvent.note).where(RequestEvent.request_id == rows[0].id)))
    assert notes == [
        f"Code {late[0].reference} changed to {shown.reference}, the code the patient was shown at the kiosk."
    ]


def test_a_fresh_offline_code_taken_meanwhile_gets_a_new_code_and_a_note_for_the_desk(
    outbox: Database, server: Database, dead_server: Database
) -> None:
    # No reserved codes left (a long outage): the kiosk made a code up, and the server gave it out too.
    shown = keep_offline(outbox, dead_server, 1)[0]
    with outbox.read() as session:
        kept = session.scalars(select(RequestRecord)).one()
    other = factories.appointment()
    with server.transaction() as session:
        store_as_is(session, to_record(other, reference=shown.reference, workstation="kiosk-9", created_at=T0))

    assert forward_pending(outbox, server) == 1

    with server.read() as session:
        mine = session.get(RequestRecord, kept.id)
        assert mine is not None and mine.reference != shown.reference
        note = session.scalars(select(RequestEvent.note).where(RequestEvent.request_id == kept.id)).one()
    assert note is not None and shown.reference in note and mine.reference in note
    assert load_request(server, shown.reference) == other  # the other patient keeps theirs


def test_each_kiosk_reports_its_backlog_for_the_console(
    outbox: Database, server: Database, dead_server: Database
) -> None:
    record_start(server, role="console", name="front-desk")
    keep_offline(outbox, dead_server, 2)
    report_backlog(server, KIOSK, pending_count(outbox))
    assert backlog_by_workstation(server) == {"front-desk": 0, KIOSK: 2}

    forwarding_pass(outbox, server, KIOSK)

    assert backlog_by_workstation(server) == {"front-desk": 0, KIOSK: 0}


def test_the_outbox_file_holds_no_patient_data_in_plain_text(
    outbox: Database, dead_server: Database, settings: Settings
) -> None:
    keep_offline(outbox, dead_server, 3)
    path = settings.database.resolved_outbox_path()
    files = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
    assert path in files
    assert not path.read_bytes().startswith(SQLITE_HEADER)  # encrypted from the first page
    for file in files:
        raw = file.read_bytes()
        for value in factories.PATIENT_VALUES:
            assert value.encode() not in raw, f"{value!r} readable in {file.name}"


def test_an_outbox_that_cannot_be_read_is_reported_as_unknown_not_as_a_count(
    tmp_path: Path, dead_server: Database
) -> None:
    unreadable = Database.open(f"sqlite:///{tmp_path}")  # a folder, not a database file

    try:
        report = forwarding_pass(unreadable, dead_server, KIOSK)  # never raises
    finally:
        unreadable.close()

    assert (report.forwarded, report.waiting, report.server_reachable) == (0, None, False)
