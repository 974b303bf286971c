"""The drop folder's queue is filled in the transaction that stores a request or changes its status, and only
while a drop folder is switched on (migration 0009's triggers)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update

from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.casework import change_status, undo_status
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.models import HandoffEvent, HandoffState
from tests.services import factories

ALICE = Actor("alice", Role.RECEPTION, "front-desk-1", "Alice Moreau")
ARRIVED = dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.UTC)


def _switch_on(database: Database) -> None:
    with database.transaction() as session:
        session.execute(update(HandoffState).where(HandoffState.id == 1).values(enabled=True))


def _queued(database: Database) -> list[tuple[str, int, str, dt.datetime]]:
    with database.transaction() as session:
        rows = session.scalars(select(HandoffEvent).order_by(HandoffEvent.id))
        return [(row.request_id, row.version, row.status, row.changed_at) for row in rows]


def test_without_a_drop_folder_nothing_is_queued(any_database: Database) -> None:
    request = factories.appointment()
    submit_request(any_database, request, "kiosk-1", now=ARRIVED)

    assert _queued(any_database) == []


def test_a_new_request_and_each_status_change_are_queued_with_their_moment(any_database: Database) -> None:
    _switch_on(any_database)
    request = factories.urgent_follow_up()
    submit_request(any_database, request, "kiosk-1", now=ARRIVED)
    later = ARRIVED + dt.timedelta(minutes=5)
    case = change_status(any_database, str(request.request_id), RequestStatus.CONTACTED, expected_version=1,
                         actor=ALICE, now=later)  # fmt: skip
    undo_status(any_database, str(request.request_id), expected_version=case.version, actor=ALICE,
                now=later + dt.timedelta(seconds=30))  # fmt: skip

    uuid = str(request.request_id)
    assert _queued(any_database) == [
        (uuid, 1, "new", ARRIVED),
        (uuid, 2, "contacted", later),
        (uuid, 3, "new", later + dt.timedelta(seconds=30)),
    ]


def test_a_queue_id_is_never_handed_out_again_after_its_file_was_written(any_database: Database) -> None:
    # The ids name the files in order: one reused after the queue emptied would sort a new file before old ones.
    _switch_on(any_database)
    submit_request(any_database, factories.appointment(), "kiosk-1", now=ARRIVED)
    with any_database.transaction() as session:
        first = session.scalars(select(HandoffEvent.id)).one()
        session.execute(delete(HandoffEvent))

    submit_request(any_database, factories.appointment(), "kiosk-1", now=ARRIVED)

    with any_database.transaction() as session:
        assert session.scalars(select(HandoffEvent.id)).one() > first
