"""The reception queue: urgent first then oldest, every filter, search by name, phone or reference, keyset paging."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Connection, event, update

from kiosk.domain.reference import format_reference
from kiosk.domain.requests import AppointmentRequest, FollowUpRequest, RequestKind
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.demo_data import generate_requests
from kiosk.services.queue import QueueFilter, QueueRow, count_requests, fetch_rows
from kiosk.services.requests import submit_request
from kiosk.services.urgent_alarm import mark_seen_at_desk
from kiosk.storage.database import Database
from kiosk.storage.models import RequestRecord
from tests.services import factories

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
EVERY_STATUS = frozenset(RequestStatus)


def _store(
    database: Database,
    request: AppointmentRequest | FollowUpRequest,
    *,
    minutes: int,
    first: str = "Ana",
    last: str = "Smith",
    phone: str = "+15045550101",
    status: RequestStatus = RequestStatus.NEW,
) -> str:
    contact = dataclasses.replace(request.contact, first_name=first, last_name=last, phone_e164=phone)
    receipt = submit_request(
        database, dataclasses.replace(request, contact=contact), "kiosk-1", now=T0 + dt.timedelta(minutes=minutes)
    )
    if status is not RequestStatus.NEW:
        with database.transaction() as session:
            session.execute(
                update(RequestRecord).where(RequestRecord.reference == receipt.reference).values(status=status.value)
            )
    return receipt.reference


def _references(rows: list[QueueRow]) -> list[str]:
    return [row.reference for row in rows]


def _found(database: Database, search: str, statuses: frozenset[RequestStatus] = EVERY_STATUS) -> list[str]:
    where = QueueFilter(statuses=statuses, search=search)
    rows = fetch_rows(database, where, None, 50)
    assert count_requests(database, where) == len(rows)
    return _references(rows)


@pytest.fixture
def desk(any_database: Database) -> dict[str, str]:
    """A small morning (on both backends): named requests of both kinds, one urgent, one closed."""
    return {
        "oldest": _store(any_database, factories.appointment(), minutes=0, first="José", last="Núñez"),
        "urgent": _store(
            any_database, factories.urgent_follow_up(), minutes=30, first="Thị Mai", last="Nguyễn", phone="+15045550123"
        ),
        "follow_up": _store(any_database, factories.follow_up(), minutes=10, first="Mary", last="Nguyen"),
        "closed": _store(any_database, factories.appointment(), minutes=5, status=RequestStatus.CLOSED, last="Brown"),
        "newest": _store(any_database, factories.appointment(), minutes=40, first="Nguyen", last="Lopez"),
    }


def test_the_queue_shows_urgent_requests_first_then_the_oldest_open_ones(
    any_database: Database, desk: dict[str, str]
) -> None:
    rows = fetch_rows(any_database, QueueFilter(), None, 50)

    assert _references(rows) == [desk["urgent"], desk["oldest"], desk["follow_up"], desk["newest"]]
    assert rows[0].urgent and rows[0].kind is RequestKind.FOLLOW_UP and rows[0].red_flags
    assert (rows[1].first_name, rows[1].last_name, rows[1].status) == ("José", "Núñez", RequestStatus.NEW)
    assert rows[1].created_at == T0
    assert count_requests(any_database, QueueFilter()) == 4


def test_each_filter_narrows_the_queue(any_database: Database, desk: dict[str, str]) -> None:
    def shown(**choices: object) -> list[str]:
        where = dataclasses.replace(QueueFilter(), **choices)  # type: ignore[arg-type]
        return _references(fetch_rows(any_database, where, None, 50))

    assert shown(statuses=frozenset({RequestStatus.CLOSED})) == [desk["closed"]]
    assert shown(statuses=EVERY_STATUS) == [
        desk["urgent"],
        desk["oldest"],
        desk["closed"],
        desk["follow_up"],
        desk["newest"],
    ]
    assert shown(kinds=frozenset({RequestKind.FOLLOW_UP})) == [desk["urgent"], desk["follow_up"]]
    assert shown(urgency=True) == [desk["urgent"]]
    assert shown(urgency=False) == [desk["oldest"], desk["follow_up"], desk["newest"]]
    assert shown(received_from=dt.date(2025, 3, 4)) == []


def test_a_name_is_found_without_its_accents_or_capitals(any_database: Database, desk: dict[str, str]) -> None:
    assert _found(any_database, "nunez") == [desk["oldest"]]
    assert _found(any_database, "NÚÑ") == [desk["oldest"]]
    # "nguyen" is the start of a last name (Nguyễn, Nguyen) or of a first name (Nguyen Lopez).
    assert _found(any_database, "nguyen") == [desk["urgent"], desk["follow_up"], desk["newest"]]


def test_first_and_last_name_match_in_either_order(any_database: Database, desk: dict[str, str]) -> None:
    assert _found(any_database, "jose nunez") == [desk["oldest"]]
    assert _found(any_database, "Núñez, José") == [desk["oldest"]]
    assert _found(any_database, "nguyen thi mai") == [desk["urgent"]]
    assert _found(any_database, "thi mai nguyen") == [desk["urgent"]]
    assert _found(any_database, "mary nguyen") == [desk["follow_up"]]
    assert _found(any_database, "mary lopez") == []


def test_a_phone_number_is_found_however_it_is_typed(any_database: Database, desk: dict[str, str]) -> None:
    for typed in ("(504) 555-0123", "504.555.0123", "+1 504 555 0123", "15045550123", " 504-555-0123 "):
        assert _found(any_database, typed) == [desk["urgent"]], typed


def test_a_reference_is_found_typed_in_lower_case_or_with_a_space(any_database: Database, desk: dict[str, str]) -> None:
    code = desk["follow_up"]

    assert _found(any_database, code.lower()) == [code]
    assert _found(any_database, format_reference(code).lower()) == [code]


def test_digits_that_are_neither_phone_nor_reference_match_nothing(
    any_database: Database, desk: dict[str, str]
) -> None:
    assert _found(any_database, "0999") == []  # digits no stored number holds
    assert _found(any_database, "01") == []  # too few digits to mean anything
    assert _found(any_database, "12ab") == []
    assert _found(any_database, "   ") == _references(
        fetch_rows(any_database, QueueFilter(statuses=EVERY_STATUS), None, 50)
    )


def test_keyset_pages_return_every_row_once_in_queue_order(any_database: Database) -> None:
    generate_requests(any_database, 1234, seed=7, now=T0, days=3)
    for where in (
        QueueFilter(),
        QueueFilter(statuses=EVERY_STATUS),
        QueueFilter(statuses=EVERY_STATUS, search="ng"),
        QueueFilter(search="m"),  # first or last names, open requests only
        QueueFilter(search="maria", kinds=frozenset({RequestKind.APPOINTMENT})),
    ):
        everything = fetch_rows(any_database, where, None, 10_000)
        paged: list[QueueRow] = []
        after = None
        while page := fetch_rows(any_database, where, after, 97):
            paged.extend(page)
            after = page[-1]

        assert paged == everything
        assert len({row.id for row in paged}) == len(paged) == count_requests(any_database, where) > 0
        keys = [(not row.urgent, row.created_at, row.id) for row in paged]
        assert keys == sorted(keys)


def test_a_name_search_reads_only_the_name_indexes_page_after_page(database: Database) -> None:
    """A plan check, not a timing: at a million requests any other plan costs 0.2-1.7 s a page (migration 0006)."""
    generate_requests(database, 1000, seed=3, now=T0, days=3)
    plans: list[str] = []

    def explain(connection: Connection, cursor: Any, statement: str, parameters: Any, *_: object) -> None:
        if statement.startswith("SELECT"):
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            plans.append(" | ".join(row[3] for row in rows))

    where = QueueFilter(search="nguyen")  # a name, and six letters that could be a reference
    event.listen(database.engine, "before_cursor_execute", explain)
    try:
        count = count_requests(database, where)
        first = fetch_rows(database, where, None, 2)
        second = fetch_rows(database, where, first[-1], 2)
    finally:
        event.remove(database.engine, "before_cursor_execute", explain)

    assert count > 4 and len(first) == len(second) == 2
    assert plans, "no statement was seen"
    for plan in plans:
        assert "COVERING INDEX ix_patient_requests_last_name_queue" in plan, plan
        assert "COVERING INDEX ix_patient_requests_first_name_queue" in plan, plan
        assert "ix_patient_requests_queue" not in plan and "ix_patient_requests_open_queue" not in plan, plan


def test_the_open_queue_reads_its_pages_from_the_open_requests_index(database: Database) -> None:
    """A plan check, not a timing: walking the full queue index tests every closed request's row on the way
    (0.2 s a page at a million requests, most of them closed)."""
    generate_requests(database, 1000, seed=4, now=T0, days=3)
    plans: list[str] = []

    def explain(connection: Connection, cursor: Any, statement: str, parameters: Any, *_: object) -> None:
        if statement.startswith("SELECT") and "ORDER BY" in statement:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            plans.append(" | ".join(row[3] for row in rows))

    event.listen(database.engine, "before_cursor_execute", explain)
    try:
        first = fetch_rows(database, QueueFilter(), None, 2)
        second = fetch_rows(database, QueueFilter(), first[-1], 2)
    finally:
        event.remove(database.engine, "before_cursor_execute", explain)

    assert len(first) == len(second) == 2 and first[-1] != second[0]
    assert plans, "no statement was seen"
    for plan in plans:
        assert "COVERING INDEX ix_patient_requests_open_queue" in plan, plan
        assert "ix_patient_requests_queue " not in plan, plan


def test_a_row_says_who_saw_an_urgent_request_at_the_desk_and_when(
    any_database: Database, desk: dict[str, str]
) -> None:
    rows = fetch_rows(any_database, QueueFilter(), None, 50)
    assert [(row.seen_at_desk_at, row.seen_at_desk_by) for row in rows] == [(None, None)] * len(rows)
    urgent = next(row for row in rows if row.reference == desk["urgent"])
    seen_at = T0 + dt.timedelta(minutes=36)
    mark_seen_at_desk(any_database, urgent.id, Actor("alice", Role.RECEPTION, "front-desk-1"), now=seen_at)

    again = fetch_rows(any_database, QueueFilter(), None, 50)
    assert _references(again) == _references(rows)  # seen changes what a row says, not where it stands
    assert (again[0].reference, again[0].seen_at_desk_at, again[0].seen_at_desk_by) == (
        desk["urgent"],
        seen_at,
        "alice",
    )
    assert all(row.seen_at_desk_at is None for row in again[1:])
