"""The audit trail: every action chained by hash, append-only, and a row edited or removed is found."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlcipher3
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DatabaseError

from kiosk.domain.audit import AuditAction, Outcome
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.audit import record_for, verify_chain
from kiosk.services.casework import add_note, change_status, open_case, record_print
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry
from tests import encrypted_files
from tests.postgres_server import is_postgresql, open_another
from tests.services import factories

ALICE = Actor("alice", Role.RECEPTION, "front-desk-1")
ADMIN = Actor("root", Role.ADMIN, "back-office")


def _many_actions(database: Database, requests: int = 10) -> None:
    with database.transaction() as session:
        record_for(session, ALICE, AuditAction.LOGIN)
        record_for(session, ALICE, AuditAction.LOGIN_FAILED, outcome=Outcome.FAILED)
    for _ in range(requests):
        request = factories.appointment()
        submit_request(database, request, "kiosk-1")
        request_id = str(request.request_id)
        case = open_case(database, request_id, ALICE)
        change_status(database, request_id, RequestStatus.CONTACTED, expected_version=case.version, actor=ALICE)
        add_note(database, request_id, "Called, booked", actor=ALICE)
        record_print(database, request_id, ALICE)
    with database.transaction() as session:
        record_for(session, ALICE, AuditAction.LOGOUT)


def _tamper(database: Database, statement: str) -> None:
    """Someone with access to the data drops the guard trigger and changes the trail behind the application.

    SQLite: the sqlite3 tool on the file (with its key). PostgreSQL: psql as the tables' owner.
    """
    if is_postgresql(database):
        with database.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
            connection.exec_driver_sql(statement)
            connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change")
        return
    assert database.engine.url.database is not None
    connection = encrypted_files.connect(database.engine.url.database)
    try:
        guards = connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        ).fetchall()
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("DROP TRIGGER audit_log_no_delete")
        connection.execute(statement)
        for (sql,) in guards:  # a careful forger puts the guards back, as the PostgreSQL branch re-enables them
            connection.execute(sql)
        connection.commit()
    finally:
        connection.close()


def test_the_chain_is_intact_after_many_actions(any_database: Database) -> None:
    _many_actions(any_database)
    report = verify_chain(any_database)
    assert report.intact, report.problems
    assert report.rows_checked == 2 + 10 * 4 + 1


def test_an_empty_trail_is_intact(any_database: Database) -> None:
    report = verify_chain(any_database)
    assert (report.intact, report.rows_checked) == (True, 0)


def test_an_edited_row_is_detected(any_database: Database) -> None:
    _many_actions(any_database, requests=3)
    _tamper(any_database, "UPDATE audit_log SET actor = 'mallory' WHERE id = 5")

    report = verify_chain(any_database)

    assert not report.intact
    assert report.problems == ["row 5 was changed after it was written"]


def test_an_edited_row_with_its_hash_recomputed_still_breaks_the_next_link(any_database: Database) -> None:
    _many_actions(any_database, requests=3)
    with any_database.transaction() as session:
        row = session.get(AuditEntry, 5)
        assert row is not None
        forged = f"{row.row_hash[:-1]}{'0' if row.row_hash[-1] != '0' else '1'}"
    _tamper(any_database, f"UPDATE audit_log SET row_hash = '{forged}' WHERE id = 5")

    report = verify_chain(any_database)

    assert "row 6 does not follow the row before it (a row was removed or changed)" in report.problems


def test_a_deleted_middle_row_is_detected(any_database: Database) -> None:
    _many_actions(any_database, requests=3)
    _tamper(any_database, "DELETE FROM audit_log WHERE id = 7")

    report = verify_chain(any_database)

    assert not report.intact
    assert "rows 7 to 7 are missing" in report.problems
    assert "row 8 does not follow the row before it (a row was removed or changed)" in report.problems
    assert report.rows_checked == 2 + 3 * 4 + 1 - 1


def test_the_database_refuses_to_update_or_delete_audit_rows(any_database: Database) -> None:
    _many_actions(any_database, requests=1)
    with pytest.raises(DatabaseError, match="append-only"), any_database.transaction() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == 2).values(outcome="ok"))
    with pytest.raises(DatabaseError, match="append-only"), any_database.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id == 2))
    # Not only through the application: any other client is refused too.
    if is_postgresql(any_database):
        other = open_another(any_database)
        try:
            with pytest.raises(DatabaseError, match="append-only"), other.engine.begin() as connection:
                connection.exec_driver_sql("DELETE FROM audit_log")
        finally:
            other.close()
    else:
        assert any_database.engine.url.database is not None
        connection = encrypted_files.connect(any_database.engine.url.database)
        try:
            with pytest.raises(sqlcipher3.DatabaseError, match="append-only"):
                connection.execute("DELETE FROM audit_log")
        finally:
            connection.close()

    with any_database.transaction() as session:
        assert len(list(session.scalars(select(AuditEntry)))) == 2 + 4 + 1
    assert verify_chain(any_database).intact


def test_consoles_writing_at_once_keep_one_unbroken_chain(any_database: Database) -> None:
    """Four consoles (threads with their own connections) append at the same moment: no two rows share a parent."""

    def console(number: int) -> None:
        actor = Actor(f"desk{number}", Role.RECEPTION, f"front-desk-{number}")
        for _ in range(25):
            with any_database.transaction() as session:
                record_for(session, actor, AuditAction.LOGIN)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(console, range(4)))

    report = verify_chain(any_database)
    assert report.intact, report.problems
    assert report.rows_checked == 100
