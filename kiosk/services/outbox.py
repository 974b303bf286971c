"""Offline kiosks: keep a request in a local encrypted outbox while the PostgreSQL server is away, forward it later.

The patient sees the same confirmation either way. Each outbox row is the request as
the patient sent it (same id, reference and time), and forwarding it stores exactly
that row on the server: oldest first, idempotent on the request id, deleted from the
outbox only after the server committed it.

Reference codes stay unique because, while online, each kiosk sets aside a block of
codes on the server (`reserved_references`, which the server's own code picker skips)
and keeps a copy of the unused ones in its outbox file; offline it gives those out.
Only when a long outage uses up the block does it make a fresh code; should that code
turn out taken when forwarded, the request gets a new code and a note for the desk.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import partial

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.domain.requests import AppointmentRequest, FollowUpRequest
from kiosk.domain.workflow import EventKind
from kiosk.services.request_rows import to_record
from kiosk.services.requests import (
    Receipt,
    SubmitFailed,
    free_reference,
    reference_taken,
    store_as_is,
)
from kiosk.storage.database import Database, DatabaseError
from kiosk.storage.models import RequestEvent, RequestRecord, ReservedReference, Workstation

log = logging.getLogger(__name__)

RESERVED_BLOCK = 50  # codes each kiosk keeps set aside for an outage: a busy morning's worth
FORWARD_INTERVAL_MS = 10_000
# Failures that mean "the server is away": refused, timed out, dropped, shut down, too busy.
# Anything else (a constraint, a bad value) would fail again when forwarded, so it is shown, not kept.
_UNREACHABLE = (OperationalError, InterfaceError, DisconnectionError, OSError)


def uses_server(database: Database) -> bool:
    """True for a shared PostgreSQL server: the only case where an outbox makes sense."""
    return database.engine.dialect.name == "postgresql"


def server_unreachable(error_class: type[BaseException] | None) -> bool:
    return error_class is not None and issubclass(error_class, _UNREACHABLE)


def outbox_settings(settings: Settings) -> Settings:
    """The outbox as an SQLite database of its own: encrypted, its key in the keyring or "<outbox>.key"."""
    db = settings.database
    local = DatabaseSettings(url=f"sqlite:///{db.resolved_outbox_path()}", encrypt=True)
    return settings.model_copy(update={"database": local})


def open_outbox(settings: Settings) -> Database:
    """Open (or create, with its key) the outbox file the production way, at the newest schema."""
    from kiosk.storage.keys import open_configured_database
    from kiosk.storage.migrations import upgrade_to_head

    outbox = open_configured_database(outbox_settings(settings), create_if_missing=True)
    try:
        upgrade_to_head(outbox.engine)
    except SQLAlchemyError as exc:
        outbox.close()
        path = settings.database.resolved_outbox_path()
        raise DatabaseError(
            f"The kiosk's outbox {path} could not be opened or updated ({type(exc).__name__}): "
            "check the disk and the kiosk account's permissions on its folder."
        ) from None
    return outbox


# -- submitting ---------------------------------------------------------------------------------------
def keep_in_outbox(
    outbox: Database, request: AppointmentRequest | FollowUpRequest, workstation: str, created_at: dt.datetime
) -> Receipt:
    """Store the request in the outbox in one transaction, with a code this kiosk reserved when there is one."""
    try:
        with outbox.transaction() as session:
            existing = session.get(RequestRecord, str(request.request_id))
            if existing is not None:  # a second tap: the first receipt, nothing written
                return Receipt(existing.reference, existing.urgent, existing.created_at)
            reference = _take_reserved(session, workstation) or _fresh_local_code(session)
            record = to_record(request, reference=reference, workstation=workstation, created_at=created_at)
            session.add(record)
            receipt = Receipt(record.reference, record.urgent, record.created_at)
    except (SQLAlchemyError, OSError) as exc:
        log.error("request %s was not stored in the outbox: %s", request.request_id, type(exc).__name__)
        raise SubmitFailed.not_stored(request.request_id, f"outbox {type(exc).__name__}", type(exc)) from None
    log.warning("request %s kept in the outbox: the server is unreachable", request.request_id)
    return receipt


def _take_reserved(session: Session, workstation: str) -> str | None:
    reserved = session.scalars(
        select(ReservedReference)
        .where(ReservedReference.workstation == workstation)
        # Any one of them: in code order, the codes a kiosk hands out offline would reveal their own sequence.
        .order_by(func.random())
        .limit(1)
    ).first()
    if reserved is None:
        return None
    session.delete(reserved)
    return reserved.reference


def _fresh_local_code(session: Session) -> str:
    log.warning("no reserved reference left for an offline request: a fresh code is used")
    code = free_reference(partial(reference_taken, session))
    if code is None:
        raise SubmitFailed("no free reference code in the outbox")
    return code


# -- forwarding -----------------------------------------------------------------------------------------
def pending_count(outbox: Database) -> int:
    with outbox.read() as session:
        return int(session.scalar(select(func.count()).select_from(RequestRecord)) or 0)


def _oldest(outbox: Database) -> RequestRecord | None:
    with outbox.read() as session:
        # created_at is what the patient saw; rowid breaks ties in the order the outbox took them.
        return session.scalars(
            select(RequestRecord).order_by(RequestRecord.created_at, text("patient_requests.rowid")).limit(1)
        ).first()


def forward_pending(outbox: Database, server: Database) -> int:
    """Send outbox rows to the server, oldest first, each deleted only after the server committed it.

    Returns how many were forwarded. Stops at the first row the server does not take
    (unreachable, or refused: logged, retried next time, never skipped), so order holds.
    A row the server already has (its commit was not acknowledged) is not stored twice.
    """
    forwarded = 0
    while (row := _oldest(outbox)) is not None:
        try:
            with server.transaction() as session:
                _forward(session, row)
        except (SQLAlchemyError, OSError, SubmitFailed) as exc:
            level = logging.INFO if isinstance(exc, _UNREACHABLE) else logging.ERROR
            log.log(level, "outbox: request %s not forwarded yet: %s", row.id, type(exc).__name__)
            break
        with outbox.transaction() as session:
            session.execute(delete(RequestRecord).where(RequestRecord.id == row.id))
        forwarded += 1
        log.info("outbox: request %s forwarded to the server", row.id)
    return forwarded


def _forward(session: Session, row: RequestRecord) -> None:
    """Store one outbox row on the server, keeping the code the patient was given whenever it can."""
    shown = row.reference
    reserved = session.get(ReservedReference, shown)
    ours = reserved is not None and reserved.workstation == row.workstation
    if ours:
        session.delete(reserved)  # used: no longer set aside, and free for this request below
        session.flush()
    existing = session.get(RequestRecord, row.id)
    if existing is None:
        if reference_taken(session, shown):
            # A fresh code made offline (its reserved block used up) that the server gave to someone else meanwhile.
            row.reference = _fresh_server_code(session)
        stored = store_as_is(session, row)
        if stored.reference == row.reference:
            if row.reference != shown:
                log.warning("outbox: request %s got a new code on forwarding; the one shown was taken", row.id)
                _note(session, row.id, row.workstation, _taken_note(shown, row.reference))
            return
        # store_as_is found the request after all: the kiosk's own late server attempt (which gave up on the
        # patient, see kiosk/services/submission.py) committed between the look above and the insert, with a
        # code of the server's choosing. PostgreSQL's READ COMMITTED shows that row to the second look only.
        existing = session.get(RequestRecord, row.id)
        if existing is None:  # pragma: no cover - store_as_is just read it in this transaction
            raise SubmitFailed("the request vanished while it was forwarded")
    _keep_code_shown(session, existing, shown)


def _keep_code_shown(session: Session, existing: RequestRecord, shown: str) -> None:
    """The server committed the request but the kiosk never heard back, so it kept it too: stored once, and with
    the code the patient was shown unless that code went to someone else meanwhile."""
    if existing.reference == shown:
        return
    if reference_taken(session, shown):
        log.warning("outbox: request %s keeps the server's code; the one shown was taken", existing.id)
        _note(session, existing.id, existing.workstation, _taken_note(shown, existing.reference))
        return
    _note(session, existing.id, existing.workstation, f"Code {existing.reference} changed to {shown}, the code the "
          "patient was shown at the kiosk.")  # fmt: skip
    existing.reference = shown


def _taken_note(shown: str, stored: str) -> str:
    return (
        f"The patient was shown the code {shown} while the server could not be reached. That code belongs to "
        f"another request, so this request's code is {stored}: find it by name and date of birth."
    )


def _fresh_server_code(session: Session) -> str:
    code = free_reference(partial(reference_taken, session))
    if code is None:
        raise SubmitFailed("no free reference code on the server")
    return code


def _note(session: Session, request_id: str, workstation: str, note: str) -> None:
    session.flush()
    session.add(
        RequestEvent(
            request_id=request_id,
            at=dt.datetime.now(dt.UTC),
            author="kiosk",
            workstation=workstation,
            kind=EventKind.NOTE,
            note=note,
        )
    )


# -- reserving codes and reporting the backlog ------------------------------------------------------------
def reserve_references(outbox: Database, server: Database, workstation: str, block: int = RESERVED_BLOCK) -> int:
    """Top this kiosk's reserved codes up to `block`: first on the server, then the local copy. Returns how many."""
    with outbox.read() as session:
        have = int(
            session.scalar(
                select(func.count()).select_from(ReservedReference).where(ReservedReference.workstation == workstation)
            )
            or 0
        )
    wanted = block - have
    if wanted <= 0:
        return 0
    now = dt.datetime.now(dt.UTC)
    codes: list[str] = []
    with server.transaction() as session:
        taken = partial(reference_taken, session)
        while len(codes) < wanted:
            code = free_reference(taken, avoid=codes)
            if code is None:  # clash after clash: reserve the rest another time rather than loop
                break
            session.add(ReservedReference(reference=code, workstation=workstation, reserved_at=now))
            codes.append(code)
    # Should this fail, the codes stay set aside on the server unused: harmless among 887 million.
    with outbox.transaction() as session:
        for code in codes:
            session.add(ReservedReference(reference=code, workstation=workstation, reserved_at=now))
    log.info("outbox: %d reference codes reserved for offline use", len(codes))
    return len(codes)


def report_backlog(server: Database, workstation: str, backlog: int, now: dt.datetime | None = None) -> None:
    """Say how many requests wait here, and that this kiosk is here: a kiosk that reconnects is seen at once."""
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    with server.transaction() as session:
        session.execute(
            update(Workstation)
            .where(Workstation.name == workstation)
            .values(outbox_backlog=backlog, last_seen_at=moment)
        )


def backlog_by_workstation(database: Database) -> dict[str, int]:
    """Each PC's outbox backlog as it last reported it (0 for those that never needed one)."""
    with database.read() as session:
        rows = session.execute(select(Workstation.name, Workstation.outbox_backlog).order_by(Workstation.name))
        return {name: int(backlog or 0) for name, backlog in rows}


@dataclass(frozen=True)
class ForwardingReport:
    forwarded: int
    waiting: int | None  # None when the outbox itself could not be read
    server_reachable: bool


def forwarding_pass(outbox: Database, server: Database, workstation: str) -> ForwardingReport:
    """One tick of the kiosk's forwarder: forward, top up reserved codes, report the backlog. Never raises."""
    forwarded = 0
    try:
        forwarded = forward_pending(outbox, server)
        waiting = pending_count(outbox)
    except (SQLAlchemyError, OSError, SubmitFailed) as exc:
        log.error("outbox: the outbox file could not be read or written: %s", type(exc).__name__)
        return ForwardingReport(forwarded, None, server_reachable=False)
    try:
        # The backlog first: should a row be refused or the codes fail, the desk still sees what waits here.
        report_backlog(server, workstation, waiting)
        reserve_references(outbox, server, workstation)
    except (SQLAlchemyError, OSError) as exc:
        log.info("outbox: %d request(s) waiting; server not reachable (%s)", waiting, type(exc).__name__)
        return ForwardingReport(forwarded, waiting, server_reachable=False)
    if forwarded or waiting:
        log.info("outbox: %d forwarded, %d waiting", forwarded, waiting)
    return ForwardingReport(forwarded, waiting, server_reachable=True)
