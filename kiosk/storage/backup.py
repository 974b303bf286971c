"""Consistent, encrypted, durable copies of the SQLite database: taken, kept, pruned and restored."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import logging
import os
import re
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from kiosk.storage.database import Database, DatabaseError, apply_key
from kiosk.storage.health import findings_of
from kiosk.storage.output_files import (
    InstallationFiles,
    OutputRefusedError,
    expand_home,
    files_of_database,
    replace_when_done,
)

if TYPE_CHECKING:
    from kiosk.config.settings import Settings

log = logging.getLogger(__name__)

SUFFIX = ".sqlite3"
DAILY_PREFIX = "kiosk-"
_DAILY = re.compile(r"^kiosk-\d{4}-\d{2}-\d{2}\.sqlite3$")
_BEFORE = re.compile(r"^kiosk-before-.+\.sqlite3$")
_KEY_IN_URL = re.compile(r"^x'([0-9a-fA-F]{64})'$")
_NOT_SQLITE = "Backups here cover the built-in SQLite database; back up a PostgreSQL server with pg_dump on the server."


def database_file(settings: Settings) -> Path | None:
    """The SQLite file the settings name, or None for PostgreSQL."""
    parsed = make_url(settings.database.resolved_url())
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).expanduser().absolute()


def backup_folder(settings: Settings) -> Path:
    """settings.database.backup_folder, else a "backups" folder beside the database file."""
    if settings.database.backup_folder is not None:
        return settings.database.backup_folder.expanduser().absolute()
    path = database_file(settings)
    if path is None:
        raise DatabaseError(_NOT_SQLITE)
    return path.parent / "backups"


def key_of(database: Database) -> bytes | None:
    """The raw key the open database was keyed with (E1 passes it as the pysqlcipher URL's password)."""
    url = database.engine.url
    if url.drivername != "sqlite+pysqlcipher" or not url.password:
        return None
    match = _KEY_IN_URL.match(url.password)
    return bytes.fromhex(match.group(1)) if match else None


def stamp(now: dt.datetime | None = None) -> str:
    moment = (now or dt.datetime.now(dt.UTC)).astimezone()
    return moment.strftime("%Y%m%d-%H%M%S")


def _connect(path: Path, key: bytes | None, *, read_only: bool = False) -> Any:
    """A bare driver connection (no pool, no pragmas), keyed first when the file is encrypted."""
    target = f"file:{path.as_posix()}?mode=ro" if read_only else str(path)
    if key is None:
        connection: Any = sqlite3.connect(target, uri=read_only, isolation_level=None)
    else:
        connection = _sqlcipher().connect(target, uri=read_only, isolation_level=None)
        apply_key(connection, key)
        # A damaged page is reported to IT in a sentence; SQLCipher's own log lines would only add noise.
        connection.execute("PRAGMA cipher_log_level = NONE")
    return connection


def _fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder to fsync it; NTFS journals the rename itself
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy_pages(
    source: Any,
    destination: Path,
    key: bytes | None,
    installation: InstallationFiles | None = None,
    *,
    make_folder: bool = True,
) -> None:
    """Copy with SQLite's backup API into a private temporary file, check it, fsync it, then rename it into place.

    The temporary file is made empty with mode 0600 before SQLite opens it (SQLite would make it 0644 under a
    usual umask), so the copy is never readable by other accounts; see kiosk.storage.output_files.
    `make_folder` creates a missing destination folder (the kiosk's own backups folder only).
    """
    folder = destination.parent
    try:
        if make_folder:
            folder.mkdir(parents=True, exist_ok=True)
        with replace_when_done(destination, installation) as temporary:
            copy = _connect(temporary, key)
            try:
                # One step (pages=-1) reads one snapshot: in WAL mode the kiosks keep writing meanwhile,
                # and the copy holds exactly what was committed when the step began.
                source.backup(copy, pages=-1)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
                findings = findings_of(copy.execute("PRAGMA quick_check").fetchall())
            finally:
                copy.close()
            if findings:
                raise DatabaseError(
                    f"The backup copy {destination} failed its check ({findings[0]}); nothing was saved."
                )
    except OutputRefusedError as exc:
        raise DatabaseError(f"Nothing was backed up: {exc}") from exc
    except OSError as exc:
        raise DatabaseError(
            f"The backup {destination} could not be written ({exc.strerror or type(exc).__name__}): "
            "check that the folder exists, is writable and has free space."
        ) from exc
    except (sqlite3.Error, _sqlcipher_error()) as exc:
        raise DatabaseError(
            f"The backup {destination} could not be written ({type(exc).__name__}: {exc}): "
            "check that the folder is writable and has free space, then run `kiosk db check`."
        ) from exc


def _sqlcipher() -> Any:
    # Imported by name: the wheel ships no type information.
    return importlib.import_module("sqlcipher3")


def _sqlcipher_error() -> type[Exception]:
    try:
        error: type[Exception] = _sqlcipher().Error
    except ImportError:
        return sqlite3.Error
    return error


def backup_to(
    database: Database, destination: Path, key: bytes | None, *, installation: InstallationFiles | None = None
) -> Path:
    """A consistent copy of the live database at `destination`, encrypted with `key` like the original.

    Safe while kiosks write: the copy is one snapshot. Written to a private (0600) temporary
    name, checked, fsynced and renamed, so `destination` is either absent or complete.
    Never over one of the installation's own files (`installation`; at least the live
    database, its working files and its key): DatabaseError with one sentence instead.
    """
    if database.engine.dialect.name != "sqlite":
        raise DatabaseError(_NOT_SQLITE)
    try:
        destination = expand_home(destination).absolute()
    except OutputRefusedError as exc:
        raise DatabaseError(f"Nothing was backed up: {exc}") from exc
    # Without `installation` the kiosk chose the destination itself (the daily backup, the copy before an
    # upgrade), in its backups folder, which is made when missing. A folder a person named must exist already,
    # as for an export: a slip of the hand never creates folders (at / when run as root) nobody looks in.
    make_folder = installation is None or installation.may_create(destination.parent)
    live = database.engine.url.database
    if installation is None and live and live != ":memory:":
        installation = InstallationFiles(files_of_database(Path(live).expanduser().absolute()).files)
    connection = database.engine.raw_connection()
    try:
        _copy_pages(connection.driver_connection, destination, key, installation, make_folder=make_folder)
    finally:
        connection.close()
    log.info("database backed up to %s", destination)
    return destination


def run_scheduled_backup(database: Database, settings: Settings, now: dt.datetime | None = None) -> Path | None:
    """Today's backup if there is none yet (local day), then keep only the newest backups_kept."""
    if database.engine.dialect.name != "sqlite":
        return None  # the PostgreSQL server's own backups cover it
    folder = backup_folder(settings)
    day = (now or dt.datetime.now(dt.UTC)).astimezone().date()
    target = folder / f"{DAILY_PREFIX}{day.isoformat()}{SUFFIX}"
    if target.exists():
        return None
    backup_to(database, target, key_of(database))
    prune(folder, settings.database.backups_kept)
    return target


def prune(folder: Path, kept: int) -> list[Path]:
    """Remove all but the newest `kept` daily backups, and likewise the before-upgrade/restore copies."""
    removed: list[Path] = []
    for pattern in (_DAILY, _BEFORE):
        files = sorted(
            (path for path in folder.glob(f"*{SUFFIX}") if pattern.match(path.name)),
            key=lambda path: (path.stat().st_mtime, path.name),
            reverse=True,
        )
        for old in files[kept:]:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
                removed.append(old)
    return removed


def last_backup_age(settings: Settings, now: dt.datetime | None = None) -> dt.timedelta | None:
    """How old the newest backup in the backup folder is, or None when there is none (for `kiosk doctor`)."""
    try:
        folder = backup_folder(settings)
        times = [path.stat().st_mtime for path in folder.glob(f"kiosk-*{SUFFIX}")]
    except (DatabaseError, OSError):
        return None
    if not times:
        return None
    newest = dt.datetime.fromtimestamp(max(times), dt.UTC)
    return (now or dt.datetime.now(dt.UTC)) - newest


def check_backup_file(source: Path, key: bytes | None) -> str:
    """The file's schema revision, after proving it opens with the key and passes integrity_check.

    Raises DatabaseError with a sentence saying why the file cannot be used.
    """
    from kiosk.storage.migrations import alembic_config

    if not source.is_file():
        raise DatabaseError(f"There is no file {source}: give the path of a backup file.")
    try:
        connection = _connect(source, key, read_only=True)
    except (sqlite3.Error, _sqlcipher_error()) as exc:
        raise DatabaseError(
            f"The file {source} cannot be opened ({type(exc).__name__}): check its permissions."
        ) from exc
    try:
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except (sqlite3.Error, _sqlcipher_error()) as exc:
            raise DatabaseError(
                f"The file {source} cannot be read with this database's key: it is not a kiosk backup, it was made "
                "before a key change (`kiosk db rekey`), or it is damaged; choose another backup."
            ) from exc
        try:
            findings = findings_of(connection.execute("PRAGMA integrity_check(5)").fetchall())
        except (sqlite3.Error, _sqlcipher_error()) as exc:
            findings = [f"{type(exc).__name__}: {exc}"]
        if findings:
            raise DatabaseError(
                f"The file {source} fails SQLite's integrity check ({findings[0]}): "
                "it is damaged; choose an older backup."
            )
        try:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except (sqlite3.Error, _sqlcipher_error()):
            revision = None
    finally:
        connection.close()
    if revision is None:
        raise DatabaseError(f"The file {source} is not a kiosk database: give the path of a kiosk backup.")
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    if revision[0] not in {script.revision for script in scripts.walk_revisions()}:
        raise DatabaseError(
            f"The file {source} was made by a newer version of the kiosk (layout {revision[0]}): "
            "install that version first, then restore."
        )
    return str(revision[0])


def _in_use(path: Path, key: bytes | None) -> bool:
    """True when another process holds the database open.

    The last connection to close a WAL database checkpoints it and deletes its -wal
    file; if the -wal file survives our own open-checkpoint-close, someone else has it open.
    """
    wal = Path(f"{path}-wal")
    try:
        connection = _connect(path, key)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            connection.close()
    except (sqlite3.Error, _sqlcipher_error()):
        return False  # damaged: nothing can be using it usefully; the raw copy below keeps it
    return wal.exists()


def _keep_current(path: Path, folder: Path, key: bytes | None, now: dt.datetime | None) -> Path:
    """A copy of the database as it is before a restore: a checked backup, or its raw bytes if it is damaged."""
    target = folder / f"kiosk-before-restore-{stamp(now)}{SUFFIX}"
    try:
        source = _connect(path, key)
        try:
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()
            _copy_pages(source, target, key)
        finally:
            source.close()
        return target
    except (DatabaseError, sqlite3.Error, _sqlcipher_error()):
        log.warning("the current database could not be backed up normally; keeping its raw bytes", exc_info=True)
    raw = folder / f"kiosk-damaged-{stamp(now)}{SUFFIX}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal"):
            original = Path(f"{path}{suffix}")
            if original.exists():
                shutil.copy2(original, Path(f"{raw}{suffix}"))
                _fsync_file(Path(f"{raw}{suffix}"))
        _fsync_folder(folder)
    except OSError as exc:
        raise DatabaseError(
            f"The current database could not be copied to {raw} before restoring ({exc.strerror}): "
            "free some space or fix the folder's permissions; nothing was changed."
        ) from exc
    return raw


def restore_from(source: Path, settings: Settings, now: dt.datetime | None = None) -> Path | None:
    """Replace the configured database with the backup `source`; returns where the old database was kept.

    Refuses a file that fails integrity_check or does not open with the database's key,
    and a database another process (a kiosk or console) still has open. Run it while
    every kiosk and console using this database is stopped.
    """
    from kiosk.storage.keys import database_exists, resolve_key

    path = database_file(settings)
    if path is None:
        raise DatabaseError("Restore covers the built-in SQLite database; restore PostgreSQL with pg_restore.")
    try:
        source = expand_home(source).absolute()
    except OutputRefusedError as exc:
        raise DatabaseError(f"Nothing was restored: {exc}") from exc
    if source == path:
        raise DatabaseError(f"The file {source} is the database itself: give the path of a backup file.")
    key = resolve_key(settings.database, create=False) if database_exists(path) else _key_for_new(settings)
    check_backup_file(source, key)
    folder = backup_folder(settings)
    kept: Path | None = None
    if database_exists(path):
        if _in_use(path, key):
            raise DatabaseError(
                f"The database {path} is in use by a running kiosk or console: stop every kiosk and console "
                "that uses it, then run the restore again."
            )
        kept = _keep_current(path, folder, key, now)
    copy = _connect(source, key, read_only=True)
    try:
        temporary = path.with_name(f".{path.name}.restoring")
        _copy_pages(copy, temporary, key)
    finally:
        copy.close()
    try:
        # Stale -wal/-shm files belong to the old database; SQLite would apply them to the new one.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, path)
        _fsync_folder(path.parent)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise DatabaseError(
            f"The database {path} could not be replaced ({exc.strerror}): stop every kiosk and console using it, "
            "then run the restore again."
        ) from exc
    log.info("database restored from %s; the previous one is kept at %s", source, kept)
    return kept


def _key_for_new(settings: Settings) -> bytes | None:
    """With no database in place, the key already stored for it (restoring onto a rebuilt PC)."""
    from kiosk.storage.keys import find_key

    path = database_file(settings)
    if path is None or not settings.database.encrypt:
        return None
    found = find_key(settings.database, path)
    if found is None:
        raise DatabaseError(
            f"There is no key for the database {path}: put the key file IT keeps back in place "
            "(see database.key_file), then run the restore again."
        )
    return found[1]
