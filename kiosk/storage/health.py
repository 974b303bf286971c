"""Is the database file there, sound, and on a disk SQLite can trust (not a network share)?"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from kiosk.storage import database as database_module
from kiosk.storage.database import (
    PAGE_BYTES,
    Database,
    DatabaseBusy,
    DatabaseError,
    DatabaseFileDamaged,
    explain_failure,
)

if TYPE_CHECKING:
    from kiosk.config.settings import Settings

__all__ = ["DatabaseBusy", "DatabaseDamaged", "DatabaseMissing"]

# File systems reached over a network. SQLite's locking is unreliable on all of them, so two PCs
# writing one file through a share can corrupt it. 9p is left out: WSL uses it for local drives.
NETWORK_FILE_SYSTEMS = frozenset(
    {"cifs", "smb3", "smbfs", "nfs", "nfs4", "afs", "fuse.sshfs", "ncpfs", "ceph", "glusterfs", "fuse.glusterfs"}
)
_DRIVE_REMOTE = 4  # GetDriveTypeW's answer for a mapped network drive
_PROBLEMS_SHOWN = 20  # integrity_check can list thousands of pages; the first few tell IT enough


class DatabaseDamaged(DatabaseError):  # noqa: N818 (reads as the state it reports)
    """The file fails SQLite's own check: the kiosk must not take requests it may not keep."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


class DatabaseMissing(DatabaseError):  # noqa: N818
    """The database file is gone or empty while its key or backups show there was one: restore, never recreate."""


@dataclass(frozen=True)
class Absent:
    """No database (or an empty file) where the settings point, and what shows whether there ever was one."""

    path: Path
    empty: bool  # a 0-byte file rather than no file
    key_where: str | None  # where its key still is
    backup: Path | None  # the newest backup in the backup folder
    folder: Path  # the backup folder

    @property
    def first_run(self) -> bool:
        """Neither a key nor a backup: a new installation, not a lost database."""
        return self.key_where is None and self.backup is None

    def refusal(self) -> DatabaseMissing:
        state = "empty (0 bytes)" if self.empty else "missing"
        if self.key_where is not None:
            why = f"its key is still in the {self.key_where}, so it held requests and was deleted or cut short"
        else:
            why = f"backups of it are in {self.folder}, so it held requests and was deleted or cut short"
        if self.backup is not None:
            fix = f"run `kiosk db restore {self.backup}` (the newest backup)"
        else:
            fix = (
                f"run `kiosk db restore FILE` with a copy of the database file, as there is no backup in {self.folder} "
                "(only if this PC never took a request, after a first start that was cut short, move the key away "
                "and run `kiosk init`)"
            )
        return DatabaseMissing(
            f"The database {self.path} is {state}, but {why}; the kiosk never puts a new empty database in its "
            f"place: stop every kiosk and console, then {fix}."
        )


def absent_database(settings: Settings) -> Absent | None:
    """None when the configured SQLite file has content (or the database is a server); else what is known."""
    from kiosk.storage.backup import backup_folder, database_file
    from kiosk.storage.keys import find_key

    path = database_file(settings)
    if path is None:
        return None
    try:
        size: int | None = path.stat().st_size
    except FileNotFoundError:
        size = None
    except OSError:
        return None  # unreadable: opening it gives the sentence with the real cause
    if size:
        return None
    key_where: str | None = None
    if settings.database.encrypt:
        try:
            found = find_key(settings.database, path)
        except DatabaseError:
            found = None
            key_where = "key store the settings name (it exists but cannot be read)"
        if found is not None:
            key_where = found[0].where
    folder = backup_folder(settings)
    return Absent(path, size == 0, key_where, newest_backup(settings), folder)


def refuse_lost_database(settings: Settings) -> Absent | None:
    """Raise DatabaseMissing when the database is gone or empty but was there; return the Absent of a first run.

    None when there is a database (or a server) to open.
    """
    absent = absent_database(settings)
    if absent is not None and not absent.first_run:
        raise absent.refusal()
    return absent


def newest_backup(settings: Settings) -> Path | None:
    """The newest backup file in the backup folder (by time written), or None."""
    from kiosk.storage.backup import SUFFIX, backup_folder

    try:
        found = [(path.stat().st_mtime, path) for path in backup_folder(settings).glob(f"kiosk-*{SUFFIX}")]
    except (DatabaseError, OSError):
        return None
    found = [item for item in found if item[1].is_file()]
    return max(found)[1] if found else None


def restore_hint(settings: Settings) -> str:
    """`kiosk db restore <newest backup>`, or where the backups would be when there is none."""
    from kiosk.storage.backup import backup_folder

    newest = newest_backup(settings)
    if newest is not None:
        return f"`kiosk db restore {newest}` (the newest backup)"
    try:
        folder = backup_folder(settings)
    except DatabaseError:
        return "`kiosk db restore FILE` with the newest good backup"
    return f"`kiosk db restore FILE` with a good copy (no backup is in {folder})"


def with_newest_backup(error: DatabaseError, settings: Settings) -> DatabaseError:
    """A damaged-file sentence (which says to restore) with the newest backup's path added; others as they are."""
    if not isinstance(error, DatabaseFileDamaged):
        return error
    newest = newest_backup(settings)
    if newest is None:
        return error
    named = DatabaseFileDamaged(f"{str(error).rstrip('.')} (the newest is {newest}).")
    named.__cause__ = error.__cause__
    return named


def quick_check(database: Database, full: bool = False) -> list[str]:
    """[] when the database is sound, else SQLite's own findings (page numbers, never row contents).

    quick_check reads every page but skips matching indexes against their tables;
    full=True runs integrity_check, which does that too and takes longer.
    Raises DatabaseBusy when another program holds the file's lock, and DatabaseError when the file cannot be
    read for a reason that is not damage (read-only folder, full disk): none of these is told to restore.
    """
    if database.engine.dialect.name != "sqlite":
        # The server checks its own pages; a trivial query proves it answers. An unreachable
        # server is not a damaged database, so its error goes to the caller as it is.
        with database.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1").scalar()
        return []
    try:
        # A read transaction: a check must not queue for the write lock a kiosk or a backup holds.
        with database.read_connection() as connection:
            pragma = "integrity_check" if full else "quick_check"
            rows = connection.exec_driver_sql(f"PRAGMA {pragma}({_PROBLEMS_SHOWN})").fetchall()
            page_size = int(connection.exec_driver_sql("PRAGMA page_size").scalar() or PAGE_BYTES)
    except SQLAlchemyError as exc:
        named = explain_failure(exc, _file_of(database))
        if named is not None and not isinstance(named, DatabaseFileDamaged):
            raise named from exc  # read-only, full disk: not damage, so never "restore"
        # A damaged header or a page SQLCipher cannot authenticate fails before the check can report.
        # SQLite's own message ("file is not a database", "database disk image is malformed") names
        # no row contents, so it is safe to show IT.
        original = getattr(exc, "orig", None) or exc
        return [*_cut_short(database, PAGE_BYTES), f"the file cannot be read ({type(original).__name__}: {original})"]
    findings = findings_of(rows)
    # Pages lost off the end read as damaged b-trees; saying the file was cut short names the cause.
    return [*_cut_short(database, page_size), *findings] if findings else []


def _cut_short(database: Database, page_size: int) -> list[str]:
    path = _file_of(database)
    try:
        size = path.stat().st_size if path is not None else 0
    except OSError:
        return []
    if not size or size % page_size == 0:
        return []
    return [f"the file is cut short ({size:,} bytes, not a whole number of {page_size}-byte pages)"]


_LOCK_PROBE_MS = 300  # long enough to ride out a kiosk's own commit (under 1 ms), short enough for IT to wait


def write_lock_holder(database: Database) -> DatabaseBusy | None:
    """DatabaseBusy when another program holds the SQLite file's write lock now (kiosks could not save), else None.

    Reads go on beside a writer in WAL mode, so a check can pass while every kiosk's Send would wait and fail.
    """
    if database.engine.dialect.name != "sqlite":
        return None
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={_LOCK_PROBE_MS}")
            try:
                cursor.execute("BEGIN IMMEDIATE")
            except Exception as exc:  # the driver's own OperationalError (sqlite3 or sqlcipher3)
                named = explain_failure(exc, _file_of(database))
                if isinstance(named, DatabaseBusy):
                    return named
                raise
            cursor.execute("ROLLBACK")
        finally:
            cursor.execute(f"PRAGMA busy_timeout={database_module.BUSY_TIMEOUT_MS}")
            cursor.close()
    finally:
        raw.close()
    return None


def _file_of(database: Database) -> Path | None:
    name = database.engine.url.database
    return Path(name) if name and name != ":memory:" else None


def findings_of(rows: Sequence[Any]) -> list[str]:
    """SQLite's check rows as one finding a line, without its "*** in database main ***" headings."""
    lines = [line.strip() for row in rows for line in str(row[0]).splitlines()]
    findings = [line for line in lines if line and not line.startswith("***")]
    return [] if findings == ["ok"] else findings


def on_network_filesystem(path: Path, mounts: str | None = None) -> str | None:
    """The network file system holding `path` ("cifs", "nfs4", "remote drive", ...), or None when local.

    `mounts` is the text of /proc/mounts; tests pass their own.
    """
    if sys.platform == "win32":
        return _windows_remote(path)
    if mounts is None:
        if not sys.platform.startswith("linux"):
            return None  # macOS: no cheap, reliable answer; docs/it/database.md says to keep the file local
        mounts = _mounts_text()
        if mounts is None:
            return None
    target = _existing(path)
    best: tuple[int, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape(fields[1])
        if not _is_under(target, point):
            continue
        if best is None or len(point) >= best[0]:
            best = (len(point), fields[2])
    if best is None:
        return None
    kind = best[1]
    return kind if kind in NETWORK_FILE_SYSTEMS else None


def _mounts_text() -> str | None:
    try:
        return Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _existing(path: Path) -> str:
    """The real path (symlinks followed as far as the path exists: a new database has no file yet)."""
    return os.path.realpath(path.expanduser().absolute())


def _unescape(field: str) -> str:
    # /proc/mounts writes space, tab, newline and backslash in mount points as octal escapes.
    for escaped, plain in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(escaped, plain)
    return field


def _is_under(target: str, point: str) -> bool:
    if point == "/":
        return True
    return target == point or target.startswith(point.rstrip("/") + "/")


def _windows_remote(path: Path) -> str | None:
    resolved = str(path.expanduser().absolute())
    if resolved.startswith("\\\\") and not resolved.startswith("\\\\?\\"):
        return "network share"  # a UNC path, \\server\share\...
    drive = os.path.splitdrive(resolved)[0]
    if not drive:
        return None
    import ctypes

    windll = getattr(ctypes, "windll", None)
    if windll is None:
        return None
    drive_type = windll.kernel32.GetDriveTypeW(drive + "\\")
    return "network drive" if drive_type == _DRIVE_REMOTE else None
