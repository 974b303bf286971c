"""The figures on reception's dashboard: requests per day by type, who is waiting, time to first contact and to
"Seen at the desk"."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kiosk.domain.requests import RequestKind
from kiosk.domain.workflow import RequestStatus
from kiosk.services.queue import QueueFilter, filter_conditions, local_day_start
from kiosk.services.urgent_alarm import SeenTimes, seen_at_desk_times
from kiosk.storage.database import Database
from kiosk.storage.models import RequestRecord

_KINDS = {kind.value: kind for kind in RequestKind}  # a kind a newer version stores is left out, not an error


@dataclass(frozen=True)
class DayCount:
    day: dt.date  # a calendar day on this PC's clock
    appointments: int
    follow_ups: int


@dataclass(frozen=True)
class Overview:
    per_day: list[DayCount]  # every day of the window, oldest first, zero when nothing came in
    waiting_now: int  # requests nobody at the desk has acted on yet
    waiting_urgent: int  # of those, the urgent ones
    median_first_contact: dt.timedelta | None  # over the window's requests the desk has acted on; None if none
    # Per day of the last SEEN_DAYS, oldest first: urgent requests and how long they waited for "Seen at the desk".
    seen_at_desk: list[SeenTimes] = field(default_factory=list)


SEEN_DAYS = 14  # two working weeks: enough days to see a trend, few enough rows to read at a glance


def overview(
    database: Database, *, today: dt.date | None = None, days: int = 30, seen_days: int = SEEN_DAYS
) -> Overview:
    """The dashboard's figures for the `days` local days ending with `today` (the last `seen_days` for urgent ones)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    last_day = today or dt.date.today()
    first_day = last_day - dt.timedelta(days=days - 1)
    starts = [local_day_start(first_day + dt.timedelta(days=n)) for n in range(days + 1)]
    # Local days follow this PC's zone and its summer-time changes, which SQL cannot group by
    # portably; a CASE over the days' start times can, so the database counts and sends 2 x days rows.
    day_number = case(
        *((RequestRecord.created_at < starts[n + 1], n) for n in range(days)),
        else_=days,
    ).label("day_number")
    in_window = (RequestRecord.created_at >= starts[0], RequestRecord.created_at < starts[-1])
    counts = [dict.fromkeys(RequestKind, 0) for _ in range(days)]
    with database.read() as session:
        for number, kind, count in session.execute(
            select(day_number, RequestRecord.kind, func.count())
            .where(*in_window)
            # By the label's name: repeating the CASE would repeat its parameters, which
            # PostgreSQL need not see as the same expression as the one selected.
            .group_by("day_number", RequestRecord.kind)
        ):
            if number < days and kind in _KINDS:
                counts[number][_KINDS[kind]] += count
        # The median needs every wait: only the window's contacted requests, two columns each.
        waits = [
            (first_contact_at - created_at).total_seconds()
            for created_at, first_contact_at in session.execute(
                select(RequestRecord.created_at, RequestRecord.first_contact_at).where(
                    *in_window, RequestRecord.first_contact_at.is_not(None)
                )
            )
            if first_contact_at is not None
        ]
        waiting = _waiting_by_urgency(session)
    return Overview(
        per_day=[
            DayCount(
                day=first_day + dt.timedelta(days=n),
                appointments=kinds[RequestKind.APPOINTMENT],
                follow_ups=kinds[RequestKind.FOLLOW_UP],
            )
            for n, kinds in enumerate(counts)
        ],
        waiting_now=sum(waiting.values()),
        waiting_urgent=waiting.get(True, 0),
        median_first_contact=dt.timedelta(seconds=statistics.median(waits)) if waits else None,
        seen_at_desk=seen_at_desk_times(database, today=last_day, days=seen_days),
    )


@dataclass(frozen=True)
class WaitingNow:
    """Counts only, no patient detail: what a locked console may show (issue 24)."""

    waiting: int  # requests nobody at the desk has acted on yet, as Overview's "Waiting now"
    urgent: int  # of those, the urgent ones


def waiting_now(database: Database) -> WaitingNow:
    with database.read() as session:
        waiting = _waiting_by_urgency(session)
    return WaitingNow(waiting=sum(waiting.values()), urgent=waiting.get(True, 0))


def _waiting_by_urgency(session: Session) -> dict[bool, int]:
    return {
        urgent: count
        for urgent, count in session.execute(
            select(RequestRecord.urgent, func.count())
            # The queue's own status conditions, which let SQLite read the small open-queue index.
            .where(*filter_conditions(QueueFilter(statuses=frozenset({RequestStatus.NEW}))))
            .group_by(RequestRecord.urgent)
        )
    }
