"""The console's audit table reads plain rows from the service: request rows carry the reference staff know."""

from __future__ import annotations

from kiosk.domain.audit import AuditAction
from kiosk.domain.staff import Actor, Role
from kiosk.services.audit import AuditFilter, record
from kiosk.services.audit_rows import AuditRow, audit_rows
from kiosk.services.casework import open_case
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from tests.services import factories

DESK = Actor("rita", Role.RECEPTION, "front-desk-1", "Rita")


def test_a_request_row_carries_its_reference_and_others_do_not(any_database: Database) -> None:
    request = factories.follow_up()
    submit_request(any_database, request, "kiosk-1")
    case = open_case(any_database, str(request.request_id), DESK)
    with any_database.transaction() as session:
        record(session, actor="rita", workstation="front-desk-1", action=AuditAction.LOGOUT, target="rita")

    newest, opened = audit_rows(any_database, AuditFilter())[:2]

    assert isinstance(newest, AuditRow) and (newest.action, newest.reference) == (AuditAction.LOGOUT.value, None)
    assert (opened.action, opened.target) == (AuditAction.VIEW_REQUEST.value, str(request.request_id))
    assert opened.reference == case.reference


def test_rows_come_newest_first_a_batch_at_a_time(any_database: Database) -> None:
    with any_database.transaction() as session:
        for _ in range(5):
            record(session, actor="rita", workstation="front-desk-1", action=AuditAction.LOGIN, target="rita")

    first = audit_rows(any_database, AuditFilter(), limit=3)
    rest = audit_rows(any_database, AuditFilter(), before_id=first[-1].id, limit=3)

    ids = [row.id for row in first + rest]
    assert len(ids) == 5 and ids == sorted(ids, reverse=True)
