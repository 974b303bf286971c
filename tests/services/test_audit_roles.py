"""The audit trail on PostgreSQL: a cut tail is found, and the IT guide's two roles keep the kiosk from cutting it.

The roles come from the SQL in docs/it/database.md (section "PostgreSQL: roles"), run on the session's real server,
so the documentation and what `kiosk doctor` checks cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from kiosk.domain.audit import AuditAction
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.ops.doctor import Status
from kiosk.ops.doctor_audit import roles_check
from kiosk.services.audit import record_for, verify_chain
from kiosk.services.casework import change_status, open_case
from kiosk.services.requests import submit_request
from kiosk.services.retention import purge_closed
from kiosk.storage.database import Database
from kiosk.storage.migrations import upgrade_to_head
from tests.postgres_server import PostgresServer
from tests.services import factories

ALICE = Actor("alice", Role.RECEPTION, "front-desk-1")
DATABASE_GUIDE = Path(__file__).resolve().parents[2] / "docs" / "it" / "database.md"
_NUMBERS = itertools.count(1)


def _guide_sql() -> tuple[str, str]:
    """The two SQL blocks of the guide's "PostgreSQL: roles" section: as postgres, then as the owner."""
    text = DATABASE_GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## PostgreSQL: roles") :]
    blocks = re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)
    return blocks[0], blocks[1]


def _history(database: Database, rows: int = 5) -> None:
    with database.transaction() as session:
        for _ in range(rows):
            record_for(session, ALICE, AuditAction.VIEW_REQUEST, target="x")


@dataclass
class TwoRoles:
    owner: Database
    kiosk: Database


@pytest.fixture
def two_roles(postgres_server: PostgresServer) -> Iterator[TwoRoles]:
    """The guide's set-up on the test server, under names of this test's own (roles belong to the whole server)."""
    number = next(_NUMBERS)
    owner_role, kiosk_role = f"audit_owner_{number}", f"audit_desk_{number}"
    password = secrets.token_urlsafe(12)
    as_postgres, as_owner = _guide_sql()

    def named(sql: str) -> str:
        sql = sql.replace("OWNER-PASSWORD", password).replace("KIOSK-PASSWORD", password)
        return re.sub(r"\bkiosk\b", kiosk_role, re.sub(r"\bkiosk_owner\b", owner_role, sql))

    for statement in filter(str.strip, named(as_postgres).split(";")):
        postgres_server.admin(statement)
    base = make_url(postgres_server.url("postgres")).set(database=kiosk_role, password=password)
    owner = Database.open(base.set(username=owner_role).render_as_string(hide_password=False))
    upgrade_to_head(owner.engine)  # `kiosk db upgrade` as the owner
    with owner.engine.begin() as connection:
        for statement in filter(str.strip, named(as_owner).split(";")):
            connection.exec_driver_sql(statement)
    kiosk = Database.open(base.set(username=kiosk_role).render_as_string(hide_password=False))
    try:
        yield TwoRoles(owner, kiosk)
    finally:
        kiosk.close()
        owner.close()
        postgres_server.drop_database(kiosk_role)
        postgres_server.admin(f"DROP ROLE {kiosk_role}")
        postgres_server.admin(f"DROP ROLE {owner_role}")


def test_a_cut_tail_is_found_on_postgresql(pg_database: Database) -> None:
    _history(pg_database)
    with pg_database.engine.begin() as connection:  # the tables' owner, as psql
        connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
        connection.exec_driver_sql("DELETE FROM audit_log WHERE id > 3")
        connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change")

    report = verify_chain(pg_database)

    assert report.problems == [
        "the trail was cut: rows 4 to 5 were written and are gone (the end of the trail was deleted)"
    ]


def test_a_disabled_trigger_is_reported_on_postgresql(pg_database: Database) -> None:
    _history(pg_database, rows=2)
    with pg_database.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")

    assert verify_chain(pg_database).problems == ["the database trigger audit_log_no_change on audit_log is disabled"]


def test_doctor_warns_when_the_kiosk_role_owns_the_audit_tables(pg_database: Database) -> None:
    check = roles_check(pg_database)  # the tests' usual set-up: one role owns everything

    assert check.status is Status.WARN
    assert "owns the audit tables" in check.message
    assert 'docs/it/database.md, "PostgreSQL: roles"' in check.fix


def test_the_guides_roles_let_the_kiosk_write_the_trail_but_never_cut_it(two_roles: TwoRoles) -> None:
    # The PCs' role does a day's work (a request, the desk's change, a purge), each with its audit row.
    request = factories.appointment()
    submit_request(two_roles.kiosk, request, "kiosk-1")
    case = open_case(two_roles.kiosk, str(request.request_id), ALICE)
    change_status(
        two_roles.kiosk, str(request.request_id), RequestStatus.CLOSED, expected_version=case.version, actor=ALICE
    )
    purge_closed(two_roles.kiosk, older_than_days=1, actor=ALICE, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=9))
    _history(two_roles.kiosk, rows=2)

    assert roles_check(two_roles.kiosk).status is Status.OK
    assert roles_check(two_roles.owner).status is Status.WARN
    for statement in (
        "DELETE FROM audit_log WHERE id > 3",
        "TRUNCATE audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
        "UPDATE audit_head SET last_id = 3",
        "DELETE FROM audit_head",
        "INSERT INTO audit_head (id, last_id, last_hash) VALUES (2, 1, 'x')",
    ):
        with pytest.raises(DBAPIError, match=r"permission denied|must be owner"), two_roles.kiosk.engine.begin() as c:
            c.exec_driver_sql(statement)
    report = verify_chain(two_roles.kiosk)
    assert report.intact, report.problems
    assert report.rows_checked == 5  # viewed, status change, purge, two more views
