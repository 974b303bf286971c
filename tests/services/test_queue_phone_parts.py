"""Search finds part of a phone number and names typed without their apostrophes or hyphens (issue 24, part 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, delete, event, select, update

from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.demo_data import generate_requests
from kiosk.services.queue import QueueFilter, count_requests, fetch_rows
from kiosk.services.retention import purge_closed
from kiosk.storage.database import Database
from kiosk.storage.models import PhoneNumberSuffix, RequestRecord
from tests.services import factories
from tests.services.test_queue import EVERY_STATUS, T0, _found, _store

IT = Actor(username="cli:it", role=Role.ADMIN, workstation="front-desk")


def test_part_of_a_phone_number_finds_its_requests(any_database: Database) -> None:
    mine = _store(any_database, factories.appointment(), minutes=0, phone="+15045550142")
    other = _store(any_database, factories.follow_up(), minutes=5, phone="+12125550199")
    for typed in ("0142", "555-0142", "504", "(504) 555", "5045550142", "1 504 555 0142", "45550"):
        assert _found(any_database, typed) == [mine], typed
    assert _found(any_database, "555") == [mine, other]
    assert _found(any_database, "0143") == []
    assert _found(any_database, "0199") == [other]  # "0199" is a range that ends at "02", not "0200"


def test_a_phone_part_that_looks_like_the_start_of_a_code_finds_both(any_database: Database) -> None:
    phone = _store(any_database, factories.appointment(), minutes=0, phone="+15045554378")
    assert phone in _found(any_database, "4378")  # digits 2-9 only: also the start of a reference code


def test_names_are_found_without_apostrophes_hyphens_or_accents(any_database: Database) -> None:
    obrien = _store(any_database, factories.appointment(), minutes=0, first="Seán", last="O'Brien")
    muller = _store(any_database, factories.appointment(), minutes=1, first="Jörg", last="Müller-Lüdenscheidt")
    nguyen = _store(any_database, factories.appointment(), minutes=2, first="Thị Mai", last="Nguyễn")
    nunez = _store(any_database, factories.appointment(), minutes=3, first="José", last="Ñúñez")
    for typed, wanted in (
        ("obrien", obrien),
        ("o'brien", obrien),
        ("O\u2019Brien sean", obrien),
        ("o brien", obrien),
        ("muller", muller),
        ("muller ludenscheidt", muller),
        ("mullerlud", muller),
        ("jorg muller", muller),
        ("nguyen", nguyen),
        ("thimai", nguyen),
        ("thi mai nguyen", nguyen),
        ("nunez", nunez),
        ("Núñez, José", nunez),
    ):
        assert _found(any_database, typed) == [wanted], typed
    assert _found(any_database, "'") == []  # nothing left to look for


def test_the_endings_follow_every_request_stored_changed_or_removed(database: Database) -> None:
    _store(database, factories.appointment(), minutes=0, phone="+15045550142")
    kept = _store(database, factories.appointment(), minutes=1, phone="+15045550142")
    closed = _store(database, factories.appointment(), minutes=2, phone="+12125550199", status=RequestStatus.CLOSED)

    def numbers() -> set[str]:
        with database.read() as session:
            return set(session.scalars(select(PhoneNumberSuffix.phone_e164)))

    with database.read() as session:
        endings = set(
            session.scalars(select(PhoneNumberSuffix.suffix).where(PhoneNumberSuffix.phone_e164 == "+15045550142"))
        )
    assert endings == {"15045550142"[start:] for start in range(9)}
    assert numbers() == {"+15045550142", "+12125550199"}

    with database.transaction() as session:  # one of the number's two requests goes: the number stays
        session.execute(delete(RequestRecord).where(RequestRecord.reference != kept, RequestRecord.reference != closed))
    assert numbers() == {"+15045550142", "+12125550199"}

    with database.transaction() as session:
        session.execute(update(RequestRecord).where(RequestRecord.reference == kept).values(phone_e164="+13055550111"))
    assert numbers() == {"+13055550111", "+12125550199"}
    assert _found(database, "0111") == [kept] and _found(database, "0142") == []

    # The retention purge removes the closed request, and its number with it: no number outlives its requests.
    purge_closed(database, older_than_days=1, actor=IT, now=T0 + dt.timedelta(days=400))
    assert numbers() == {"+13055550111"}


def test_part_of_a_number_is_read_from_the_endings_and_the_phone_index(database: Database) -> None:
    """A plan check, not a timing: scanning every request's number costs about 3 s at a million requests."""
    generate_requests(database, 1500, seed=5, now=T0, days=2)
    plans: list[str] = []

    def explain(connection: Connection, cursor: Any, statement: str, parameters: Any, *_: object) -> None:
        if statement.startswith("SELECT"):
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            plans.append(" | ".join(row[3] for row in rows))

    event.listen(database.engine, "before_cursor_execute", explain)
    try:
        for where in (QueueFilter(search="0142"), QueueFilter(statuses=EVERY_STATUS, search="555-01")):
            count = count_requests(database, where)
            first = fetch_rows(database, where, None, 2)
            second = fetch_rows(database, where, first[-1], 2)
            assert count > 4 and len(first) == len(second) == 2, count
    finally:
        event.remove(database.engine, "before_cursor_execute", explain)

    assert plans, "no statement was seen"
    for plan in plans:
        assert "USING PRIMARY KEY (suffix>? AND suffix<?)" in plan, plan
        assert "COVERING INDEX ix_patient_requests_phone_queue (phone_e164=?" in plan, plan
        assert "ix_patient_requests_queue " not in plan and "ix_patient_requests_open_queue" not in plan, plan
