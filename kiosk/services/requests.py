"""Store a patient's request durably, exactly once, and give back the reference they tell the desk."""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Connection, Table, bindparam, exists, insert, inspect, or_, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kiosk.domain.reference import new_reference, parse_reference
from kiosk.domain.requests import AppointmentRequest, FollowUpRequest
from kiosk.services.request_rows import UnreadableRowError, from_record, record_values
from kiosk.storage.database import FILE_IDENTITY, FILE_PATH, Database
from kiosk.storage.models import RequestRecord, ReservedReference

log = logging.getLogger(__name__)

# With 31**6 codes a clash is already rare; twenty in a row means something else is wrong.
REFERENCE_ATTEMPTS = 20
NEW_REQUEST_CHANNEL = "kiosk_requests"  # PostgreSQL NOTIFY channel: a request was stored (no payload)

# A submit runs these Core statements, compiled once and cached, rather than ORM loads and a
# flush: the same SQL, but measured at about a millisecond less Python per submit (issue 8).
_REQUESTS: Table = inspect(RequestRecord).local_table  # type: ignore[assignment]
_RESERVED: Table = inspect(ReservedReference).local_table  # type: ignore[assignment]
_STORED_RECEIPT = select(_REQUESTS.c.reference, _REQUESTS.c.urgent, _REQUESTS.c.created_at).where(
    _REQUESTS.c.id == bindparam("id")
)
# One round trip for both places a code can be taken.
_REFERENCE_TAKEN = select(
    or_(
        exists().where(_REQUESTS.c.reference == bindparam("reference")),
        exists().where(_RESERVED.c.reference == bindparam("reference")),
    )
)
_INSERT_REQUEST = insert(_REQUESTS)


@dataclass(frozen=True)
class Receipt:
    """What the confirmation screen shows: the code to tell the desk, and whether to go there now."""

    reference: str
    urgent: bool
    created_at: dt.datetime


class SubmitFailed(Exception):  # noqa: N818 (the name others code against)
    """The request is not stored; the patient can try again or tell the front desk.

    Its message names the request id and the kind of failure only, never what
    the patient typed, so it is safe to log and to show in a traceback.
    """

    def __init__(
        self,
        message: str,
        *,
        request_id: uuid.UUID | None = None,
        reason: str = "",
        error_class: type[BaseException] | None = None,
    ) -> None:
        super().__init__(message)
        self.request_id = request_id
        self.reason = reason or message
        # The class of what failed (never its message): the outbox keeps a request when a server is unreachable.
        self.error_class = error_class

    @classmethod
    def not_stored(
        cls, request_id: uuid.UUID, reason: str, error_class: type[BaseException] | None = None
    ) -> SubmitFailed:
        return cls(
            f"request {request_id} was not stored: {reason}",
            request_id=request_id,
            reason=reason,
            error_class=error_class,
        )


class DatabaseFileGoneError(OSError):
    """The connection's database file was deleted or replaced; writing would go nowhere."""


def submit_request(
    database: Database,
    request: AppointmentRequest | FollowUpRequest,
    workstation: str,
    now: dt.datetime | None = None,
    *,
    log_failure: bool = True,
) -> Receipt:
    """Store the request in one transaction and return once it is committed.

    Submitting the same request again (same request_id: a second tap, a retry
    after an error) returns the first receipt and writes nothing. `log_failure=False`
    leaves the failure's log line to a caller that may still store it elsewhere (the outbox).
    """
    created_at = dt.datetime.now(dt.UTC) if now is None else now
    if created_at.tzinfo is None:
        raise ValueError("give now with its zone (datetime.now(UTC)), not a naive time")
    try:
        with database.write() as connection:
            receipt = _store(connection, request, workstation, created_at.astimezone(dt.UTC))
            if connection.dialect.name == "postgresql":
                # Delivered to every console's LISTEN only if and when this transaction commits (changes.py).
                connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NEW_REQUEST_CHANNEL})
    except (SQLAlchemyError, OSError) as exc:
        reason = _failure_name(exc)
        # Class and error code only: SQLAlchemy's messages carry the statement's
        # parameters (names, phone, answers), so neither the message nor a
        # traceback may reach the log.
        if log_failure:
            log.error("request %s was not stored: %s", request.request_id, reason)
        raise SubmitFailed.not_stored(request.request_id, reason, type(exc)) from None
    log.info("request %s stored", request.request_id)
    return receipt


def load_request(database: Database, reference: str) -> AppointmentRequest | FollowUpRequest | None:
    """The stored request with this reference (typed any way parse_reference accepts), or None."""
    code = parse_reference(reference)
    if code is None:
        return None
    with database.read() as session:
        record = session.scalar(select(RequestRecord).where(RequestRecord.reference == code))
        return None if record is None else from_record(record)


def _store(
    connection: Connection, request: AppointmentRequest | FollowUpRequest, workstation: str, created_at: dt.datetime
) -> Receipt:
    # The connection holds the write lock (BEGIN IMMEDIATE on SQLite) until commit.
    _check_database_file(connection)
    request_id = str(request.request_id)
    stored = connection.execute(_STORED_RECEIPT, {"id": request_id}).first()
    if stored is not None:
        with Session(bind=connection) as session:  # rare (a second tap, a retry): the whole row, to compare
            existing = session.get(RequestRecord, request_id)
            if existing is not None:
                _warn_if_different(existing, request)
        return Receipt(reference=stored.reference, urgent=stored.urgent, created_at=stored.created_at)
    # The transaction holds SQLite's write lock (BEGIN IMMEDIATE), so no other
    # kiosk can take this code between the check and the insert. Elsewhere the
    # unique constraint still refuses a clash, as a SubmitFailed to retry.
    reference = free_reference(partial(_reference_taken, connection))
    if reference is None:
        log.error("request %s was not stored: no free reference code", request.request_id)
        raise SubmitFailed.not_stored(request.request_id, "no free reference code")
    values = record_values(request, reference=reference, workstation=workstation, created_at=created_at)
    connection.execute(_INSERT_REQUEST, values)
    return Receipt(reference=reference, urgent=values["urgent"], created_at=created_at)


def free_reference(taken: Callable[[str], bool], avoid: Collection[str] = ()) -> str | None:
    """A new code that `taken` says is free and is not in `avoid`; None after REFERENCE_ATTEMPTS clashes.

    The one code picker: a kiosk's submit, its outbox, forwarding to the server and reserving codes all use it.
    """
    for _ in range(REFERENCE_ATTEMPTS):
        code = new_reference()
        if code not in avoid and not taken(code):
            return code
    return None


def reference_taken(session: Session, reference: str) -> bool:
    """True when a request has the code, or a kiosk set it aside for the patients it serves offline."""
    # Flushed first, as the ORM queries this replaces did: a row added in this session counts.
    session.flush()
    return _reference_taken(session.connection(), reference)


def _reference_taken(connection: Connection, reference: str) -> bool:
    return bool(connection.execute(_REFERENCE_TAKEN, {"reference": reference}).scalar())


def store_as_is(session: Session, row: RequestRecord) -> Receipt:
    """Add a copy of a row stored elsewhere (a kiosk's outbox): same id, reference, created_at and answers.

    Runs in the caller's transaction. Like submit_request it is idempotent on the
    request id: an id already stored returns that row's receipt and writes nothing.
    The caller makes sure the reference is free (see kiosk/services/outbox.py).
    """
    existing = session.get(RequestRecord, row.id)
    if existing is not None:
        return _receipt(existing)
    # Every column but the version, which the mapper starts at 1 for a new row.
    values = {
        column.key: getattr(row, column.key)
        for column in inspect(RequestRecord).column_attrs
        if column.key != RequestRecord.version.key
    }
    copy = RequestRecord(**values)
    session.add(copy)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NEW_REQUEST_CHANNEL})
    return _receipt(copy)


def _receipt(record: RequestRecord) -> Receipt:
    return Receipt(reference=record.reference, urgent=record.urgent, created_at=record.created_at)


def _warn_if_different(existing: RequestRecord, request: AppointmentRequest | FollowUpRequest) -> None:
    # Same id, other answers: a bug upstream, not the patient's; keep the first and say so.
    try:
        same = from_record(existing) == request
    except UnreadableRowError:
        same = False
    if not same:
        log.warning("request %s was submitted again with other answers; the first is kept", request.request_id)


def _check_database_file(connection: Connection) -> None:
    """Refuse to write through a connection whose SQLite file was deleted or replaced.

    SQLite keeps writing to a file deleted while it is open, and in WAL mode
    does not notice: every commit would succeed and then vanish with the file.
    """
    if connection.dialect.name != "sqlite":
        return
    info = connection.info
    path = info.get(FILE_PATH)
    if path is None:  # a connection database.py did not open: ask SQLite where its file is
        path = next((row[2] for row in connection.exec_driver_sql("PRAGMA database_list") if row[1] == "main"), "")
        info[FILE_PATH] = path
    if not path:
        return  # in memory: there is no file to lose
    try:
        found = os.stat(path)
    except FileNotFoundError:
        connection.invalidate()  # the next attempt opens the file afresh
        raise DatabaseFileGoneError(errno.ENOENT, "the database file was deleted") from None
    identity = (found.st_dev, found.st_ino)
    # The identity database.py recorded when the connection opened (or the first one seen here).
    if info.setdefault(FILE_IDENTITY, identity) != identity:
        connection.invalidate()
        raise DatabaseFileGoneError(errno.ESTALE, "the database file was replaced")


def _failure_name(exc: BaseException) -> str:
    """The failure's class and code, e.g. "OperationalError SQLITE_BUSY": nothing a patient typed."""
    name = type(exc).__name__
    original = getattr(exc, "orig", None)
    code = getattr(original, "sqlite_errorname", None)
    if code is None and isinstance(exc, OSError) and exc.errno is not None:
        code = errno.errorcode.get(exc.errno)
    return f"{name} {code}" if code else name
