"""Export the filtered queue as a CSV file a spreadsheet opens safely, a batch of rows at a time."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import ColumnElement, and_, or_, select

from kiosk.domain.audit import AuditAction, Outcome
from kiosk.domain.csv_safety import neutralise
from kiosk.domain.requests import OTHER_REASON, RequestKind
from kiosk.domain.staff import Actor, Permission, PermissionDenied, require
from kiosk.domain.workflow import STATUS_LABELS, RequestStatus
from kiosk.services.audit import record_for
from kiosk.services.queue import QueueFilter, queue_conditions
from kiosk.storage.database import Database
from kiosk.storage.models import RequestRecord

# Each batch is read in its own short read transaction: a reader never blocks a kiosk's
# write, but one snapshot held for a whole export would stop SQLite checkpointing the WAL.
BATCH_SIZE = 2000

COLUMNS = (
    "reference",
    "type",
    "urgent",
    "status",
    "received",
    "first name",
    "last name",
    "date of birth",
    "phone",
    "email",
    "contact method",
    "contact times",
    "consent to texts",
    "red flags",
    "new or existing patient",
    "reason",
    "preferred days",
    "procedure",
    "procedure date",
    "pain before",
    "pain now",
    "relief %",
    "relief duration",
    "relief within hours",
    "concerns",
    "next steps",
)

_KIND_LABELS = {RequestKind.APPOINTMENT.value: "Appointment", RequestKind.FOLLOW_UP.value: "Follow-up"}


class ExportError(OSError):
    """The file could not be written; the message names the path and what to do."""


def export_csv(
    database: Database,
    where: QueueFilter,
    out: Path | TextIO,
    *,
    actor: Actor,
    reception_can_export: bool = False,
    region: str = "US",
) -> int:
    """Write every request `where` selects, urgent first then oldest; return how many rows were written.

    A Path is written to a temporary file beside it and renamed into place, so a
    failed export never leaves half a file. The export is audited with its row count only.
    """
    try:
        require(actor, Permission.EXPORT, reception_can_export=reception_can_export)
    except PermissionDenied:
        with database.transaction() as session:
            record_for(session, actor, AuditAction.PERMISSION_DENIED, target="export", outcome=Outcome.DENIED)
        raise
    if isinstance(out, Path):
        try:
            count = _write_file(database, where, out, region)
        except OSError as exc:
            with database.transaction() as session:
                record_for(session, actor, AuditAction.EXPORT, outcome=Outcome.FAILED, detail="no file written")
            raise ExportError(
                f"The export could not be saved as {out} ({exc.strerror or type(exc).__name__}): "
                "choose a folder you can write to that has free space, and close the file if a program has it open."
            ) from exc
    else:
        count = _write_rows(database, where, out, region)
    with database.transaction() as session:
        record_for(session, actor, AuditAction.EXPORT, detail=f"{count} rows")
    return count


def _write_file(database: Database, where: QueueFilter, path: Path, region: str) -> int:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        # utf-8-sig writes a BOM, which is how Excel knows the file is UTF-8 (accents in names).
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as stream:
            count = _write_rows(database, where, stream, region)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return count


def _write_rows(database: Database, where: QueueFilter, stream: TextIO, region: str) -> int:
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    count = 0
    for record in _records(database, where, region):
        writer.writerow([neutralise(cell) for cell in _cells(record)])
        count += 1
    return count


def _records(database: Database, where: QueueFilter, region: str) -> Iterator[RequestRecord]:
    """Urgent first, then oldest: one keyset walk over created_at per urgency, a batch at a time."""
    # Urgency is handled by the two walks below, not by the filter's own condition.
    conditions = queue_conditions(replace(where, urgency=None), region)
    for urgent in (True, False):
        if where.urgency is not None and where.urgency is not urgent:
            continue
        after: tuple[dt.datetime, str] | None = None
        while True:
            query = (
                select(RequestRecord)
                # Served by the queue's (urgent, created_at, id) index: no sort, one batch read per query.
                .where(RequestRecord.urgent.is_(urgent), *conditions)
                .order_by(RequestRecord.created_at, RequestRecord.id)
                .limit(BATCH_SIZE)
            )
            if after is not None:
                query = query.where(_after(*after))
            with database.read() as session:
                batch = list(session.scalars(query))
            yield from batch
            if len(batch) < BATCH_SIZE:
                break
            after = (batch[-1].created_at, batch[-1].id)


def _after(created_at: dt.datetime, request_id: str) -> ColumnElement[bool]:
    # The >= half lets the database start the walk in the created_at index instead of scanning from the top.
    return and_(
        RequestRecord.created_at >= created_at,
        or_(RequestRecord.created_at > created_at, RequestRecord.id > request_id),
    )


def _cells(record: RequestRecord) -> list[str]:
    answers: dict[str, Any] = record.answers or {}
    appointment = record.kind == RequestKind.APPOINTMENT.value
    follow_up = record.kind == RequestKind.FOLLOW_UP.value
    return [
        record.reference,
        _KIND_LABELS.get(record.kind, record.kind),
        _yes_no(record.urgent),
        _status(record.status),
        record.created_at.astimezone().isoformat(timespec="seconds"),
        record.first_name,
        record.last_name,
        record.date_of_birth.isoformat(),
        record.phone_e164,
        record.email or "",
        _words(record.contact_method),
        _list(record.contact_times),
        _yes_no(record.consent_to_texts),
        _list(record.red_flags),
        _words(answers.get("patient_status", "")) if appointment else "",
        _reason(answers) if appointment else "",
        _list(answers.get("preferred_days", [])) if appointment else "",
        _words(answers.get("procedure", "")) if follow_up else "",
        str(answers.get("procedure_date", "")) if follow_up else "",
        str(answers.get("pain_before", "")) if follow_up else "",
        str(answers.get("pain_now", "")) if follow_up else "",
        str(answers.get("relief_percent", "")) if follow_up else "",
        _words(answers.get("relief_duration", "")) if follow_up else "",
        _words(answers.get("relief_within_hours", "")) if follow_up else "",
        str(answers.get("concerns", "")) if follow_up else "",
        _list(answers.get("next_steps", [])) if follow_up else "",
    ]


def _reason(answers: dict[str, Any]) -> str:
    reason = str(answers.get("reason", ""))
    if reason == OTHER_REASON:
        return f"Other: {answers.get('reason_other', '')}"
    return _words(reason)


def _status(value: str) -> str:
    try:
        return STATUS_LABELS[RequestStatus(value)]
    except ValueError:
        return value


def _words(value: object) -> str:
    """A stored code ("no_relief", "si-joint-injection") as words a person reads ("No relief")."""
    return str(value).replace("_", " ").replace("-", " ").capitalize()


def _list(values: object) -> str:
    if not isinstance(values, list):
        return ""
    return "; ".join(_words(value).lower() for value in values)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"
