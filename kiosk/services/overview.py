"""The figures on reception's dashboard: requests per day by type, who is waiting, time to first contact."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from sqlalchemy import func, select

from kiosk.domain.requests import RequestKind
from kiosk.domain.workflow import RequestStatus
from kiosk.services.queue import local_day_start
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


def overview(database: Database, *, today: dt.date | None = None, days: int = 30) -> Overview:
    """The dashboard's figures for the `days` local calendar days ending with `today`."""
    if days < 1:
        raise ValueError("days must be at least 1")
    last_day = today or dt.date.today()
    first_day = last_day - dt.timedelta(days=days - 1)
    start, end = local_day_start(first_day), local_day_start(last_day + dt.timedelta(days=1))
    counts = {first_day + dt.timedelta(days=n): {kind: 0 for kind in RequestKind} for n in range(days)}
    waits: list[float] = []  # seconds from arrival to first contact
    with database.transaction() as session:
        # Local days depend on this PC's zone (and its summer-time changes), which SQL cannot
        # group by portably; so only the window's rows are read, three small columns each, in one pass.
        window = select(RequestRecord.created_at, RequestRecord.kind, RequestRecord.first_contact_at).where(
            RequestRecord.created_at >= start, RequestRecord.created_at < end
        )
        for created_at, kind, first_contact_at in session.execute(window):
            day_counts = counts.get(created_at.astimezone().date())
            if day_counts is not None and kind in _KINDS:
                day_counts[_KINDS[kind]] += 1
            if first_contact_at is not None:
                waits.append((first_contact_at - created_at).total_seconds())
        waiting: dict[bool, int] = {
            urgent: count
            for urgent, count in session.execute(
                select(RequestRecord.urgent, func.count())
                .where(RequestRecord.status == RequestStatus.NEW.value)
                .group_by(RequestRecord.urgent)
            )
        }
    return Overview(
        per_day=[
            DayCount(day=day, appointments=kinds[RequestKind.APPOINTMENT], follow_ups=kinds[RequestKind.FOLLOW_UP])
            for day, kinds in counts.items()
        ],
        waiting_now=sum(waiting.values()),
        waiting_urgent=waiting.get(True, 0),
        median_first_contact=dt.timedelta(seconds=statistics.median(waits)) if waits else None,
    )
