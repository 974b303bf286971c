"""A kiosk submitting through real faults: a silent link and a slow one (tests/tcp_relay.py), a hung server (its
postmaster stopped with SIGSTOP), a stopped server and a table lock held on the server. Each submit ends in a
committed receipt, in the server or in the encrypted outbox, without waiting behind the server; once the fault is
gone every request is on the server exactly once, with the code the patient was shown.

How long each confirmation took is `kiosk bench`'s to measure (the submit-offline row); here the state reached.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.services.outbox import forwarding_pass, open_outbox, pending_count, reserve_references
from kiosk.services.requests import Receipt
from kiosk.services.submission import DeadlineSubmitter
from kiosk.services.workstations import record_start
from kiosk.storage.database import Database
from kiosk.storage.models import RequestRecord
from tests.postgres_server import PostgresServer
from tests.services import factories
from tests.tcp_relay import TcpRelay

pytestmark = pytest.mark.slow  # each fault waits out a deadline or a connect timeout
KIOSK = "waiting-room-1"
PATIENTS = 3


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Database]:
    settings = Settings(
        database=DatabaseSettings(url="postgresql+psycopg://kiosk@127.0.0.1/kiosk", outbox_path=tmp_path / "ob.db")
    )
    opened = open_outbox(settings)
    yield opened
    opened.close()


@pytest.fixture
def relay(postgres_server: PostgresServer) -> Iterator[TcpRelay]:
    with TcpRelay(postgres_server.port) as opened:
        yield opened


@pytest.fixture
def through_relay(pg_database: Database, relay: TcpRelay) -> Iterator[Database]:
    """The test's database as a kiosk behind the relay reaches it."""
    url = pg_database.engine.url.set(port=relay.port).render_as_string(hide_password=False)
    database = Database.open(url)
    record_start(database, role="kiosk", name=KIOSK)
    yield database
    database.close()


@pytest.fixture
def submitter(outbox: Database) -> Iterator[DeadlineSubmitter]:
    made = DeadlineSubmitter(lambda: outbox, KIOSK, confirm_within_s=3)
    yield made
    made.close()


def on_server(server: Database) -> dict[str, str]:
    with server.read() as session:
        return dict(session.execute(select(RequestRecord.id, RequestRecord.reference)).all())


def forward_until_empty(outbox: Database, server: Database) -> None:
    for _ in range(20):  # a connection the fault broke is replaced on the next pass
        report = forwarding_pass(outbox, server, KIOSK)
        if report.server_reachable and report.waiting == 0:
            return
        time.sleep(0.5)
    raise AssertionError(f"the outbox still holds {pending_count(outbox)} request(s)")


def submit_patients(submitter: DeadlineSubmitter, server: Database) -> dict[str, Receipt]:
    receipts: dict[str, Receipt] = {}
    for _ in range(PATIENTS):
        request = factories.appointment()
        receipts[str(request.request_id)] = submitter.submit(server, request)
    return receipts


def assert_each_once_with_its_code(server: Database, receipts: dict[str, Receipt], before: dict[str, str]) -> None:
    stored = on_server(server)
    for request_id, receipt in receipts.items():
        assert stored.get(request_id) == receipt.reference  # there, with the code the patient saw
    assert set(stored) == set(before) | set(receipts)
    with server.read() as session:
        assert session.scalar(select(func.count()).select_from(RequestRecord)) == len(stored)


def test_a_silent_network_confirms_from_the_outbox_and_loses_nothing(
    through_relay: Database, pg_database: Database, outbox: Database, relay: TcpRelay, submitter: DeadlineSubmitter
) -> None:
    reserve_references(outbox, through_relay, KIOSK)
    before = submit_patients(submitter, through_relay)  # online: straight to the server
    assert pending_count(outbox) == 0

    relay.cut()
    during = submit_patients(submitter, through_relay)
    assert pending_count(outbox) == PATIENTS  # each confirmation is backed by the outbox, not a hung server

    relay.mend()
    forward_until_empty(outbox, through_relay)
    assert_each_once_with_its_code(pg_database, {**before, **during}, {})


def postmaster_pid(server: PostgresServer) -> int:
    return int((server.data / "postmaster.pid").read_text().splitlines()[0])


def test_a_hung_server_confirms_from_the_outbox_and_loses_nothing(
    pg_database: Database, outbox: Database, submitter: DeadlineSubmitter, postgres_server: PostgresServer
) -> None:
    kiosk = Database.open(pg_database.engine.url.render_as_string(hide_password=False))
    try:
        record_start(kiosk, role="kiosk", name=KIOSK)
        reserve_references(outbox, kiosk, KIOSK)
        kiosk.engine.dispose()  # the next submit needs a new connection, which only the postmaster can give
        pid = postmaster_pid(postgres_server)
        os.kill(pid, signal.SIGSTOP)
        try:
            during = submit_patients(submitter, kiosk)
            assert pending_count(outbox) == PATIENTS
        finally:
            os.kill(pid, signal.SIGCONT)
        forward_until_empty(outbox, kiosk)
        assert_each_once_with_its_code(pg_database, during, {})
    finally:
        kiosk.close()


def test_a_stopped_and_restarted_server_loses_and_duplicates_nothing(
    pg_database: Database,
    outbox: Database,
    submitter: DeadlineSubmitter,
    server_comes_back: PostgresServer,
) -> None:
    record_start(pg_database, role="kiosk", name=KIOSK)
    reserve_references(outbox, pg_database, KIOSK)
    before = submit_patients(submitter, pg_database)
    server_comes_back.stop()
    during = submit_patients(submitter, pg_database)
    assert pending_count(outbox) == PATIENTS
    server_comes_back.start()
    forward_until_empty(outbox, pg_database)
    assert_each_once_with_its_code(pg_database, {**before, **during}, {})


def test_a_lock_held_on_the_server_confirms_from_the_outbox_and_loses_nothing(
    pg_database: Database, outbox: Database, submitter: DeadlineSubmitter
) -> None:
    record_start(pg_database, role="kiosk", name=KIOSK)
    reserve_references(outbox, pg_database, KIOSK)
    holder = Database.open(pg_database.engine.url.render_as_string(hide_password=False))
    try:
        with holder.engine.connect() as connection:
            # Another session (a long report, a migration) holds the table: a kiosk's insert would wait on it.
            connection.exec_driver_sql("LOCK TABLE patient_requests IN ACCESS EXCLUSIVE MODE")
            during = submit_patients(submitter, pg_database)
            assert pending_count(outbox) == PATIENTS
            connection.rollback()  # the lock is let go
    finally:
        holder.close()
    forward_until_empty(outbox, pg_database)
    assert_each_once_with_its_code(pg_database, during, {})


def test_a_slow_link_confirms_in_time_and_a_late_commit_keeps_the_code_shown(
    through_relay: Database, pg_database: Database, outbox: Database, relay: TcpRelay, submitter: DeadlineSubmitter
) -> None:
    reserve_references(outbox, through_relay, KIOSK)
    relay.slow(0.4)  # each exchange with the server takes most of a second: a submit needs several
    during = submit_patients(submitter, through_relay)
    assert pending_count(outbox) == PATIENTS  # none could commit within the deadline: the outbox has them all

    relay.slow(0)
    submitter._attempts.shutdown(wait=True)  # the server's late attempts finish (some commit with codes of their own)
    forward_until_empty(outbox, through_relay)
    assert_each_once_with_its_code(pg_database, during, {})
