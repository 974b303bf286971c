"""The to-do list: what needs doing next across open requests, most pressing first, with the reason in words."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.next_actions import ActionKind, next_actions
from kiosk.services.urgent_alarm import mark_seen_at_desk
from kiosk.storage.database import Database
from kiosk.storage.models import RequestRecord
from tests.services import factories
from tests.services.test_queue import T0, _store

NOW = T0 + dt.timedelta(days=3)  # T0 + minutes below: the requests arrived three days ago, or later
DESK = Actor("alice", Role.RECEPTION, "front-desk-1")


def _status(database: Database, reference: str, status: RequestStatus, *, ago: dt.timedelta) -> None:
    with database.transaction() as session:
        session.execute(
            update(RequestRecord)
            .where(RequestRecord.reference == reference)
            .values(status=status.value, status_changed_at=NOW - ago)
        )


def _minutes_ago(minutes: float) -> int:
    return round((NOW - T0).total_seconds() / 60 - minutes)


def test_the_list_puts_what_is_most_pressing_first_and_says_why(any_database: Database) -> None:
    db = any_database
    old_new = _store(db, factories.appointment(), minutes=_minutes_ago(60 * 30), first="Ana", last="Old")
    fresh_new = _store(db, factories.appointment(), minutes=_minutes_ago(90), first="Ben", last="Fresh")
    urgent = _store(db, factories.urgent_follow_up(), minutes=_minutes_ago(12), first="Cy", last="Urgent")
    seen = _store(db, factories.urgent_follow_up(), minutes=_minutes_ago(40), first="Di", last="Seen")
    retry = _store(db, factories.appointment(), minutes=0, first="Ed", last="Retry")
    too_soon = _store(db, factories.appointment(), minutes=1, first="Flo", last="Soon")
    unreachable = _store(db, factories.appointment(), minutes=2, first="Gus", last="Gone")
    contacted = _store(db, factories.appointment(), minutes=3, first="Hal", last="Contacted")
    scheduled = _store(db, factories.appointment(), minutes=4, first="Ivy", last="Booked")
    closed = _store(db, factories.appointment(), minutes=5, first="Jo", last="Closed")
    _status(db, retry, RequestStatus.NO_ANSWER, ago=dt.timedelta(hours=4))
    _status(db, too_soon, RequestStatus.NO_ANSWER, ago=dt.timedelta(hours=1))
    _status(db, unreachable, RequestStatus.UNREACHABLE, ago=dt.timedelta(days=2))
    _status(db, contacted, RequestStatus.CONTACTED, ago=dt.timedelta(days=2, hours=1))
    _status(db, scheduled, RequestStatus.SCHEDULED, ago=dt.timedelta(days=2))
    _status(db, closed, RequestStatus.CLOSED, ago=dt.timedelta(days=2))
    seen_id = next(row.id for row in _rows(db) if row.reference == seen)
    mark_seen_at_desk(db, seen_id, DESK, now=NOW - dt.timedelta(minutes=30))

    actions = next_actions(db, now=NOW)

    assert [(action.reference, action.action) for action in actions] == [
        (urgent, ActionKind.URGENT_UNSEEN),
        (seen, ActionKind.OVERDUE),  # seen at the desk, but its 10-minute target for a call back is past
        (old_new, ActionKind.OVERDUE),
        (fresh_new, ActionKind.NEW),
        (retry, ActionKind.TRY_AGAIN),
        (unreachable, ActionKind.UNREACHABLE),
        (contacted, ActionKind.NOT_BOOKED),
    ]
    words = {action.reference: (action.what_to_do, action.reason) for action in actions}
    assert words[urgent] == ("See or call now", "Urgent, waiting 12 min, not yet seen at the desk.")
    assert words[old_new] == ("Call back", "New, waiting 30 h: past the 24 hours target.")
    assert words[fresh_new] == ("Call back", "New, waiting 1 h 30 min.")
    assert words[seen][1] == (
        "New, waiting 40 min: past the 10 minutes target. Urgent, seen at the desk; nobody has called yet."
    )
    assert words[retry] == ("Try again", "No answer 4 h ago.")
    assert words[unreachable] == ("Try once more or close", "Could not reach 2 days ago.")
    assert words[contacted] == ("Follow up", "Contacted 2 days 1 h ago, no appointment yet.")


def test_the_list_is_short_however_long_the_queue(database: Database) -> None:
    for n in range(8):
        _store(database, factories.appointment(), minutes=n)
    assert len(next_actions(database, now=NOW, limit=5)) == 5
    assert next_actions(database, now=T0 - dt.timedelta(days=1)) != []  # a clock behind: nothing negative breaks


def _rows(database: Database) -> list[RequestRecord]:
    with database.read() as session:
        return list(session.query(RequestRecord))
