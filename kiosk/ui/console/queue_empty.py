"""What the queue says instead of an empty table: why nothing is listed and what to try next."""

from __future__ import annotations

import datetime as dt

from kiosk.domain.workflow import OPEN_STATUSES, STATUS_LABELS, RequestStatus
from kiosk.services.queue import QueueFilter


def date_range_problem(where: QueueFilter) -> str | None:
    """A sentence when the "to" day is before the "from" day (nothing could ever match), else None."""
    if where.received_from is None or where.received_to is None or where.received_to >= where.received_from:
        return None
    return (
        f"The “to” date ({_day(where.received_to)}) is before the “from” date ({_day(where.received_from)}):"
        " choose a “to” date on or after it, or press Clear dates."
    )


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"  # no %-d: Windows' strftime does not know it


def status_words(statuses: frozenset[RequestStatus]) -> str:
    if statuses == OPEN_STATUSES:
        return "open requests"
    if statuses == frozenset(RequestStatus):
        return "requests of any status"
    return " or ".join(STATUS_LABELS[status].lower() for status in RequestStatus if status in statuses) + " requests"


def empty_sentence(where: QueueFilter) -> str:
    """Why the list is empty for this filter, in one sentence that says what to do."""
    problem = date_range_problem(where)
    if problem is not None:
        return problem
    narrowed = (
        where.received_from is not None
        or where.received_to is not None
        or where.urgency is not None
        or where.kinds != QueueFilter().kinds
    )
    among = status_words(where.statuses)
    if where.search:
        hint = " Check the spelling, or widen the filters." if narrowed else " Check the spelling or the number."
        return f"No {among} match “{where.search}”.{hint}"
    if narrowed:
        return f"No {among} match these filters: widen them or press Clear dates."
    if where.statuses == OPEN_STATUSES:
        return "No open requests: the queue is clear. New ones appear here as patients send them."
    return f"There are no {among}."
