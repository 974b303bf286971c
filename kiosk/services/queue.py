"""The reception queue: which requests a filter selects, read a page at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import phonenumbers
from sqlalchemy import ColumnElement, and_, false, or_
from sqlalchemy.orm import InstrumentedAttribute

from kiosk.domain.reference import parse_reference
from kiosk.domain.requests import RequestKind
from kiosk.domain.search import fold_name
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


# Sorts after every character a folded name holds, so [prefix, prefix + PREFIX_END) is "starts with prefix"
# as a plain range both SQLite and PostgreSQL answer from an ordinary index (LIKE often cannot use one).
PREFIX_END = "\uffff"
_PHONE_CHARACTERS = frozenset("0123456789+-().\u2010\u2011\u2012\u2013\u2014\u2212 ")
_MIN_PHONE_DIGITS = 7


def search_conditions(text: str, region: str = "US") -> list[ColumnElement[bool]]:
    """The WHERE conditions for what staff typed in the search box: a reference, a phone number or a name.

    An empty search adds nothing. Something with digits that is neither a reference nor a phone number
    matches nothing, rather than everything.
    """
    typed = text.strip()
    if not typed:
        return []
    code = parse_reference(typed)
    if code is not None:
        if any(char.isdigit() for char in code):
            return [RequestRecord.reference == code]
        # Six letters from the code alphabet may be a name too ("Nguyen"): look for both.
        return [or_(RequestRecord.reference == code, _name_condition(typed))]
    if any(char.isdigit() for char in typed):
        phone = _phone_e164(typed, region)
        return [RequestRecord.phone_e164 == phone] if phone is not None else [false()]
    return [_name_condition(typed)]


def _phone_e164(typed: str, region: str) -> str | None:
    if not set(typed) <= _PHONE_CHARACTERS or sum(char.isdigit() for char in typed) < _MIN_PHONE_DIGITS:
        return None
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _starts_with(column: InstrumentedAttribute[str], prefix: str) -> ColumnElement[bool]:
    return and_(column >= prefix, column < prefix + PREFIX_END)


def _name_condition(typed: str) -> ColumnElement[bool]:
    """One or more words: the start of a first or last name, or a first and a last name in either order."""
    words = fold_name(typed).split()
    whole = " ".join(words)
    first, last = RequestRecord.first_name_key, RequestRecord.last_name_key
    # The whole text as one name also covers names with spaces ("de la Cruz", "Thi Minh").
    choices = [_starts_with(last, whole), _starts_with(first, whole)]
    for split in range(1, len(words)):
        head, tail = " ".join(words[:split]), " ".join(words[split:])
        choices.append(and_(_starts_with(first, head), _starts_with(last, tail)))
        choices.append(and_(_starts_with(last, head), _starts_with(first, tail)))
    return or_(*choices)
