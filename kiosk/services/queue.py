"""The reception queue: which requests a filter selects, urgent first then oldest, read a page at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import phonenumbers
from sqlalchemy import ColumnElement, Row, and_, false, func, literal_column, or_, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from kiosk.domain.reference import parse_reference
from kiosk.domain.requests import RequestKind
from kiosk.domain.search import fold_name
from kiosk.domain.workflow import OPEN_STATUSES, RequestStatus
from kiosk.storage.database import Database
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


OPEN_ONLY = RequestRecord.status != literal_column(f"'{RequestStatus.CLOSED.value}'")


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
    if RequestStatus.CLOSED not in where.statuses:
        # Says again what the status list already says, in the exact words of the open-requests index's WHERE:
        # the database uses a partial index only when the query visibly implies it (a bound value would not).
        conditions.append(OPEN_ONLY)
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
    words = fold_name(typed.replace(",", " ")).split()  # "Núñez, José" as the queue shows names
    whole = " ".join(words)
    first, last = RequestRecord.first_name_key, RequestRecord.last_name_key
    # The whole text as one name also covers names with spaces ("de la Cruz", "Thi Minh").
    choices = [_starts_with(last, whole), _starts_with(first, whole)]
    for split in range(1, len(words)):
        head, tail = " ".join(words[:split]), " ".join(words[split:])
        choices.append(and_(_starts_with(first, head), _starts_with(last, tail)))
        choices.append(and_(_starts_with(last, head), _starts_with(first, tail)))
    return or_(*choices)


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue: enough to list and find a request, not the patient's answers."""

    id: str
    reference: str
    kind: RequestKind
    urgent: bool
    first_name: str
    last_name: str
    created_at: dt.datetime
    status: RequestStatus
    red_flags: tuple[str, ...]


_ROW_COLUMNS = (
    RequestRecord.id,
    RequestRecord.reference,
    RequestRecord.kind,
    RequestRecord.urgent,
    RequestRecord.first_name,
    RequestRecord.last_name,
    RequestRecord.created_at,
    RequestRecord.status,
    RequestRecord.red_flags,
)


def queue_conditions(where: QueueFilter, region: str = "US") -> list[ColumnElement[bool]]:
    """Everything the filter asks for, search text included."""
    return filter_conditions(where) + search_conditions(where.search, region)


def count_requests(database: Database, where: QueueFilter, *, region: str = "US") -> int:
    """How many requests the filter selects."""
    statement = select(func.count()).select_from(RequestRecord).where(*queue_conditions(where, region))
    with database.read() as session:
        return session.scalar(statement) or 0


def fetch_rows(
    database: Database, where: QueueFilter, after: QueueRow | None, limit: int, *, region: str = "US"
) -> list[QueueRow]:
    """Up to `limit` rows in queue order (urgent first, then oldest, then id) that come after `after`.

    Keyset paging, not OFFSET: page 5,000 costs what page 1 costs, and a request
    arriving between two pages neither repeats nor hides a row.
    """
    conditions = queue_conditions(where, region)
    rows: list[QueueRow] = []
    with database.read() as session:
        # Urgent and the rest are read as two runs ordered by (created_at, id), each an index range
        # with `urgent` fixed, instead of one ORDER BY urgent DESC that an ascending index cannot serve.
        for urgent in (True, False):
            if len(rows) >= limit:
                break
            if where.urgency is not None and where.urgency is not urgent:
                continue
            if after is not None and after.urgent is False and urgent:
                continue  # the cursor is already past every urgent row
            statement = select(*_ROW_COLUMNS).where(*conditions, RequestRecord.urgent == urgent)
            if after is not None and after.urgent is urgent:
                statement = statement.where(
                    tuple_(RequestRecord.created_at, RequestRecord.id) > tuple_(after.created_at, after.id)
                )
            statement = statement.order_by(RequestRecord.created_at, RequestRecord.id).limit(limit - len(rows))
            rows.extend(_queue_row(record) for record in session.execute(statement))
    return rows


def _queue_row(record: Row[str, str, str, bool, str, str, dt.datetime, str, list[str]]) -> QueueRow:
    return QueueRow(
        id=record.id,
        reference=record.reference,
        kind=RequestKind(record.kind),
        urgent=bool(record.urgent),
        first_name=record.first_name,
        last_name=record.last_name,
        created_at=record.created_at,
        status=RequestStatus(record.status),
        red_flags=tuple(record.red_flags or ()),
    )
