"""The reception queue: which requests a filter selects, urgent first then oldest, read a page at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeVar

import phonenumbers
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Row,
    Select,
    and_,
    false,
    func,
    literal_column,
    or_,
    select,
    tuple_,
    union,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal, _TraverseInternalsType

from kiosk.domain.reference import parse_reference
from kiosk.domain.requests import RequestKind
from kiosk.domain.search import fold_name, reference_part
from kiosk.domain.workflow import OPEN_STATUSES, RequestStatus
from kiosk.storage.database import Database
from kiosk.storage.models import PhoneNumberSuffix, RequestRecord

T = TypeVar("T")


@dataclass(frozen=True)
class QueueFilter:
    """What reception asked to see. The default is every open request."""

    statuses: frozenset[RequestStatus] = OPEN_STATUSES
    kinds: frozenset[RequestKind] = field(default_factory=lambda: frozenset(RequestKind))
    urgency: bool | None = None  # True: urgent only, False: not urgent only, None: both
    received_from: dt.date | None = None  # local calendar days, both ends included
    received_to: dt.date | None = None
    search: str = ""  # a name, a phone number or a reference code
    # Within urgent and then the rest: oldest first (the next to act on) or newest first (an inbox's order).
    newest_first: bool = False


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
_MIN_PHONE_DIGITS = 7  # a whole number
# The fewest digits searched as part of a number: an area code ("504"), or the last four ("0142").
MIN_PHONE_DIGITS = 3


def search_conditions(text: str, region: str = "US") -> list[ColumnElement[bool]]:
    """The WHERE conditions for what staff typed in the search box: a reference, a phone number or a name.

    An empty search adds nothing. Something with digits that is neither a reference nor a phone number
    matches nothing, rather than everything.
    """
    choices = search_choices(text, region)
    return [or_(*choices)] if len(choices) > 1 else choices


def search_choices(text: str, region: str = "US") -> list[ColumnElement[bool]]:
    """What staff typed as alternatives, any one of which selects a request (search_conditions joins them)."""
    typed = text.strip()
    if not typed:
        return []
    code = parse_reference(typed)
    if code is not None:
        if code.isdigit():
            return [RequestRecord.reference == code, *_phone_choices(typed, region)]  # or six digits of a phone
        if any(char.isdigit() for char in code):
            return [RequestRecord.reference == code]
        # Six letters from the code alphabet may be a name too ("Nguyen"): look for both.
        return [RequestRecord.reference == code, *_name_choices(typed)]
    part = reference_part(typed)
    if part is not None:
        # The start of a code, from the reference's unique index; letters alone may also be a name ("Ana").
        # Always read as a UNION (see _by_union), so the reference index is used even when it is the only choice.
        prefix = _starts_with(RequestRecord.reference, part)
        if part.isdigit():
            return [prefix, *_phone_choices(typed, region)]  # "4378": a code's start, or a phone's last four
        return [prefix] if any(char.isdigit() for char in part) else [prefix, *_name_choices(typed)]
    if any(char.isdigit() for char in typed):
        return _phone_choices(typed, region)
    return _name_choices(typed)


def _by_union(text: str, choices: list[ColumnElement[bool]]) -> bool:
    """Whether the search is read as one SELECT per choice (_matches) rather than one ordered SELECT.

    Several choices always are; so is the start of a reference, which given alone in an ordered SELECT makes
    SQLite walk the queue index in order and test every row (0.4 s at 100k requests) instead of reading the
    few matching codes from the reference index. So is part of a phone number, for the same reason (the
    queue index walked in order, each row's number tested, instead of the matching numbers' index ranges).
    """
    return bool(choices) and (len(choices) > 1 or reference_part(text) is not None or _phone_like(text))


def _phone_like(text: str) -> bool:
    """Digits, perhaps with the signs a phone number is written with: searched as (part of) a number."""
    typed = text.strip()
    return any(char.isdigit() for char in typed) and set(typed) <= _PHONE_CHARACTERS


def _phone_choices(typed: str, region: str) -> list[ColumnElement[bool]]:
    """Part of a phone number ("0142", "555-0142", "504"), or a whole one in any spelling; else nothing.

    Any run of MIN_PHONE_DIGITS or more digits, wherever it sits in the number, is one range of the numbers'
    endings (PhoneNumberSuffix: the numbers that have an ending starting with these digits); their requests
    are then ranges of the phone index. A whole number typed as the clinic writes it ("020 7946 0958", with a
    trunk 0 the stored +44 number lacks) is also looked up as the number it parses to.
    """
    if not set(typed) <= _PHONE_CHARACTERS:
        return [false()]
    digits = "".join(char for char in typed if char.isdigit())
    if len(digits) < MIN_PHONE_DIGITS:
        return [false()]
    ending = PhoneNumberSuffix.suffix
    numbers = select(PhoneNumberSuffix.phone_e164).where(ending >= digits)
    after = _next_digits(digits)
    if after is not None:
        numbers = numbers.where(ending < after)
    choices: list[ColumnElement[bool]] = [RequestRecord.phone_e164.in_(numbers)]
    whole = _phone_e164(typed, region)
    if whole is not None and digits not in whole:
        choices.append(RequestRecord.phone_e164 == whole)
    return choices


def _next_digits(digits: str) -> str | None:
    """The first digit string after every one starting with `digits` ("0142" -> "0143", "0199" -> "02").

    A bound made of digits compares the same way under every collation a PostgreSQL database may have, unlike
    a high character such as PREFIX_END. None when nothing is after them ("999").
    """
    kept = digits.rstrip("9")
    return kept[:-1] + str(int(kept[-1]) + 1) if kept else None


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


def _name_choices(typed: str) -> list[ColumnElement[bool]]:
    """One or more words: the start of a first or last name, or a first and a last name in either order."""
    # "Núñez, José" as the queue shows names; a word of only an apostrophe or a hyphen folds to nothing.
    words = [word for word in map(fold_name, typed.replace(",", " ").split()) if word]
    if not words:
        return [false()]
    whole = "".join(words)
    first, last = RequestRecord.first_name_key, RequestRecord.last_name_key
    # The whole text as one name also covers names with spaces or hyphens ("de la Cruz", "Thi Minh", "Smith-Jones").
    choices = [_starts_with(last, whole), _starts_with(first, whole)]
    for split in range(1, len(words)):
        head, tail = "".join(words[:split]), "".join(words[split:])
        choices.append(and_(_starts_with(first, head), _starts_with(last, tail)))
        choices.append(and_(_starts_with(last, head), _starts_with(first, tail)))
    return choices


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
    seen_at_desk_at: dt.datetime | None = None  # when someone pressed "Seen at the desk", and who
    seen_at_desk_by: str | None = None


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
    # Read with the page's rows by id, after the index has chosen them: the plans stay as they were.
    RequestRecord.seen_at_desk_at,
    RequestRecord.seen_at_desk_by,
)


def queue_conditions(where: QueueFilter, region: str = "US") -> list[ColumnElement[bool]]:
    """Everything the filter asks for, search text included."""
    return filter_conditions(where) + search_conditions(where.search, region)


# The queue counts at most this many matches exactly; more is said as "more than 10,000" (see count_requests).
COUNT_CAP = 10_000


def count_requests(database: Database, where: QueueFilter, *, region: str = "US", cap: int | None = None) -> int:
    """How many requests the filter selects; with `cap`, at most `cap` + 1 (meaning "more than `cap`").

    A dense search (part of a number every demo phone holds, one letter of a name) matches most rows, and counting
    them all exactly takes 0.2-0.85 s at 100k requests and seconds at a million; a LIMIT inside the count's
    subquery stops each count after `cap` + 1 matches, while the queue still pages through every one of them.
    """
    conditions = filter_conditions(where)
    choices = search_choices(where.search, region)
    with database.read() as session:
        if not _by_union(where.search, choices):
            if cap is None:
                statement = select(func.count()).select_from(RequestRecord).where(*conditions, *choices)
                return session.scalar(statement) or 0
            first = select(RequestRecord.id).where(*conditions, *choices).limit(cap + 1).subquery()
            return session.scalar(select(func.count()).select_from(first)) or 0
        total = 0
        for urgent in _urgencies(where):
            run = _matches(conditions, choices, urgent, where.search)
            if cap is not None:
                run = run.limit(cap + 1 - total)
            total += session.scalar(select(func.count()).select_from(run.subquery())) or 0
            if cap is not None and total > cap:
                break
        return total


def fetch_rows(
    database: Database, where: QueueFilter, after: QueueRow | None, limit: int, *, region: str = "US"
) -> list[QueueRow]:
    """Up to `limit` rows in queue order (urgent first, then oldest, then id; or newest first when the filter
    says so) that come after `after`.

    The newest-first order reads the same indexes backwards (both SQLite and PostgreSQL walk a B-tree either
    way), so it costs what the oldest-first order costs. Keyset paging, not OFFSET: page 5,000 costs what
    page 1 costs, and a request arriving between two pages neither repeats nor hides a row.
    """
    conditions = filter_conditions(where)
    choices = search_choices(where.search, region)
    rows: list[QueueRow] = []
    with database.read() as session:
        # Urgent and the rest are read as two runs ordered by (created_at, id), each an index range
        # with `urgent` fixed, instead of one ORDER BY urgent DESC that an ascending index cannot serve.
        for urgent in _urgencies(where):
            if len(rows) >= limit:
                break
            if after is not None and after.urgent is False and urgent:
                continue  # the cursor is already past every urgent row
            since = after if after is not None and after.urgent is urgent else None
            # The page's ids are put in order from an index alone; only the rows shown are read. Asked for whole
            # rows, SQLite walks the full queue index and reads the row behind every candidate to test its status,
            # instead of the open-queue index that holds only open requests (0.2 s a page at a million requests).
            matches: Select[dt.datetime, str] | CompoundSelect[tuple[dt.datetime, str]]
            newest = where.newest_first
            if not _by_union(where.search, choices):
                run = [*conditions, *choices]
                if since is not None:
                    run.append(_later_than(since, newest=newest))
                matches = select(RequestRecord.created_at, RequestRecord.id).where(*run, RequestRecord.urgent == urgent)
            else:
                # Given the cursor as a range it could use, SQLite walks the queue index instead (0.3 s a page).
                run = conditions if since is None else [*conditions, _later_than(since, indexed=False, newest=newest)]
                matches = _matches(run, choices, urgent, where.search)
            columns = (matches.selected_columns.created_at, matches.selected_columns.id)
            order = [column.desc() for column in columns] if newest else list(columns)
            hits = matches.order_by(*order).limit(limit - len(rows)).subquery()
            statement = select(*_ROW_COLUMNS).join(hits, RequestRecord.id == hits.c.id)
            in_page = (hits.c.created_at, hits.c.id)
            statement = statement.order_by(*([column.desc() for column in in_page] if newest else in_page))
            rows.extend(_queue_row(record) for record in session.execute(statement.limit(limit - len(rows))))
    return rows


def _later_than(row: QueueRow, *, indexed: bool = True, newest: bool = False) -> ColumnElement[bool]:
    """After `row` in one urgency's run (before it in time when `newest`); `indexed=False` keeps SQLite from
    reading it as an index range."""
    created_at, id_ = RequestRecord.created_at.expression, RequestRecord.id.expression
    if not indexed:
        created_at, id_ = _Unindexed(created_at), _Unindexed(id_)
    if newest:
        return tuple_(created_at, id_) < tuple_(row.created_at, row.id)
    return tuple_(created_at, id_) > tuple_(row.created_at, row.id)


class _Unindexed(ColumnElement[T]):
    """A column as it is, except that on SQLite no index may serve a condition on it.

    SQLite's documented way to steer its planner is a unary + ("+created_at"): same value, but not a
    term an index can answer. Other databases get the plain column and plan from their statistics.
    """

    inherit_cache = True
    # SQLAlchemy's own declaration, read to build the statement cache key.
    _traverse_internals: _TraverseInternalsType = [("column", InternalTraversal.dp_clauseelement)]  # noqa: RUF012

    def __init__(self, column: ColumnElement[T]) -> None:
        self.column = column
        self.type = column.type


@compiles(_Unindexed)
def _plain_column(element: _Unindexed[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(_Unindexed, "sqlite")
def _unary_plus(element: _Unindexed[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


def _urgencies(where: QueueFilter) -> tuple[bool, ...]:
    """The runs the queue is read in: urgent requests, then the rest, or only the kind the filter keeps."""
    return (True, False) if where.urgency is None else (where.urgency,)


def _matches(
    conditions: list[ColumnElement[bool]], choices: list[ColumnElement[bool]], urgent: bool, text: str = ""
) -> CompoundSelect[tuple[dt.datetime, str]]:
    """(created_at, id) of one urgency's requests that meet the conditions and any one of the search choices.

    A UNION of one SELECT per choice rather than one WHERE with OR: each SELECT is a range of one name
    index (urgent first, then a name key) that holds every column the conditions test, so no table row
    is read. Given the OR, SQLite instead walks the queue index in order and reads the row behind every
    candidate: 0.2-1.7 s a page at a million requests.
    """
    # The start of a reference (search_choices puts it first) is a short range of the reference index; given
    # `urgent` as an index term, SQLite walks the whole queue index for urgent instead (0.4 s at 100k requests).
    # Part of a phone number alone is one SELECT, not a compound one, so its ORDER BY would lead SQLite down the
    # queue index the same way; without `urgent` it reads the phone index for the matching numbers instead.
    by_code = reference_part(text) is not None
    by_phone = not by_code and _phone_like(text)
    return union(
        *(
            select(RequestRecord.created_at, RequestRecord.id).where(
                *conditions,
                (
                    _Unindexed(RequestRecord.urgent.expression)
                    if (by_code and n == 0) or by_phone
                    else RequestRecord.urgent
                )
                == urgent,
                choice,
            )
            for n, choice in enumerate(choices)
        )
    )


def _queue_row(
    record: Row[str, str, str, bool, str, str, dt.datetime, str, list[str], dt.datetime | None, str | None],
) -> QueueRow:
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
        seen_at_desk_at=record.seen_at_desk_at,
        seen_at_desk_by=record.seen_at_desk_by,
    )
