"""Reception's work on one request: open it, move its status, add notes, print it; each step audited.

A status change is refused when the console's copy is older than the database's
(optimistic locking on RequestRecord.version), so two receptionists acting on the
same request at once never overwrite each other silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kiosk.domain.audit import AuditAction
from kiosk.domain.requests import PatientRequest
from kiosk.domain.staff import Actor, Permission
from kiosk.domain.text import clean_text
from kiosk.domain.workflow import STATUS_LABELS, EventKind, RequestStatus, check_transition
from kiosk.services.audit import record_for
from kiosk.services.authority import acting
from kiosk.services.request_rows import from_record
from kiosk.storage.database import Database
from kiosk.storage.models import RequestEvent, RequestRecord

NOTE_LIMIT = 2000
# How long after a status change its author may take it back ("Undo"), e.g. after a mis-click.
UNDO_WINDOW = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class CaseEvent:
    """One line of a request's history: a status change or a note, with who, when and where."""

    at: dt.datetime
    author: str
    workstation: str
    kind: str  # an EventKind; kept as stored, so a kind written by a newer version still shows
    from_status: RequestStatus | None
    to_status: RequestStatus | None
    note: str | None


@dataclass(frozen=True)
class CaseDetail:
    """Everything the detail view shows, as plain values (no live database objects)."""

    id: str
    reference: str
    urgent: bool
    status: RequestStatus
    version: int  # hand back to change_status as expected_version
    created_at: dt.datetime
    workstation: str
    request: PatientRequest
    events: list[CaseEvent]  # oldest first
    status_changed_at: dt.datetime | None
    status_changed_by: str | None
    first_contact_at: dt.datetime | None
    seen_at_desk_at: dt.datetime | None = None  # "Seen at the desk" (urgent requests), and who pressed it
    seen_at_desk_by: str | None = None


class CaseNotFound(Exception):  # noqa: N818 (the name others code against)
    """The request is not in the database (any more); the message says what to do."""


class CannotUndo(Exception):  # noqa: N818 (reads as a sentence at the call site)
    """The last status change cannot be taken back (not yours, too long ago, or changed since); says why."""


class StaleCase(Exception):  # noqa: N818 (the name others code against)
    """Someone else changed the request since this console loaded it; `.current` is the fresh copy."""

    def __init__(self, message: str, current: CaseDetail) -> None:
        super().__init__(message)
        self.current = current


def open_case(database: Database, request_id: str, actor: Actor) -> CaseDetail:
    """The request with its history; the view is audited in the same transaction."""
    # Every step below asks the account's stored state (authority.acting), not the sign-in copy.
    with acting(database, actor, Permission.WORK_REQUESTS, target=request_id) as session:
        record = _load(session, request_id)
        detail = _detail(session, record)
        record_for(session, actor, AuditAction.VIEW_REQUEST, target=request_id, detail=record.reference)
    return detail


def change_status(
    database: Database,
    request_id: str,
    new_status: RequestStatus,
    *,
    expected_version: int,
    actor: Actor,
    now: dt.datetime | None = None,
    note: str = "",
) -> CaseDetail:
    """Move the request to `new_status` if nobody changed it since `expected_version` was read.

    A `note` typed before the status button was pressed is saved with the change, in the same transaction,
    so a status change never loses what the receptionist typed. Raises StaleCase (with the fresh copy) when
    someone did, TransitionError when the workflow does not allow the move, ValueError for a note too long;
    in each case nothing is written.
    """
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    note_text = _checked_note(note, required=False)
    try:
        with acting(database, actor, Permission.WORK_REQUESTS, target=request_id) as session:
            record = _load(session, request_id)
            if record.version != expected_version:
                current = _detail(session, record)
                raise StaleCase(_stale_message(current), current)
            old_status = RequestStatus(record.status)
            check_transition(old_status, new_status)
            if note_text:
                _add_note(session, record, note_text, actor, moment)
            record.status = new_status.value
            record.status_changed_at = moment
            record.status_changed_by = actor.username
            if record.first_contact_at is None:
                # Nothing returns to "new", so the first change is the desk's first contact.
                record.first_contact_at = moment
            session.add(
                RequestEvent(
                    request_id=request_id,
                    at=moment,
                    author=actor.username,
                    workstation=actor.workstation,
                    kind=EventKind.STATUS,
                    from_status=old_status.value,
                    to_status=new_status.value,
                )
            )
            record_for(
                session,
                actor,
                AuditAction.STATUS_CHANGE,
                target=request_id,
                detail=f"{old_status.value}->{new_status.value}",
                now=moment,
            )
            session.flush()  # the versioned UPDATE runs here, so a lost race surfaces inside the try
            detail = _detail(session, record)
    except StaleDataError:
        # PostgreSQL: another console's UPDATE committed between our read and our write,
        # so the version the ORM expected no longer matched (SQLite's write lock prevents this).
        current = _read(database, request_id)
        raise StaleCase(_stale_message(current), current) from None
    return detail


def add_note(
    database: Database, request_id: str, text: str, *, actor: Actor, now: dt.datetime | None = None
) -> CaseDetail:
    """Append a note by `actor`. Notes only add to the history, so they never conflict with other changes."""
    note = _checked_note(text, required=True)
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    with acting(database, actor, Permission.WORK_REQUESTS, target=request_id) as session:
        record = _load(session, request_id)
        _add_note(session, record, note, actor, moment)
        session.flush()
        return _detail(session, record)


def _checked_note(text: str, *, required: bool) -> str:
    note = clean_text(text, multiline=True)
    if not note and required:
        raise ValueError("Type a note before saving it.")
    if len(note) > NOTE_LIMIT:
        raise ValueError(
            f"This note is {len(note)} characters long and a note can hold {NOTE_LIMIT}: "
            "shorten it or save it as two notes."
        )
    return note


def _add_note(session: Session, record: RequestRecord, note: str, actor: Actor, moment: dt.datetime) -> None:
    session.add(
        RequestEvent(
            request_id=record.id,
            at=moment,
            author=actor.username,
            workstation=actor.workstation,
            kind=EventKind.NOTE,
            note=note,
        )
    )
    # The length only: a note is free text about a patient and never goes into the audit trail.
    record_for(session, actor, AuditAction.NOTE, target=record.id, detail=f"{len(note)} characters", now=moment)


def undo_status(
    database: Database, request_id: str, *, expected_version: int, actor: Actor, now: dt.datetime | None = None
) -> CaseDetail:
    """Take back `actor`'s own last status change, within UNDO_WINDOW and only if nothing changed since.

    The history keeps both lines (the change and its undoing, each audited), so the trail stays honest;
    undoing the first contact makes the request "new" again and clears its first-contact time.
    """
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    with acting(database, actor, Permission.WORK_REQUESTS, target=request_id) as session:
        record = _load(session, request_id)
        if record.version != expected_version:
            current = _detail(session, record)
            raise StaleCase(_stale_message(current), current)
        last = session.scalars(
            select(RequestEvent)
            .where(RequestEvent.request_id == request_id, RequestEvent.kind == EventKind.STATUS)
            .order_by(RequestEvent.at.desc(), RequestEvent.id.desc())
            .limit(1)
        ).first()
        if last is None or last.author != actor.username or last.from_status is None:
            raise CannotUndo("There is no status change of yours to undo on this request.")
        if moment - _aware(last.at) > UNDO_WINDOW:
            minutes = int(UNDO_WINDOW.total_seconds() // 60)
            raise CannotUndo(
                f"A status change can be undone for {minutes} minutes only: choose the right status instead."
            )
        old_status, back_to = RequestStatus(record.status), RequestStatus(last.from_status)
        record.status = back_to.value
        record.status_changed_at = moment
        record.status_changed_by = actor.username
        if back_to is RequestStatus.NEW:
            record.first_contact_at = None  # nobody has acted on it after all: time-to-first-contact runs on
        session.add(
            RequestEvent(
                request_id=request_id,
                at=moment,
                author=actor.username,
                workstation=actor.workstation,
                kind=EventKind.STATUS,
                from_status=old_status.value,
                to_status=back_to.value,
            )
        )
        record_for(
            session,
            actor,
            AuditAction.STATUS_CHANGE,
            target=request_id,
            detail=f"{old_status.value}->{back_to.value} (undo)",
            now=moment,
        )
        session.flush()
        return _detail(session, record)


def reread_case(database: Database, request_id: str, actor: Actor) -> CaseDetail:
    """The fresh copy of a request this console already has open (after another console changed it).

    Not audited as a new view: the receptionist opened it already and that opening is in the trail.
    """
    with acting(database, actor, Permission.WORK_REQUESTS, target=request_id) as session:
        return _detail(session, _load(session, request_id))


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for values stored as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def record_print(database: Database, request_id: str, actor: Actor) -> None:
    """Audit that `actor` prints (or saves as PDF) the request: called before the page leaves, so a refusal
    (PermissionDenied, AccountRevoked) or a failed audit row means nothing is printed."""
    with acting(database, actor, Permission.WORK_REQUESTS, target=request_id) as session:
        record = _load(session, request_id)
        record_for(session, actor, AuditAction.PRINT, target=request_id, detail=record.reference)


def _read(database: Database, request_id: str) -> CaseDetail:
    with database.read() as session:
        return _detail(session, _load(session, request_id))


def _load(session: Session, request_id: str) -> RequestRecord:
    record = session.get(RequestRecord, request_id)
    if record is None:
        raise CaseNotFound(f"Request {request_id} is no longer in the database: refresh the queue and look again.")
    return record


def _detail(session: Session, record: RequestRecord) -> CaseDetail:
    events = session.scalars(
        select(RequestEvent).where(RequestEvent.request_id == record.id).order_by(RequestEvent.at, RequestEvent.id)
    )
    return CaseDetail(
        id=record.id,
        reference=record.reference,
        urgent=record.urgent,
        status=RequestStatus(record.status),
        version=record.version,
        created_at=record.created_at,
        workstation=record.workstation,
        request=from_record(record),
        events=[_event(event) for event in events],
        status_changed_at=record.status_changed_at,
        status_changed_by=record.status_changed_by,
        first_contact_at=record.first_contact_at,
        seen_at_desk_at=record.seen_at_desk_at,
        seen_at_desk_by=record.seen_at_desk_by,
    )


def _event(event: RequestEvent) -> CaseEvent:
    return CaseEvent(
        at=event.at,
        author=event.author,
        workstation=event.workstation,
        kind=event.kind,
        from_status=RequestStatus(event.from_status) if event.from_status else None,
        to_status=RequestStatus(event.to_status) if event.to_status else None,
        note=event.note,
    )


def _stale_message(current: CaseDetail) -> str:
    who = current.status_changed_by or "Someone at another console"
    when = f" at {current.status_changed_at.astimezone():%H:%M}" if current.status_changed_at else ""
    return (
        f"{who} changed this request{when} (it is now {STATUS_LABELS[current.status].lower()}) "
        "while you had it open. It has been reloaded: check it and make your change again if it is still needed."
    )
