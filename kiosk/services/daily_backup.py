"""The kiosk's own daily backup of its SQLite file: taken once a local day, older ones pruned (kiosk.storage.backup)."""

from __future__ import annotations

from pathlib import Path

from kiosk.config.settings import Settings
from kiosk.storage.backup import run_scheduled_backup
from kiosk.storage.database import Database, DatabaseError


class BackupFailedError(Exception):
    """Today's backup could not be taken; the message says why (a path or the database's reason, no patient data)."""


def takes_daily_backups(database: Database) -> bool:
    """Only a SQLite file is backed up by the kiosk: a PostgreSQL server's own backups cover it."""
    return database.engine.dialect.name == "sqlite"


def take_daily_backup(database: Database, settings: Settings) -> Path | None:
    """Today's backup, if there was none yet (its path), else None. Raises BackupFailedError when it failed."""
    try:
        return run_scheduled_backup(database, settings)
    except (DatabaseError, OSError) as exc:
        raise BackupFailedError(str(exc)) from exc
