"""The audit row of a command-line verb that releases or changes data at scale, written before the verb acts.

`kiosk db restore`, `rekey`, `encrypt` and `purge` call these; each raises AuditUnavailableError (a
DatabaseError, so the command prints one sentence and exits 2) when the row cannot be written, and
then nothing was done. The actor is the operating-system account and the PC (kiosk/cli/os_account.py).
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.os_account import cli_actor
from kiosk.domain.audit import AuditAction, Outcome
from kiosk.services.audit import (
    AuditUnavailableError,
    record_before,
    record_before_any_layout,
    record_for,
    record_rekey,
    restart_head,
)
from kiosk.storage.database import Database, DatabaseError

if TYPE_CHECKING:
    from kiosk.config.settings import Settings
    from kiosk.domain.staff import Actor

log = logging.getLogger(__name__)

# These verbs need every kiosk and console stopped: a held write lock is reported after 2 s, not SQLite's 15 s.
_BUSY_WAIT_MS = 2000
# SQLite's primary result codes for a damaged file: a restore is how such a database gets fixed,
# so its trail not taking a row must not stand in the way (the restored trail records the restore).
_DAMAGED = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB


def before_purge(database: Database, days: int) -> None:
    detail = f"closed more than {days} days ago"
    record_before(database, cli_actor(), AuditAction.PURGE, target="patient_requests", detail=detail)


@contextlib.contextmanager
def purging(database: Database, days: int) -> Iterator[None]:
    """Around `kiosk db purge`: who asked, first; then each batch deletes and audits in one transaction.

    A batch whose audit row fails is rolled back with it, so the purge stops with a sentence, never a
    traceback, and every request already removed has its row.
    """
    from sqlalchemy.exc import SQLAlchemyError

    before_purge(database, days)
    try:
        yield
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"The purge stopped ({type(getattr(exc, 'orig', None) or exc).__name__}): the requests it removed so "
            "far are each in the audit trail, the rest are untouched; free disk space if the disk is full, check "
            "the database with `kiosk db check`, then run the purge again."
        ) from exc


def before_rekey(database: Database, new_key: bytes) -> None:
    record_rekey(database, new_key, cli_actor(), busy_wait_ms=_BUSY_WAIT_MS)


def before_encrypt(url: str) -> None:
    database = Database.open(url)
    try:
        detail = "database encrypted"
        record_before_any_layout(database, cli_actor(), AuditAction.ENCRYPT, detail=detail, busy_wait_ms=_BUSY_WAIT_MS)
    finally:
        database.close()


@contextlib.contextmanager
def restoring(settings: Settings, backup: Path) -> Iterator[None]:
    """Around `kiosk db restore`: a row in the database about to be replaced, then one in the restored one."""
    actor = cli_actor()
    current = _current(settings)
    if current is not None:
        try:
            detail = f"replaced by {backup.name}"
            record_before_any_layout(current, actor, AuditAction.RESTORE, detail=detail, busy_wait_ms=_BUSY_WAIT_MS)
        except AuditUnavailableError as exc:
            if _damage_code(exc) not in _DAMAGED:
                raise
            log.warning("the database to be restored over is damaged: its audit trail takes no row")
        finally:
            current.close()  # the restore refuses a database that is still open
    try:
        yield
    except DatabaseError:
        if current is not None:
            _record_failure(settings, actor, backup)
        raise
    restored = _current(settings)
    if restored is None:
        return
    try:
        restart_head(restored, actor, detail=f"from {backup.name}")
    except DatabaseError as exc:
        print(f"kiosk: The database was restored, but its audit trail could not record it: {exc}", file=sys.stderr)
    finally:
        restored.close()


def _current(settings: Settings) -> Database | None:
    """The configured SQLite database as it is, or None when there is none or it does not open (damaged)."""
    from kiosk.storage.backup import database_file
    from kiosk.storage.keys import database_exists, open_configured_database

    path = database_file(settings)
    if path is None or not database_exists(path):
        return None
    try:
        return open_configured_database(settings, create_if_missing=False)
    except DatabaseError:
        return None


def _damage_code(exc: BaseException) -> int | None:
    orig = getattr(exc.__cause__, "orig", None)
    code = getattr(orig, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def _record_failure(settings: Settings, actor: Actor, backup: Path) -> None:
    """The restore was refused after its row was written: say so in the same trail (best effort)."""
    from sqlalchemy.exc import SQLAlchemyError

    database = _current(settings)
    if database is None:
        return
    try:
        with contextlib.suppress(SQLAlchemyError), database.transaction() as session:
            record_for(
                session,
                actor,
                AuditAction.RESTORE,
                target="database",
                outcome=Outcome.FAILED,
                detail=f"not replaced by {backup.name}",
            )
    finally:
        database.close()
