"""Is the database file sound, and is it on a disk SQLite can trust (not a network share)?"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from kiosk.storage.database import Database, DatabaseError

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


def quick_check(database: Database, full: bool = False) -> list[str]:
    """[] when the database is sound, else SQLite's own findings (page numbers, never row contents).

    quick_check reads every page but skips matching indexes against their tables;
    full=True runs integrity_check, which does that too and takes longer.
    """
    if database.engine.dialect.name != "sqlite":
        # The server checks its own pages; a trivial query proves it answers. An unreachable
        # server is not a damaged database, so its error goes to the caller as it is.
        with database.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1").scalar()
        return []
    try:
        with database.engine.connect() as connection:
            pragma = "integrity_check" if full else "quick_check"
            rows = connection.exec_driver_sql(f"PRAGMA {pragma}({_PROBLEMS_SHOWN})").fetchall()
    except SQLAlchemyError as exc:
        # A damaged header or a page SQLCipher cannot authenticate fails before the check can report.
        # SQLite's own message ("file is not a database", "database disk image is malformed") names
        # no row contents, so it is safe to show IT.
        original = getattr(exc, "orig", None) or exc
        return [f"the file cannot be read ({type(original).__name__}: {original})"]
    return findings_of(rows)


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
            return None  # macOS: no cheap, reliable answer; the README says to keep the file local
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
