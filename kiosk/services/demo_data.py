"""Synthetic requests for demonstrations and load tests: made-up people, fictional phone numbers, never real data."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import insert, select

from kiosk.domain.reference import ALPHABET, LENGTH
from kiosk.domain.requests import (
    OTHER_REASON,
    ContactMethod,
    ContactTime,
    NextStep,
    PatientStatus,
    RedFlag,
    ReliefDuration,
    RequestKind,
    Weekday,
    YesNoUnsure,
)
from kiosk.domain.search import fold_name
from kiosk.domain.workflow import RequestStatus
from kiosk.storage.database import Database
from kiosk.storage.migrations import upgrade_to_head
from kiosk.storage.models import RequestRecord

T = TypeVar("T")
_Row = dict[str, Any]
BATCH_SIZE = 10_000
DEFAULT_DAYS = 730
DEMO_STAFF = "demo"  # who "worked" the closed requests: no real account has this name

# Accented Spanish and Vietnamese names on purpose: they exercise search folding ("Nguyễn" found by "nguyen").
FIRST_NAMES = (
    "José", "María", "Lucía", "Sofía", "Andrés", "Raúl", "Inés", "Jesús", "Mónica", "Verónica", "Ángel",
    "Camila", "Diego", "Valentina", "Mateo", "Ximena", "Minh", "Anh", "Linh", "Hương", "Thảo", "Phương",
    "Tuấn", "Dũng", "Hùng", "Quân", "Trang", "Ngọc", "Hạnh", "Đức", "Thị Mai", "Văn Long", "James", "Mary",
    "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William", "Barbara",
    "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy",
    "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Sandra", "Grace", "Zoë", "Chloé", "Renée", "Noël",
)  # fmt: skip
LAST_NAMES = (
    "García", "Hernández", "López", "Martínez", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez",
    "Jiménez", "Núñez", "Peña", "Muñoz", "Álvarez", "Ibáñez", "Cortés", "de la Cruz", "Gómez-Ortiz",
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis",
    "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker",
    "O'Brien", "McDonald", "Sullivan", "Kowalski", "Schmidt", "Müller", "Lefèvre", "Brontë",
)  # fmt: skip
# Real area codes with exchange 555 and line 0100-0199: the range set aside for fiction, so nobody gets called.
AREA_CODES = ("504", "212", "305", "713", "415", "617", "206", "312", "702", "602", "404", "214", "503", "612")
REASONS = (
    "si-joint-dysfunction",
    "sacroiliitis",
    "pregnancy-pelvic-pain",
    "ankylosing-spondylitis",
    "posture-gait-imbalance",
    "after-spine-surgery",
    "si-joint-injection",
    OTHER_REASON,
)
OTHER_WORDS = ("Low back pain after gardening", "Hip ache when I walk", "Second opinion", "Pain in my side")
CONCERNS = ("", "", "", "The site is a little sore", "When can I drive again?", "Can I go back to the gym?")
PROCEDURE = "si-joint-injection"
WORKSTATIONS = ("DEMO-KIOSK-1", "DEMO-KIOSK-2")
FOLLOW_UP_SHARE = 0.4
URGENT_SHARE = 0.03  # of all requests: follow-ups with a warning sign
OPEN_AFTER_WORK = (RequestStatus.CONTACTED, RequestStatus.NO_ANSWER, RequestStatus.SCHEDULED, RequestStatus.UNREACHABLE)
_CODE_SPACE = len(ALPHABET) ** LENGTH
_UUID_SPACE = 1 << 128


def open_empty_database(path: Path) -> Database:
    """A new SQLite database at `path` with the current schema and no rows, for previews and screenshots."""
    database = Database.open(f"sqlite:///{path}")
    try:
        upgrade_to_head(database.engine)
    except BaseException:
        database.close()
        raise
    return database


def generate_requests(
    database: Database,
    count: int,
    *,
    seed: int = 0,
    now: dt.datetime | None = None,
    days: int = DEFAULT_DAYS,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add `count` synthetic requests received over the last `days` days; the same seed gives the same rows.

    Recent requests are mostly open and older ones mostly closed, as at a desk that keeps up.
    `progress` hears the running total after each batch. Returns how many rows were added.
    """
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)
    with database.transaction() as session:
        # Read once, only when there is something to clash with: a demo added on top of another one.
        taken = (
            set(session.scalars(select(RequestRecord.reference)))
            if session.scalar(select(RequestRecord.id).limit(1))
            else set()
        )
    sqlite = database.engine.dialect.name == "sqlite"
    # On SQLite the rows are made in the form the ORM's types would bind them and handed straight to the
    # driver: the per-value conversions are over half the time of a million rows. Elsewhere Core does it.
    # The rows already there are part of the seed: demo data added on top of the same seed's gets new ids.
    rng = random.Random(f"{seed}/{len(taken)}")
    # "Seen at the desk" draws from a stream of its own, so adding it left every other value as it was.
    seen_rng = random.Random(f"{seed}/{len(taken)}/seen")
    maker = _RowMaker(rng, moment, days, _SQLITE if sqlite else _Storage(), seen_rng)
    batches = _batches(maker.rows(count, taken), BATCH_SIZE)
    if sqlite and not taken:
        return _load_empty_sqlite(database, batches, progress)
    added = 0
    for batch in batches:
        with database.transaction() as session:
            connection = session.connection()
            if sqlite:
                for pragma in _SQLITE_BULK:
                    connection.exec_driver_sql(pragma)
                connection.exec_driver_sql(_sqlite_insert(batch[0]), [tuple(row.values()) for row in batch])
            else:
                connection.execute(insert(RequestRecord), batch)
        added += len(batch)
        if progress is not None:
            progress(added)
    if sqlite:
        with database.transaction() as session:
            for pragma in _SQLITE_USUAL:
                session.connection().exec_driver_sql(pragma)
    return added


def _load_empty_sqlite(
    database: Database, batches: Iterator[list[_Row]], progress: Callable[[int], None] | None
) -> int:
    """Fill an empty SQLite table in one transaction, its own indexes dropped first and built again at the end.

    Building each index once from the finished table sorts it in one pass, where a row at a time lands on
    random pages of six indexes: a million rows take half the time (tests/ui/console/test_queue_model.py).
    One transaction, so the file is never seen, or left by a crash, without its indexes.
    """
    added = 0
    with database.transaction() as session:
        connection = session.connection()
        for pragma in _SQLITE_BULK:
            connection.exec_driver_sql(pragma)
        indexes = connection.exec_driver_sql(_OWN_INDEXES, (RequestRecord.__tablename__,)).all()
        for name, _ in indexes:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')  # names read from the schema, never outside text
        for batch in batches:
            connection.exec_driver_sql(_sqlite_insert(batch[0]), [tuple(row.values()) for row in batch])
            added += len(batch)
            if progress is not None:
                progress(added)
        for _, sql in indexes:
            connection.exec_driver_sql(sql)  # the schema's own CREATE INDEX text, so the file ends as it began
        for pragma in _SQLITE_USUAL:
            connection.exec_driver_sql(pragma)
    return added


# The table's named indexes (a UNIQUE or PRIMARY KEY column's automatic index has no SQL and stays).
_OWN_INDEXES = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"


# For the load only (set on the connection each batch uses, put back after): fold the log into the file
# less often and keep index pages in memory. About a fifth off a million rows.
_SQLITE_BULK = ("PRAGMA wal_autocheckpoint=10000", "PRAGMA cache_size=-262144")
_SQLITE_USUAL = ("PRAGMA wal_autocheckpoint=1000", "PRAGMA cache_size=-2000")  # SQLite's own defaults


def _sqlite_insert(row: _Row) -> str:
    names = ", ".join(row)  # our own fixed column names, never outside text
    return f"INSERT INTO {RequestRecord.__tablename__} ({names}) VALUES ({', '.join('?' * len(row))})"


def _batches(rows: Iterator[_Row], size: int) -> Iterator[list[_Row]]:
    batch: list[_Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def fictional_phone(rng: random.Random) -> str:
    return f"+1{rng.choice(AREA_CODES)}55501{rng.randrange(100):02d}"


def _subsets(values: list[str], smallest: int, largest: int) -> list[list[str]]:
    """Every choice of `smallest` to `largest` of the values, in their given order, for picking one at random."""
    return [list(chosen) for size in range(smallest, largest + 1) for chosen in itertools.combinations(values, size)]


# Fixed pools, worked out once: a million rows are mostly picks from these (picking is what makes 1M fast).
_FIRST = [(name, fold_name(name)) for name in FIRST_NAMES]
_LAST = [(name, fold_name(name)) for name in LAST_NAMES]
_PHONES = [f"+1{area}55501{line:02d}" for area in AREA_CODES for line in range(100)]
_TIMES = _subsets([time.value for time in ContactTime], 1, 3)
_FLAGS = _subsets([flag.value for flag in RedFlag], 1, 2)
_DAYS = _subsets([day.value for day in Weekday], 0, 5)
_STEPS = _subsets([step.value for step in NextStep], 1, 2)
_PATIENT_STATUSES = [status.value for status in PatientStatus]
_DURATIONS = [duration.value for duration in ReliefDuration]
_WITHIN_HOURS = [answer.value for answer in YesNoUnsure]
_AFTER_WORK = [status.value for status in OPEN_AFTER_WORK]
_BIRTH_START = dt.date(1940, 1, 1)
_BIRTH_DAYS = (dt.date(2005, 12, 31) - _BIRTH_START).days
_APPOINTMENT = RequestKind.APPOINTMENT.value
_FOLLOW_UP = RequestKind.FOLLOW_UP.value
_NEW = RequestStatus.NEW.value
_CLOSED = RequestStatus.CLOSED.value
_PHONE_CALL, _TEXT, _EMAIL = (method.value for method in ContactMethod)


def _pick(rng: random.Random, values: Sequence[T]) -> T:
    # random() and an index: about three times quicker than rng.choice, which matters a million times over.
    return values[int(rng.random() * len(values))]


def _same(value: Any) -> Any:
    return value


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC)


def _sqlite_time(moment: dt.datetime) -> str:
    # The text SQLAlchemy's SQLite DateTime writes for a UTC time (see UTCDateTime), always with microseconds.
    return moment.isoformat(" ", "microseconds")


@dataclass(frozen=True)
class _Storage:
    """How values reach the driver: as the ORM types would bind them (SQLite), or as Python values."""

    time: Callable[[dt.datetime], Any] = _utc  # given naive UTC times: cheaper to make a million of
    day: Callable[[dt.date], Any] = _same
    json: Callable[[Any], Any] = _same


_SQLITE = _Storage(time=_sqlite_time, day=dt.date.isoformat, json=json.dumps)


@dataclass
class _RowMaker:
    rng: random.Random
    now: dt.datetime
    days: int
    storage: _Storage = _Storage()
    seen_rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        encode = self.storage.json
        self._times = [encode(times) for times in _TIMES]
        self._flags = [encode(flags) for flags in _FLAGS]
        self._no_flags = encode([])

    def rows(self, count: int, taken: set[str]) -> Iterator[dict[str, Any]]:
        # Skewed towards now (a busy recent week, a quiet past), and oldest first as a real desk receives them,
        # so the table's physical order follows created_at the way it would after years of use.
        ages = sorted((self.days * self.rng.random() ** 1.5 for _ in range(count)), reverse=True)
        codes = self._ascending(_CODE_SPACE, count)
        ids = self._ascending(_UUID_SPACE, count)
        for age in ages:
            code = _code(next(codes))
            while code in taken:  # only when adding to earlier demo data
                code = _code(self.rng.randrange(_CODE_SPACE))
            taken.add(code)
            yield self._row(code, _uuid4(next(ids)), dt.timedelta(days=age))

    def _ascending(self, space: int, count: int) -> Iterator[int]:
        """`count` distinct random numbers below `space`, in increasing order: one in each of `count` equal slices.

        Distinct with no look-up, and increasing, so a million ids and codes are appended to their
        unique indexes instead of landing on random pages: about twice as fast to write at 1M rows.
        """
        width = space // max(count, 1)
        for index in range(count):
            yield index * width + self.rng.randrange(width)

    def _row(self, reference: str, request_id: str, age: dt.timedelta) -> dict[str, Any]:
        rng, storage = self.rng, self.storage
        random_ = rng.random
        first, first_key = _pick(rng, _FIRST)
        last, last_key = _pick(rng, _LAST)
        created = self.now - age
        follow_up = random_() < FOLLOW_UP_SHARE
        urgent = follow_up and random_() < URGENT_SHARE / FOLLOW_UP_SHARE
        email = f"{_ascii(first_key)}.{_ascii(last_key)}{int(random_() * 100)}@example.org" if random_() < 0.6 else None
        texts = random_() < 0.7
        draw = random_()
        method = _EMAIL if email and draw < 0.2 else _TEXT if texts and draw < 0.5 else _PHONE_CALL
        row: dict[str, Any] = {
            "id": request_id,
            "reference": reference,
            "kind": _FOLLOW_UP if follow_up else _APPOINTMENT,
            "urgent": urgent,
            "created_at": storage.time(created),
            "language": "es" if random_() < 0.3 else "en",
            "workstation": _pick(rng, WORKSTATIONS),
            "first_name": first,
            "last_name": last,
            "first_name_key": first_key,
            "last_name_key": last_key,
            "date_of_birth": storage.day(_BIRTH_START + dt.timedelta(days=int(random_() * _BIRTH_DAYS))),
            "phone_e164": _pick(rng, _PHONES),
            "email": email,
            "contact_method": method,
            "contact_times": _pick(rng, self._times),
            "consent_to_contact": True,
            "consent_to_texts": texts,
            "red_flags": _pick(rng, self._flags) if urgent else self._no_flags,
            "answers": storage.json(self._follow_up_answers(created) if follow_up else self._appointment_answers()),
        }
        row.update(self._desk_work(created, age, urgent))
        return row

    def _appointment_answers(self) -> dict[str, Any]:
        rng = self.rng
        reason = _pick(rng, REASONS)
        return {
            "patient_status": _pick(rng, _PATIENT_STATUSES),
            "reason": reason,
            "reason_other": _pick(rng, OTHER_WORDS) if reason == OTHER_REASON else "",
            "preferred_days": _pick(rng, _DAYS),
        }

    def _follow_up_answers(self, created: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        pain_before = 4 + int(rng.random() * 7)
        return {
            "procedure": PROCEDURE,
            "procedure_date": (created.date() - dt.timedelta(days=1 + int(rng.random() * 60))).isoformat(),
            "pain_before": pain_before,
            "pain_now": int(rng.random() * (pain_before + 1)),
            "relief_percent": 10 * int(rng.random() * 11),
            "relief_duration": _pick(rng, _DURATIONS),
            "relief_within_hours": _pick(rng, _WITHIN_HOURS),
            "concerns": _pick(rng, CONCERNS),
            "next_steps": _pick(rng, _STEPS),
        }

    def _desk_work(self, created: dt.datetime, age: dt.timedelta, urgent: bool) -> dict[str, Any]:
        """What reception has done with it so far: untouched when fresh, closed when old."""
        random_ = self.rng.random
        hours = age.total_seconds() / 3600
        still_open = 0.9 if hours < 24 else 0.6 if hours < 72 else 0.3 if hours < 168 else 0.08 if hours < 720 else 0.01
        untouched = random_() < (0.8 if hours < 24 else 0.2)
        if random_() < still_open and untouched:
            # Most urgent patients are seen at the desk before anyone calls; a few still wait for it.
            seen = self._seen_after(created, self.now) if urgent and self.seen_rng.random() < 0.6 else None
            return {
                "status": _NEW,
                "version": 1,
                "first_contact_at": None,
                "status_changed_at": None,
                "status_changed_by": None,
                **self._seen_columns(seen),
            }
        # Urgent ones are called within the hour; others within about a working day.
        minutes = 5 + random_() * 55 if urgent else 20 + random_() * 1780
        first_contact = min(created + dt.timedelta(minutes=minutes), self.now)
        changed = min(first_contact + dt.timedelta(hours=random_() * 72), self.now)
        status = _pick(self.rng, _AFTER_WORK) if random_() < still_open else _CLOSED
        return {
            "status": status,
            "version": 2 + int(random_() * 3),
            "first_contact_at": self.storage.time(first_contact),
            "status_changed_at": self.storage.time(changed),
            "status_changed_by": DEMO_STAFF,
            **self._seen_columns(self._seen_after(created, first_contact) if urgent else None),
        }

    def _seen_after(self, created: dt.datetime, latest: dt.datetime) -> dt.datetime | None:
        """A "Seen at the desk" 1 to 20 minutes after arrival (a long tail, as at a busy desk), never after `latest`."""
        seen = created + dt.timedelta(minutes=1 + 19 * self.seen_rng.random() ** 2)
        if seen <= latest:
            return seen
        return latest if latest < self.now else None  # acted on first: seen when first called; else not yet

    def _seen_columns(self, seen: dt.datetime | None) -> dict[str, Any]:
        if seen is None:
            return {"seen_at_desk_at": None, "seen_at_desk_by": None}
        return {"seen_at_desk_at": self.storage.time(seen), "seen_at_desk_by": DEMO_STAFF}


def _code(number: int) -> str:
    """The reference code that is `number` written in base 31 with the code alphabet."""
    value, low = divmod(number, _PAIRS_SPACE)
    high, middle = divmod(value, _PAIRS_SPACE)
    return _PAIRS[high] + _PAIRS[middle] + _PAIRS[low]


_PAIRS = [first + second for first in ALPHABET for second in ALPHABET]  # two characters per divmod
_PAIRS_SPACE = len(_PAIRS)


def _uuid4(bits: int) -> str:
    """A random-form UUID from 128 seeded bits, as text (uuid.UUID(int=..., version=4) is slower by half)."""
    bits = (bits & _UUID_KEEP) | _UUID_SET
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_UUID_KEEP = ~((0xF000 << 64) | (0xC000 << 48))  # version nibble and variant bits
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)  # version 4, RFC 4122 variant


@functools.cache
def _ascii(key: str) -> str:
    return "".join(char for char in key if char.isascii() and char.isalpha())
