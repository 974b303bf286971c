"""The urgent loop's desk side without Qt: which urgent requests still wait for a person, and "Seen at the desk".

An urgent request (a follow-up reporting a warning sign) waits for a person until someone presses
"Seen at the desk" or first acts on it (any status change from "new"): until then every console keeps
its alarm raised. Both the count and the acknowledgement are read and written here, so the console's
banner, its background watcher, the detail view and the bench all agree on what "waiting" means.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from kiosk.domain.audit import AuditAction
from kiosk.domain.red_flags import RED_FLAG_QUESTIONS
from kiosk.domain.requests import RedFlag
from kiosk.domain.staff import Actor, Permission
from kiosk.domain.workflow import EventKind, RequestStatus
from kiosk.services.audit import record_for
from kiosk.services.authority import acting
from kiosk.services.queue import OPEN_ONLY, local_day_start
from kiosk.storage.database import Database
from kiosk.storage.models import RequestEvent, RequestRecord


def _waiting_conditions() -> list[ColumnElement[bool]]:
    return [
        RequestRecord.urgent.is_(True),
        RequestRecord.status == RequestStatus.NEW.value,
        # Says again what status = 'new' implies, in the open-queue index's own words, so the database
        # reads the small partial index (see kiosk/services/queue.py).
        OPEN_ONLY,
        RequestRecord.seen_at_desk_at.is_(None),
    ]


@dataclass(frozen=True)
class UrgentWaiting:
    """Urgent requests nobody at the desk has seen yet: how many, and the newest one's code and signs.

    Holds a reference code and warning signs, never a name: a locked console shows only the count.
    """

    count: int
    ids: frozenset[str]  # which ones: a new id among them raises the alarm again at once
    newest_id: str | None = None
    newest_reference: str | None = None
    newest_flags: tuple[RedFlag, ...] = ()  # in the order the kiosk asks, most serious first
    newest_at: dt.datetime | None = None
    oldest_at: dt.datetime | None = None  # how long the longest-waiting one has waited

    @property
    def any(self) -> bool:
        return self.count > 0


NOTHING_WAITING = UrgentWaiting(0, frozenset())


def urgent_waiting(database: Database) -> UrgentWaiting:
    """One small indexed read: the urgent requests still waiting for a person, newest first."""
    statement = (
        select(RequestRecord.id, RequestRecord.reference, RequestRecord.red_flags, RequestRecord.created_at)
        .where(*_waiting_conditions())
        .order_by(RequestRecord.created_at.desc(), RequestRecord.id.desc())
    )
    with database.read() as session:
        rows = session.execute(statement).all()
    if not rows:
        return NOTHING_WAITING
    newest = rows[0]
    stored = set(newest.red_flags or ())
    return UrgentWaiting(
        count=len(rows),
        ids=frozenset(row.id for row in rows),
        newest_id=newest.id,
        newest_reference=newest.reference,
        newest_flags=tuple(flag for flag in RED_FLAG_QUESTIONS if flag.value in stored),
        newest_at=newest.created_at,
        oldest_at=rows[-1].created_at,
    )


@dataclass(frozen=True)
class SeenAtDesk:
    """Who pressed "Seen at the desk" on a request, and when; `already` if someone else had, first."""

    request_id: str
    reference: str
    at: dt.datetime
    by: str
    already: bool


class NotUrgentError(ValueError):
    """Only an urgent request raises the alarm that "Seen at the desk" answers; the message says so."""


def mark_seen_at_desk(
    database: Database, request_id: str, actor: Actor, *, now: dt.datetime | None = None
) -> SeenAtDesk:
    """Record that `actor` saw the patient at the desk: once per request, audited, in one transaction.

    Pressed again (or on another console a moment later) it changes nothing and says who was first.
    """
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    # The account's stored state, not the sign-in copy (kiosk.services.authority).
    with acting(database, actor, Permission.WORK_REQUESTS, target=request_id) as session:
        record = session.get(RequestRecord, request_id)
        if record is None:
            raise LookupError(f"Request {request_id} is no longer in the database: refresh the queue and look again.")
        if not record.urgent:
            raise NotUrgentError(f"Request {record.reference} is not urgent, so there is no alarm to answer.")
        if record.seen_at_desk_at is not None:
            return SeenAtDesk(request_id, record.reference, record.seen_at_desk_at, record.seen_at_desk_by or "", True)
        record.seen_at_desk_at = moment
        record.seen_at_desk_by = actor.username
        session.add(
            RequestEvent(
                request_id=request_id,
                at=moment,
                author=actor.username,
                workstation=actor.workstation,
                kind=EventKind.SEEN,
            )
        )
        record_for(session, actor, AuditAction.SEEN_AT_DESK, target=request_id, detail=record.reference, now=moment)
        reference = record.reference
    return SeenAtDesk(request_id, reference, moment, actor.username, False)


@dataclass(frozen=True)
class SeenTimes:
    """One local day's urgent requests and how long each waited for "Seen at the desk"."""

    day: dt.date
    urgent: int  # urgent requests that arrived that day
    seen: int  # of those, seen at the desk
    median: dt.timedelta | None
    p90: dt.timedelta | None


def _percentile(values: list[float], fraction: float) -> float:
    # Nearest rank: with a handful of urgent requests a day, an interpolated 90th percentile would be
    # a time no request actually waited.
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def seen_at_desk_times(database: Database, *, today: dt.date | None = None, days: int = 14) -> list[SeenTimes]:
    """Per local day, oldest first: urgent requests, how many were seen, median and 90th-percentile wait."""
    if days < 1:
        raise ValueError("days must be at least 1")
    last_day = today or dt.date.today()
    first_day = last_day - dt.timedelta(days=days - 1)
    starts = [local_day_start(first_day + dt.timedelta(days=n)) for n in range(days + 1)]
    waits: list[list[float]] = [[] for _ in range(days)]
    arrived = [0] * days
    statement = select(RequestRecord.created_at, RequestRecord.seen_at_desk_at).where(
        RequestRecord.urgent.is_(True), RequestRecord.created_at >= starts[0], RequestRecord.created_at < starts[-1]
    )
    with database.read() as session:
        for created_at, seen_at in session.execute(statement):
            number = next(n for n in range(days) if created_at < starts[n + 1])
            arrived[number] += 1
            if seen_at is not None:
                waits[number].append(max(0.0, (seen_at - created_at).total_seconds()))
    return [
        SeenTimes(
            day=first_day + dt.timedelta(days=n),
            urgent=arrived[n],
            seen=len(waits[n]),
            median=dt.timedelta(seconds=statistics.median(waits[n])) if waits[n] else None,
            p90=dt.timedelta(seconds=_percentile(waits[n], 0.9)) if waits[n] else None,
        )
        for n in range(days)
    ]
