"""The audit trail: every action chained by hash, append-only, and a row edited or removed is found."""

from __future__ import annotations

from pathlib import Path

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


def _tamper(database_file: Path, statement: str) -> None:
    """Someone with access to the file drops the guard trigger and changes the trail with the sqlite3 tool."""
    connection = encrypted_files.connect(database_file)
    try:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("DROP TRIGGER audit_log_no_delete")
        connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def test_the_chain_is_intact_after_many_actions(database: Database) -> None:
    _many_actions(database)
    report = verify_chain(database)
    assert report.intact, report.problems
    assert report.rows_checked == 2 + 10 * 4 + 1


def test_an_empty_trail_is_intact(database: Database) -> None:
    report = verify_chain(database)
    assert (report.intact, report.rows_checked) == (True, 0)


def test_an_edited_row_is_detected(database: Database, database_file: Path) -> None:
    _many_actions(database, requests=3)
    _tamper(database_file, "UPDATE audit_log SET actor = 'mallory' WHERE id = 5")

    report = verify_chain(database)

    assert not report.intact
    assert report.problems == ["row 5 was changed after it was written"]


def test_an_edited_row_with_its_hash_recomputed_still_breaks_the_next_link(
    database: Database, database_file: Path
) -> None:
    _many_actions(database, requests=3)
    with database.transaction() as session:
        row = session.get(AuditEntry, 5)
        assert row is not None
        forged = f"{row.row_hash[:-1]}{'0' if row.row_hash[-1] != '0' else '1'}"
    _tamper(database_file, f"UPDATE audit_log SET row_hash = '{forged}' WHERE id = 5")

    report = verify_chain(database)

    assert "row 6 does not follow the row before it (a row was removed or changed)" in report.problems


def test_a_deleted_middle_row_is_detected(database: Database, database_file: Path) -> None:
    _many_actions(database, requests=3)
    _tamper(database_file, "DELETE FROM audit_log WHERE id = 7")

    report = verify_chain(database)

    assert not report.intact
    assert "rows 7 to 7 are missing" in report.problems
    assert "row 8 does not follow the row before it (a row was removed or changed)" in report.problems
    assert report.rows_checked == 2 + 3 * 4 + 1 - 1


def test_the_database_refuses_to_update_or_delete_audit_rows(database: Database, database_file: Path) -> None:
    _many_actions(database, requests=1)
    with pytest.raises(DatabaseError, match="append-only"), database.transaction() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == 2).values(outcome="ok"))
    with pytest.raises(DatabaseError, match="append-only"), database.transaction() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id == 2))
    # Not only through the application: any client of the file is refused.
    connection = encrypted_files.connect(database_file)
    try:
        with pytest.raises(sqlcipher3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM audit_log")
    finally:
        connection.close()

    with database.transaction() as session:
        assert len(list(session.scalars(select(AuditEntry)))) == 2 + 4 + 1
    assert verify_chain(database).intact
