"""The desk side of the urgent loop: what still waits for a person, "Seen at the desk", and how long it took."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kiosk.domain.audit import AuditAction
from kiosk.domain.requests import RedFlag
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.casework import change_status, open_case
from kiosk.services.requests import submit_request
from kiosk.services.urgent_alarm import (
    NotUrgentError,
    mark_seen_at_desk,
    seen_at_desk_times,
    urgent_waiting,
)
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry
from tests.services import factories

ALICE = Actor("alice", Role.RECEPTION, "front-desk-1", "Alice Moreau")
BOB = Actor("bob", Role.RECEPTION, "front-desk-2", "Bob Tran")
MORNING = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)


def _urgent(database: Database, at: dt.datetime, flags: frozenset[RedFlag] | None = None) -> tuple[str, str]:
    request = factories.follow_up(red_flags=flags or frozenset({RedFlag.FEVER}))
    receipt = submit_request(database, request, "kiosk-1", now=at)
    return str(request.request_id), receipt.reference


def test_nothing_waits_on_an_empty_database_or_with_only_routine_requests(any_database: Database) -> None:
    assert not urgent_waiting(any_database).any
    submit_request(any_database, factories.follow_up(), "kiosk-1", now=MORNING)
    submit_request(any_database, factories.appointment(), "kiosk-1", now=MORNING)
    assert urgent_waiting(any_database).count == 0


def test_the_newest_urgent_request_leads_with_its_code_and_signs_most_serious_first(any_database: Database) -> None:
    first_id, _ = _urgent(any_database, MORNING)
    newest_id, newest_code = _urgent(
        any_database,
        MORNING + dt.timedelta(minutes=3),
        frozenset({RedFlag.FEVER, RedFlag.BLADDER_OR_BOWEL_CHANGES}),
    )

    waiting = urgent_waiting(any_database)

    assert (waiting.count, waiting.ids) == (2, {first_id, newest_id})
    assert (waiting.newest_id, waiting.newest_reference) == (newest_id, newest_code)
    assert waiting.newest_flags == (RedFlag.BLADDER_OR_BOWEL_CHANGES, RedFlag.FEVER)
    assert (waiting.newest_at, waiting.oldest_at) == (MORNING + dt.timedelta(minutes=3), MORNING)


def test_seen_at_desk_stops_the_wait_is_audited_and_shows_in_the_record(any_database: Database) -> None:
    request_id, code = _urgent(any_database, MORNING)
    seen_at = MORNING + dt.timedelta(minutes=2)

    seen = mark_seen_at_desk(any_database, request_id, ALICE, now=seen_at)

    assert (seen.reference, seen.by, seen.at, seen.already) == (code, "alice", seen_at, False)
    assert not urgent_waiting(any_database).any
    case = open_case(any_database, request_id, ALICE)
    assert [(event.kind, event.author, event.at) for event in case.events] == [("seen", "alice", seen_at)]
    with any_database.read() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.SEEN_AT_DESK.value))
    assert (entry.actor, entry.workstation, entry.target, entry.detail) == ("alice", "front-desk-1", request_id, code)


def test_a_second_press_on_another_console_changes_nothing_and_names_who_was_first(any_database: Database) -> None:
    request_id, _ = _urgent(any_database, MORNING)
    mark_seen_at_desk(any_database, request_id, ALICE, now=MORNING + dt.timedelta(minutes=1))

    again = mark_seen_at_desk(any_database, request_id, BOB, now=MORNING + dt.timedelta(minutes=2))

    assert (again.already, again.by, again.at) == (True, "alice", MORNING + dt.timedelta(minutes=1))
    with any_database.read() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert actions.count(AuditAction.SEEN_AT_DESK.value) == 1


def test_acting_on_the_request_also_ends_the_wait(any_database: Database) -> None:
    request_id, _ = _urgent(any_database, MORNING)
    change_status(any_database, request_id, RequestStatus.CONTACTED, expected_version=1, actor=ALICE)
    assert not urgent_waiting(any_database).any


def test_a_routine_request_has_no_alarm_to_answer(any_database: Database) -> None:
    request = factories.follow_up()
    submit_request(any_database, request, "kiosk-1", now=MORNING)
    with pytest.raises(NotUrgentError, match="not urgent"):
        mark_seen_at_desk(any_database, str(request.request_id), ALICE)


def test_seen_times_per_day_give_the_median_and_the_90th_percentile(database: Database) -> None:
    day = MORNING.astimezone().date()
    for minutes in (1, 2, 3, 4, 5, 6, 7, 8, 9, 30):
        at = MORNING + dt.timedelta(seconds=minutes)
        request_id, _ = _urgent(database, at)
        mark_seen_at_desk(database, request_id, ALICE, now=at + dt.timedelta(minutes=minutes))
    _urgent(database, MORNING + dt.timedelta(minutes=50))  # still waiting: counted, not timed

    *earlier, today = seen_at_desk_times(database, today=day, days=3)

    assert [(row.urgent, row.seen, row.median) for row in earlier] == [(0, 0, None), (0, 0, None)]
    assert (today.day, today.urgent, today.seen) == (day, 11, 10)
    assert today.median == dt.timedelta(minutes=5.5)
    assert today.p90 == dt.timedelta(minutes=9)
