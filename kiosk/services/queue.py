"""The reception queue: which requests a filter selects, read a page at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement

from kiosk.domain.requests import RequestKind
from kiosk.domain.workflow import OPEN_STATUSES, RequestStatus
from kiosk.storage.models import RequestRecord


@dataclass(frozen=True)
class QueueFilter:
    """What reception asked to see. The default is every open request."""

    statuses: frozenset[RequestStatus] = OPEN_STATUSES
    kinds: frozenset[RequestKind] = field(default_factory=lambda: frozenset(RequestKind))
    urgency: bool | None = None  # True: urgent only, False: not urgent only, None: both
    received_from: dt.date | None = None  # local calendar days, both ends included
    received_to: dt.date | None = None
    search: str = ""  # a name, a phone number or a reference code


def local_day_start(day: dt.date, zone: dt.tzinfo | None = None) -> dt.datetime:
    """Midnight at the start of `day` on this PC's clock (or in `zone`), as an aware time."""
    if zone is None:
        return dt.datetime.combine(day, dt.time()).astimezone()  # a naive time is read as local
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def filter_conditions(where: QueueFilter, zone: dt.tzinfo | None = None) -> list[ColumnElement[bool]]:
    """The WHERE conditions for everything but the search text (see search_conditions)."""
    conditions: list[ColumnElement[bool]] = []
    if where.statuses != frozenset(RequestStatus):
        conditions.append(RequestRecord.status.in_(sorted(status.value for status in where.statuses)))
    if where.kinds != frozenset(RequestKind):
        conditions.append(RequestRecord.kind.in_(sorted(kind.value for kind in where.kinds)))
    if where.urgency is not None:
        conditions.append(RequestRecord.urgent.is_(where.urgency))
    if where.received_from is not None:
        conditions.append(RequestRecord.created_at >= local_day_start(where.received_from, zone))
    if where.received_to is not None:
        next_day = where.received_to + dt.timedelta(days=1)
        conditions.append(RequestRecord.created_at < local_day_start(next_day, zone))
    return conditions
