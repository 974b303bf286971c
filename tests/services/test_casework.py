"""Reception works a request: open it, move it along, write notes; two consoles never overwrite each other."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from kiosk.domain.audit import AuditAction
from kiosk.domain.requests import PatientRequest
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus, TransitionError
from kiosk.services.casework import (
    CaseNotFound,
    StaleCase,
    add_note,
    change_status,
    open_case,
    record_print,
)
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry, RequestEvent, RequestRecord
from tests.services import factories

ALICE = Actor("alice", Role.RECEPTION, "front-desk-1", "Alice Moreau")
BOB = Actor("bob", Role.RECEPTION, "front-desk-2", "Bob Tran")
ARRIVED = dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.UTC)


def _stored(database: Database, request: PatientRequest) -> str:
    submit_request(database, request, "kiosk-1", now=ARRIVED)
    return str(request.request_id)


def _audit(database: Database) -> list[AuditEntry]:
    with database.transaction() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _record(database: Database, request_id: str) -> RequestRecord:
    with database.transaction() as session:
        record = session.get(RequestRecord, request_id)
        assert record is not None
        return record


def test_opening_a_request_shows_it_as_sent_and_audits_the_view(any_database: Database) -> None:
    request = factories.urgent_follow_up()
    request_id = _stored(any_database, request)

    case = open_case(any_database, request_id, ALICE)

    assert case.request == request
    assert (case.urgent, case.status, case.version, case.events) == (True, RequestStatus.NEW, 1, [])
    assert (case.created_at, case.workstation) == (ARRIVED, "kiosk-1")
    [entry] = _audit(any_database)
    assert (entry.actor, entry.workstation, entry.action, entry.target, entry.detail) == (
        "alice",
        "front-desk-1",
        AuditAction.VIEW_REQUEST.value,
        request_id,
        case.reference,
    )


def test_a_reception_account_can_do_all_of_its_casework(any_database: Database) -> None:
    request_id = _stored(any_database, factories.appointment())
    case = open_case(any_database, request_id, ALICE)
    case = change_status(any_database, request_id, RequestStatus.CONTACTED, expected_version=case.version, actor=ALICE)
    case = add_note(any_database, request_id, "Booked for Thursday", actor=ALICE)
    record_print(any_database, request_id, ALICE)

    assert case.status is RequestStatus.CONTACTED
    assert [entry.action for entry in _audit(any_database)] == ["view_request", "status_change", "note", "print"]


def test_a_status_change_records_who_when_and_where(any_database: Database) -> None:
    request_id = _stored(any_database, factories.appointment())
    at = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)

    case = change_status(any_database, request_id, RequestStatus.CONTACTED, expected_version=1, actor=ALICE, now=at)

    assert (case.status, case.version, case.status_changed_by, case.status_changed_at) == (
        RequestStatus.CONTACTED,
        2,
        "alice",
        at,
    )
    [change] = case.events
    assert (change.kind, change.author, change.workstation, change.at) == ("status", "alice", "front-desk-1", at)
    assert (change.from_status, change.to_status, change.note) == (RequestStatus.NEW, RequestStatus.CONTACTED, None)
    [entry] = _audit(any_database)
    assert (entry.action, entry.target, entry.detail) == ("status_change", request_id, "new->contacted")


def test_the_second_console_is_told_who_changed_the_request_and_overwrites_nothing(any_database: Database) -> None:
    request_id = _stored(any_database, factories.appointment())
    on_alices_screen = open_case(any_database, request_id, ALICE)
    on_bobs_screen = open_case(any_database, request_id, BOB)
    alice_at = dt.datetime(2025, 3, 3, 9, 41, tzinfo=dt.UTC)
    change_status(
        any_database,
        request_id,
        RequestStatus.CONTACTED,
        expected_version=on_alices_screen.version,
        actor=ALICE,
        now=alice_at,
    )

    with pytest.raises(StaleCase) as stale:
        change_status(
            any_database, request_id, RequestStatus.NO_ANSWER, expected_version=on_bobs_screen.version, actor=BOB
        )

    message = str(stale.value)
    assert message.startswith(f"alice changed this request at {alice_at.astimezone():%H:%M} (it is now contacted)")
    assert "reloaded: check it and make your change again" in message
    assert stale.value.current.status is RequestStatus.CONTACTED
    assert stale.value.current.version == 2
    record = _record(any_database, request_id)
    assert (record.status, record.status_changed_by, record.version) == ("contacted", "alice", 2)
    assert [entry.actor for entry in _audit(any_database) if entry.action == "status_change"] == ["alice"]

    # Bob, now holding the fresh copy, can make his change.
    case = change_status(
        any_database, request_id, RequestStatus.SCHEDULED, expected_version=stale.value.current.version, actor=BOB
    )
    assert [(event.author, event.to_status) for event in case.events] == [
        ("alice", RequestStatus.CONTACTED),
        ("bob", RequestStatus.SCHEDULED),
    ]


def test_a_write_that_loses_a_race_at_the_database_is_a_stale_case_too(any_database: Database) -> None:
    """On PostgreSQL another console can commit between our read and our UPDATE; the ORM's version check catches it."""
    request_id = _stored(any_database, factories.appointment())

    def other_console_commits_first(session: Session, _context: object, _instances: object) -> None:
        session.connection().execute(
            text("UPDATE patient_requests SET version = version + 1, status_changed_by = 'bob' WHERE id = :id"),
            {"id": request_id},
        )

    event.listen(Session, "before_flush", other_console_commits_first, once=True)
    try:
        with pytest.raises(StaleCase) as stale:
            change_status(any_database, request_id, RequestStatus.CONTACTED, expected_version=1, actor=ALICE)
    finally:
        if event.contains(Session, "before_flush", other_console_commits_first):
            event.remove(Session, "before_flush", other_console_commits_first)

    assert "reloaded" in str(stale.value)
    assert _record(any_database, request_id).status == "new"
    assert _audit(any_database) == []


def test_a_move_the_workflow_refuses_changes_nothing(any_database: Database) -> None:
    request_id = _stored(any_database, factories.appointment())
    case = change_status(any_database, request_id, RequestStatus.CLOSED, expected_version=1, actor=ALICE)

    with pytest.raises(TransitionError, match="cannot be marked scheduled"):
        change_status(any_database, request_id, RequestStatus.SCHEDULED, expected_version=case.version, actor=ALICE)

    assert _record(any_database, request_id).status == "closed"
    assert len(_audit(any_database)) == 1


def test_first_contact_is_the_desks_first_action_and_is_kept(any_database: Database) -> None:
    request_id = _stored(any_database, factories.appointment())
    first = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
    later = dt.datetime(2025, 3, 4, 15, 0, tzinfo=dt.UTC)

    case = change_status(any_database, request_id, RequestStatus.NO_ANSWER, expected_version=1, actor=ALICE, now=first)
    assert case.first_contact_at == first
    case = change_status(
        any_database, request_id, RequestStatus.CONTACTED, expected_version=case.version, actor=BOB, now=later
    )

    assert case.first_contact_at == first
    assert (case.status_changed_at, case.status_changed_by) == (later, "bob")


def test_notes_keep_author_and_time_in_order_and_never_conflict(any_database: Database) -> None:
    request_id = _stored(any_database, factories.appointment())
    on_screen = open_case(any_database, request_id, ALICE)
    first = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
    second = dt.datetime(2025, 3, 3, 9, 5, tzinfo=dt.UTC)

    add_note(any_database, request_id, "  Left a voicemail\u200b  ", actor=ALICE, now=first)
    case = add_note(any_database, request_id, "Patient called back:\n\n\n\nprefers mornings", actor=BOB, now=second)

    assert [(event.kind, event.author, event.at, event.note) for event in case.events] == [
        ("note", "alice", first, "Left a voicemail"),
        ("note", "bob", second, "Patient called back:\n\nprefers mornings"),
    ]
    assert case.version == on_screen.version  # a console holding the request can still change its status
    change_status(any_database, request_id, RequestStatus.CONTACTED, expected_version=on_screen.version, actor=ALICE)
    notes = [entry for entry in _audit(any_database) if entry.action == "note"]
    assert [entry.detail for entry in notes] == ["16 characters", "38 characters"]


@pytest.mark.parametrize("typed", ["", "   ", "\u200b\u202e\n\t"])
def test_an_empty_note_is_refused_with_a_sentence(any_database: Database, typed: str) -> None:
    request_id = _stored(any_database, factories.appointment())
    with pytest.raises(ValueError, match=r"^Type a note before saving it\.$"):
        add_note(any_database, request_id, typed, actor=ALICE)
    assert _audit(any_database) == []


def test_a_note_over_2000_characters_is_refused_with_a_sentence(any_database: Database) -> None:
    request_id = _stored(any_database, factories.appointment())
    add_note(any_database, request_id, "x" * 2000, actor=ALICE)
    with pytest.raises(ValueError, match="2001 characters long and a note can hold 2000: shorten it"):
        add_note(any_database, request_id, "x" * 2001, actor=ALICE)
    with any_database.transaction() as session:
        assert len(list(session.scalars(select(RequestEvent)))) == 1


def test_no_patient_data_reaches_the_audit_trail(any_database: Database) -> None:
    request_id = _stored(any_database, factories.urgent_follow_up())
    case = open_case(any_database, request_id, ALICE)
    change_status(any_database, request_id, RequestStatus.CONTACTED, expected_version=case.version, actor=ALICE)
    add_note(any_database, request_id, f"Spoke to {factories.FIRST_NAME} on {factories.PHONE}", actor=ALICE)
    record_print(any_database, request_id, ALICE)

    for entry in _audit(any_database):
        for value in (*factories.PATIENT_VALUES, "Spoke to"):
            assert value not in f"{entry.target} {entry.detail}"


def test_an_unknown_request_is_a_sentence(any_database: Database) -> None:
    with pytest.raises(CaseNotFound, match="no longer in the database: refresh the queue"):
        open_case(any_database, "3f2b1c9e-0000-4000-8000-000000000000", ALICE)
