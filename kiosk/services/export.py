"""Export the filtered queue as a CSV file a spreadsheet opens safely, a batch of rows at a time."""

from __future__ import annotations

import csv
import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from kiosk.domain.audit import AuditAction, Outcome
from kiosk.domain.csv_safety import neutralise
from kiosk.domain.requests import OTHER_REASON, RequestKind
from kiosk.domain.staff import Actor, Permission, PermissionDenied
from kiosk.domain.workflow import STATUS_LABELS, RequestStatus
from kiosk.services.audit import record_for
from kiosk.services.authority import confirm as confirm_authority
from kiosk.services.queue import QueueFilter, queue_conditions
from kiosk.storage.database import Database, DatabaseError
from kiosk.storage.models import RequestRecord
from kiosk.storage.output_files import (
    InstallationFiles,
    OutputRefusedError,
    expand_home,
    files_of_database,
    replace_when_done,
)

log = logging.getLogger(__name__)

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
    "PEG-3 score",
    "relief %",
    "relief duration",
    "relief within hours",
    "concerns",
    "next steps",
)

_KIND_LABELS = {RequestKind.APPOINTMENT.value: "Appointment", RequestKind.FOLLOW_UP.value: "Follow-up"}


# What to do next, by the driver's own words: a full disk, a damaged file and a busy one need different hands.
_NEXT_STEP = (
    (("full",), "free disk space on the database's drive, then export again"),
    (
        ("malformed", "not a database", "corrupt"),
        "run `kiosk db check`; restore the newest good backup if it is damaged",
    ),
    (("locked", "busy"), "another program is writing to the database; try again in a minute"),
    (("readonly", "read-only"), "the kiosk's account cannot write to the database; check its folder's permissions"),
)


class ExportError(OSError):
    """No file was written; the message names the path or the cause and what to do."""


def export_csv(
    database: Database,
    where: QueueFilter,
    out: Path | TextIO,
    *,
    actor: Actor,
    reception_can_export: bool = False,
    region: str = "US",
    installation: InstallationFiles | None = None,
) -> int:
    """Write every request `where` selects, urgent first then oldest; return how many rows were written.

    The audit row ("N rows") is committed before the first row is written: no audit row,
    no data out. A Path is checked first (never one of the installation's own files, see
    kiosk.storage.output_files; `installation` defaults to what the database alone reveals),
    then written to a private temporary file beside it and renamed into place, so a failed
    export never leaves half a file. Raises ExportError with one sentence.
    """
    # utf-8-sig writes a BOM, which is how Excel knows the file is UTF-8 (accents in names).
    return export_records(
        database,
        where,
        out,
        _write_rows,
        actor=actor,
        reception_can_export=reception_can_export,
        region=region,
        installation=installation,
        encoding="utf-8-sig",
    )


RecordWriter = Callable[[Iterator[RequestRecord], TextIO], int]


def export_records(
    database: Database,
    where: QueueFilter,
    out: Path | TextIO,
    write: RecordWriter,
    *,
    actor: Actor,
    reception_can_export: bool = False,
    region: str = "US",
    installation: InstallationFiles | None = None,
    encoding: str = "utf-8",
) -> int:
    """export_csv's guarantees (permission, audit row first, private file renamed into place, one sentence on
    failure) for any format `write` puts on a text stream, one record after another; returns what it wrote."""

    def body() -> int:
        if isinstance(out, Path):
            # The empty private file is made first, so a folder that cannot take it costs no audit row;
            # no row of data is written into it before the audit row is committed.
            with replace_when_done(out, _installation(database, installation)) as temporary:
                _audit_export(database, where, region, as_of, actor)
                with temporary.open("w", encoding=encoding, newline="") as stream:
                    return write(_records(database, where, region, as_of), stream)
        _audit_export(database, where, region, as_of, actor)
        return write(_records(database, where, region, as_of), out)

    _confirm(database, actor, reception_can_export)
    # Rows that arrive after the audit row was written are left for the next export: the count stays true.
    as_of = dt.datetime.now(dt.UTC)
    return _guarded(database, actor, out, body)


def export_to_folder(
    database: Database,
    where: QueueFilter,
    folder: Path,
    name_of: Callable[[RequestRecord], str],
    write_one: Callable[[RequestRecord, TextIO], None],
    *,
    actor: Actor,
    reception_can_export: bool = False,
    region: str = "US",
    installation: InstallationFiles | None = None,
) -> int:
    """One file per request in an existing folder, each with export_csv's guarantees; returns how many.

    Every file is written privately and renamed into place whole, so a folder read while the export runs (an
    interface engine's pick-up folder) never holds half a file; a file of the same name is replaced, which
    makes exporting the same requests again harmless. The audit row counts the requests before any is written.
    """
    given = folder

    def body() -> int:
        files = _installation(database, installation)
        target = _existing_folder(given)
        _audit_export(database, where, region, as_of, actor)
        written = 0
        for record in _records(database, where, region, as_of):
            with (
                replace_when_done(target / name_of(record), files) as temporary,
                temporary.open("w", encoding="utf-8", newline="") as stream,
            ):
                write_one(record, stream)
            written += 1
        return written

    _confirm(database, actor, reception_can_export)
    as_of = dt.datetime.now(dt.UTC)
    return _guarded(database, actor, folder, body)


def _existing_folder(folder: Path) -> Path:
    target = expand_home(folder).absolute()
    if not target.is_dir():
        # A folder a person names must already exist: a typing slip never makes folders where nobody looks.
        what = "is a file, not a folder" if target.exists() else "does not exist"
        raise OutputRefusedError(f"{target} {what}: give the path of an existing folder.")
    return target


def _confirm(database: Database, actor: Actor, reception_can_export: bool) -> None:
    try:
        confirm_authority(database, actor, Permission.EXPORT, reception_can_export=reception_can_export)
    except SQLAlchemyError as exc:
        raise ExportError(
            f"Nothing was exported: the database could not be read ({_cause(exc)}); {_next(exc)}."
        ) from exc
    except PermissionDenied:
        with database.transaction() as session:
            record_for(session, actor, AuditAction.PERMISSION_DENIED, target="export", outcome=Outcome.DENIED)
        raise


def _guarded(database: Database, actor: Actor, out: Path | TextIO, body: Callable[[], int]) -> int:
    """Run an export's body; any failure becomes ExportError with one sentence and a failed-export audit row."""
    try:
        return body()
    except ExportError:
        raise
    except OSError as exc:
        _record_failure(database, actor)
        raise ExportError(_unsaved(out, exc)) from exc
    except (SQLAlchemyError, DatabaseError) as exc:
        log.info("export stopped: the database could not be read", exc_info=True)
        _record_failure(database, actor)
        raise ExportError(
            f"Nothing was exported: the database could not be read ({_cause(exc)}), so no file was written; "
            f"{_next(exc)}."
        ) from exc


def _audit_export(database: Database, where: QueueFilter, region: str, as_of: dt.datetime, actor: Actor) -> None:
    """Commit the export's audit row ("N rows"); ExportError if it cannot be, and then nothing is written."""
    try:
        count = _count(database, where, region, as_of)
    except (SQLAlchemyError, DatabaseError) as exc:
        log.info("export refused: the requests could not be counted", exc_info=True)
        raise ExportError(
            f"Nothing was exported: the database could not be read ({_cause(exc)}); {_next(exc)}."
        ) from exc
    try:
        with database.transaction() as session:
            record_for(session, actor, AuditAction.EXPORT, detail=f"{count} rows")
    except (SQLAlchemyError, DatabaseError) as exc:
        log.info("export refused: its audit row could not be written", exc_info=True)
        raise ExportError(
            f"Nothing was exported: the audit trail could not record the export ({_cause(exc)}); {_next(exc)}."
        ) from exc


def _installation(database: Database, given: InstallationFiles | None) -> InstallationFiles | None:
    if given is not None:
        return given
    path = database.engine.url.database
    if database.engine.dialect.name != "sqlite" or not path or path == ":memory:":
        return None
    return files_of_database(Path(path).expanduser().absolute())


def _unsaved(out: Path | TextIO, exc: OSError) -> str:
    if isinstance(exc, OutputRefusedError):
        return f"Nothing was exported: {exc}"
    return (
        f"The export could not be saved as {out} ({exc.strerror or type(exc).__name__}): "
        "choose a folder you can write to that has free space, and close the file if a program has it open."
    )


def _cause(exc: Exception) -> str:
    """The driver's own words ("database or disk is full"), never the SQL statement or its values."""
    words = str(getattr(exc, "orig", None) or exc).strip()
    return words.splitlines()[0][:160] if words else type(exc).__name__


def _next(exc: Exception) -> str:
    words = _cause(exc).lower()
    for clues, step in _NEXT_STEP:
        if any(clue in words for clue in clues):
            return step
    return "run `kiosk db check`, and free disk space if the disk is full"


def _record_failure(database: Database, actor: Actor) -> None:
    """Best effort: the failure is already told to the person; a database that cannot take the row is logged."""
    try:
        with database.transaction() as session:
            record_for(session, actor, AuditAction.EXPORT, outcome=Outcome.FAILED, detail="no file written")
    except (SQLAlchemyError, DatabaseError):
        log.info("the failed export could not be audited", exc_info=True)


def _count(database: Database, where: QueueFilter, region: str, as_of: dt.datetime) -> int:
    conditions = queue_conditions(where, region)
    with database.read() as session:
        statement = (
            select(func.count()).select_from(RequestRecord).where(*conditions, RequestRecord.created_at <= as_of)
        )
        return session.scalar(statement) or 0


def _write_rows(records: Iterator[RequestRecord], stream: TextIO) -> int:
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    count = 0
    for record in records:
        writer.writerow([neutralise(cell) for cell in _cells(record)])
        count += 1
    return count


def _records(database: Database, where: QueueFilter, region: str, as_of: dt.datetime) -> Iterator[RequestRecord]:
    """Urgent first, then oldest: one keyset walk over created_at per urgency, a batch at a time."""
    # Urgency is handled by the two walks below, not by the filter's own condition.
    conditions = [*queue_conditions(replace(where, urgency=None), region), RequestRecord.created_at <= as_of]
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
        _peg(answers) if follow_up else "",
        str(answers.get("relief_percent", "")) if follow_up else "",
        _words(answers.get("relief_duration", "")) if follow_up else "",
        _words(answers.get("relief_within_hours", "")) if follow_up else "",
        str(answers.get("concerns", "")) if follow_up else "",
        _list(answers.get("next_steps", [])) if follow_up else "",
    ]


def _peg(answers: dict[str, Any]) -> str:
    score = answers.get("peg_score")
    # One decimal, as the PEG is reported; empty for a follow-up stored before the kiosk asked it.
    return f"{score:.1f}" if isinstance(score, int | float) and not isinstance(score, bool) else ""


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
