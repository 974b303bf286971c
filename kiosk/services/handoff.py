"""The drop folder: each queued new request or status change becomes one FHIR bundle file, once and in order.

The queue (handoff_queue) is filled by triggers in the transaction that stores a request or changes its status
(migration 0009). `HandoffWriter.drain` takes the oldest entry, writes its bundle into the folder under a name
that sorts in queue order (a private temporary file renamed into place whole, as every export is), and only
then deletes the entry: a folder that is missing, read-only or full leaves every entry queued for the next try.

One writer at a time, whichever PC it runs on: a writer holds the lease in handoff_state (taken in a short
transaction, on PostgreSQL with FOR UPDATE SKIP LOCKED so a second writer never waits on the first) and
renews it with every file. Two writers never both write; files keep their order. A writer that dies after its
rename but before its delete leaves the entry queued, and the next writer writes the same file name again with
the same content: the bundle's conditional entries make a second reading harmless (docs/it/fhir.md).
"""

from __future__ import annotations

import datetime as dt
import enum
import errno
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, select, update

from kiosk.domain.workflow import RequestStatus
from kiosk.services.fhir.bundles import StoredRequest, bundle_json
from kiosk.services.request_rows import UnreadableRowError, from_record
from kiosk.storage.database import Database
from kiosk.storage.models import HandoffEvent, HandoffState, RequestRecord
from kiosk.storage.output_files import InstallationFiles, OutputRefusedError, replace_when_done

# Longer than any one file takes to write, even to a slow share; a writer that stops renewing it (its PC
# switched off) hands the queue to another PC after this long.
LEASE = dt.timedelta(seconds=60)
_STATE_ROW = 1


class FolderState(enum.StrEnum):
    UNKNOWN = "unknown"  # no writer has tried yet
    OK = "ok"
    MISSING = "missing"  # not there (a share not connected, a folder removed)
    NOT_WRITABLE = "not_writable"
    FULL = "full"
    FAILING = "failing"  # another error writing a file
    UNREADABLE = "unreadable"  # the oldest entry's request was stored by a newer program version


@dataclass(frozen=True)
class _Claim:
    event_id: int
    file_name: str
    content: str


@dataclass
class DrainResult:
    """What one drain did: the files written (names, in order), how the folder was, and whether another PC
    held the queue."""

    written: list[str] = field(default_factory=list)
    state: FolderState = FolderState.OK
    busy: bool = False  # another writer holds the lease: nothing was tried here
    cause: str = ""  # for a failing state: the error's name (never a path or patient data)


def file_name(event_id: int, reference: str, version: int) -> str:
    """Zero-padded queue order first, so the folder's files sort as they were queued; the reference and version
    make a name unique even if a restored backup hands out a queue id again."""
    return f"{event_id:012d}-{reference}-v{version}.json"


def switch_on(database: Database) -> None:
    """Keep the queue from now on (a PC with a drop folder in its settings calls this as it starts)."""
    with database.transaction() as session:
        session.execute(update(HandoffState).where(HandoffState.id == _STATE_ROW).values(enabled=True))


def switch_off(database: Database) -> int:
    """Stop keeping the queue and empty it (IT removed the drop folder for good); how many entries were dropped."""
    with database.transaction() as session:
        session.execute(
            update(HandoffState)
            .where(HandoffState.id == _STATE_ROW)
            .values(enabled=False, holder=None, lease_until=None, folder_state=FolderState.UNKNOWN.value)
        )
        dropped = session.scalar(select(func.count(HandoffEvent.id))) or 0
        session.execute(delete(HandoffEvent))
        return dropped


class HandoffWriter:
    """Writes the queue into `folder`, as workstation `workstation`."""

    def __init__(
        self, database: Database, folder: Path, workstation: str, installation: InstallationFiles | None = None
    ) -> None:
        self._database = database
        self._folder = folder
        self._workstation = workstation
        # Two programs on one PC (the kiosk and the console) are two writers: the lease names the process.
        self._holder = f"{workstation}/{os.getpid()}/{uuid.uuid4().hex[:8]}"
        self._installation = installation

    def drain(self, limit: int = 500, now: dt.datetime | None = None) -> DrainResult:
        """Write up to `limit` queued entries, oldest first; stop at the first that cannot be written."""
        result = DrainResult()
        for _ in range(limit):
            moment = now or dt.datetime.now(dt.UTC)
            try:
                claim = self._claim(moment)
            except UnreadableRowError:
                result.state = FolderState.UNREADABLE
                self._finish(None, result.state, moment)
                return result
            if claim is None:  # nothing left: hand the lease back so any PC may take the next entry at once
                if not result.written:
                    result.state = self._looks()
                self._finish(None, result.state, moment)
                return result
            if claim is _BUSY:
                result.busy = True
                return result
            assert isinstance(claim, _Claim)
            try:
                self._write(claim)
            except OSError as exc:
                result.state, result.cause = self._why(exc)
                self._finish(None, result.state, moment)
                return result
            self._finish(claim, FolderState.OK, moment)
            result.written.append(claim.file_name)
        return result

    def _claim(self, now: dt.datetime) -> _Claim | object | None:
        with self._database.transaction() as session:
            # SKIP LOCKED: while another writer is taking or renewing its lease, this one moves on instead of
            # waiting. SQLite ignores it; its transaction already holds the only write lock.
            state = session.scalars(
                select(HandoffState).where(HandoffState.id == _STATE_ROW).with_for_update(skip_locked=True)
            ).first()
            if state is None:
                return _BUSY
            if state.holder not in (None, self._holder) and state.lease_until and state.lease_until > now:
                return _BUSY
            oldest = session.scalars(select(HandoffEvent).order_by(HandoffEvent.id).limit(1)).first()
            if oldest is None:
                return None
            state.holder, state.lease_until = self._holder, now + LEASE
            record = session.get(RequestRecord, oldest.request_id)
            assert record is not None  # the queue's rows go with their request (ON DELETE CASCADE)
            stored = StoredRequest(
                request=from_record(record),
                reference=record.reference,
                status=RequestStatus(oldest.status),
                received_at=record.created_at,
                updated_at=oldest.changed_at,
                version=oldest.version,
            )
            # Indented for a person who opens the file; an interface engine reads it the same either way.
            content = json.dumps(json.loads(bundle_json(stored)), indent=2, ensure_ascii=False) + "\n"
            return _Claim(oldest.id, file_name(oldest.id, record.reference, oldest.version), content)

    def _looks(self) -> FolderState:
        """The folder's state without writing (nothing waits): whether it is there and may be written."""
        if not self._folder.is_dir():
            return FolderState.MISSING
        return FolderState.OK if os.access(self._folder, os.W_OK | os.X_OK) else FolderState.NOT_WRITABLE

    def _write(self, claim: _Claim) -> None:
        if not self._folder.is_dir():
            # Never created here: a share that is not connected would otherwise get a local folder nobody reads.
            raise FileNotFoundError(errno.ENOENT, "the drop folder is not there")
        with replace_when_done(self._folder / claim.file_name, self._installation) as temporary:
            temporary.write_text(claim.content, encoding="utf-8")

    def _finish(self, claim: _Claim | None, folder_state: FolderState, now: dt.datetime) -> None:
        """Delete the written entry and note the folder's state; without a claim, hand the lease back."""
        with self._database.transaction() as session:
            state = session.get(HandoffState, _STATE_ROW)
            assert state is not None  # made by migration 0009
            if claim is not None:
                session.execute(delete(HandoffEvent).where(HandoffEvent.id == claim.event_id))
                state.last_written_at = now
            if state.holder in (None, self._holder):
                # Renewed while writing; handed back when stopping, so a PC whose folder works can take over.
                state.holder = self._holder if claim is not None else None
                state.lease_until = now + LEASE if claim is not None else None
            if state.folder_state != folder_state.value:
                state.folder_state, state.state_since = folder_state.value, now
            state.checked_at, state.checked_by = now, self._workstation

    def _why(self, exc: OSError) -> tuple[FolderState, str]:
        code = exc.errno
        if isinstance(exc, FileNotFoundError) or not self._folder.is_dir():
            return FolderState.MISSING, "ENOENT"
        if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return FolderState.FULL, errno.errorcode.get(code or 0, "ENOSPC")
        if isinstance(exc, (PermissionError, OutputRefusedError)) or code == errno.EROFS:
            return FolderState.NOT_WRITABLE, errno.errorcode.get(code or 0, type(exc).__name__)
        return FolderState.FAILING, errno.errorcode.get(code or 0, type(exc).__name__)


_BUSY = object()


@dataclass(frozen=True)
class HandoffStatus:
    """The drop folder as `kiosk doctor` and the console show it, read from the database on any PC."""

    enabled: bool
    folder_state: FolderState
    state_since: dt.datetime | None
    checked_at: dt.datetime | None
    checked_by: str | None
    last_written_at: dt.datetime | None
    waiting: int
    oldest_waiting: dt.datetime | None


def handoff_status(database: Database) -> HandoffStatus:
    # Read whole inside the transaction: a bounded reader's session expires its objects when it ends.
    with database.read() as session:
        state = session.get(HandoffState, _STATE_ROW)
        waiting, oldest = session.execute(select(func.count(HandoffEvent.id), func.min(HandoffEvent.changed_at))).one()
        if state is None:
            return HandoffStatus(False, FolderState.UNKNOWN, None, None, None, None, waiting, oldest)
        known = state.folder_state in set(FolderState)
        return HandoffStatus(
            enabled=state.enabled,
            folder_state=FolderState(state.folder_state) if known else FolderState.FAILING,
            state_since=state.state_since,
            checked_at=state.checked_at,
            checked_by=state.checked_by,
            last_written_at=state.last_written_at,
            waiting=waiting,
            oldest_waiting=oldest,
        )
