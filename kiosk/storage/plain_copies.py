"""Unencrypted copies of the database: where `kiosk db encrypt` keeps its own, and finding any left on the PC.

`kiosk db encrypt` works in a private folder beside the database ("<folder>/.kiosk-encrypt-<pid>", mode 0700,
its files 0600), so no other account can read the plain copy even for a moment. The copy is deleted once the
encrypted file is verified, unless IT asks to keep it; a run that was killed leaves its folder behind, and the
next `kiosk db encrypt` or kiosk start removes it (the database itself is whole either way: the plain file until
the encrypted one, verified first, replaces it in one rename). `kiosk doctor` fails on any plain copy it finds.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.storage.database import SQLITE_HEADER

if TYPE_CHECKING:
    from kiosk.config.settings import Settings

log = logging.getLogger(__name__)

WORK_PREFIX = ".kiosk-encrypt-"  # + the pid of the `kiosk db encrypt` that works in it
KEPT_PREFIX = "plain-copy-"  # + a time stamp: a copy IT asked to keep (`kiosk db encrypt --keep-plain-copy`)
_OLD_ENCRYPTING = ".encrypting-"  # earlier versions' temporary file: ".<name>.encrypting-<pid>"
_SHOWN = 5  # doctor names a few; more are counted


def work_folder(database: Path) -> Path:
    """This run's private folder beside the database, made fresh with mode 0700."""
    folder = database.parent / f"{WORK_PREFIX}{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)  # a dead run with our pid: nothing of it is worth keeping
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask; this is not
    return folder


def private_file(path: Path) -> Path:
    """An empty file only this account can read, so SQLite writes into it without ever widening its mode."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    return path


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # os.kill(pid, 0) is not a probe on Windows; `kiosk db encrypt` runs with all else stopped
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another account's live process
    return True


def _pid_of(name: str, prefix: str) -> int | None:
    tail = name[name.index(prefix) + len(prefix) :]
    return int(tail) if tail.isdigit() else None


def remove_interrupted(database: Path) -> list[Path]:
    """Delete what a killed `kiosk db encrypt` left beside `database`; returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(database.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if name.startswith(WORK_PREFIX):
            pid = _pid_of(name, WORK_PREFIX)
        elif name.startswith(f".{database.name}{_OLD_ENCRYPTING}"):
            pid = _pid_of(name, _OLD_ENCRYPTING)
        else:
            continue
        if pid is None or _alive(pid):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
        log.warning("removed %s, left by an interrupted `kiosk db encrypt`", entry)
    return removed


def is_plain_sqlite_file(path: Path) -> bool:
    """An unencrypted SQLite database starts with its well-known header; an encrypted one looks random."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def find_plain_copies(settings: Settings) -> list[Path]:
    """Unencrypted SQLite files in the database's folder and the backup folder (and one level below each).

    The configured database itself is left out when the settings keep it plain (database.encrypt = false):
    doctor's encryption check speaks for it.
    """
    from kiosk.storage.backup import backup_folder, database_file
    from kiosk.storage.database import DatabaseError

    path = database_file(settings)
    if path is None:
        return []
    live = {path, Path(f"{path}-wal"), Path(f"{path}-shm")} if not settings.database.encrypt else set()
    folders = [path.parent]
    with contextlib.suppress(DatabaseError):  # backup_folder raises only for a server database
        folders.append(backup_folder(settings))
    found: list[Path] = []
    seen: set[Path] = set()
    for folder in folders:
        for candidate in _files_in(folder, depth=1):
            if candidate in seen or candidate in live:
                continue
            seen.add(candidate)
            if is_plain_sqlite_file(candidate):
                found.append(candidate)
    return sorted(found)


def _files_in(folder: Path, depth: int) -> list[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    files: list[Path] = []
    for entry in entries:
        try:
            if entry.is_symlink():
                continue  # never follow a link out of the kiosk's folders
            if entry.is_file():
                files.append(Path(entry.path).absolute())
            elif entry.is_dir() and depth > 0:
                files.extend(_files_in(Path(entry.path), depth - 1))
        except OSError:
            continue
    return files


def shown(copies: list[Path]) -> str:
    """A few of the copies' paths for a sentence, and how many more."""
    names = ", ".join(str(copy) for copy in copies[:_SHOWN])
    more = len(copies) - _SHOWN
    return names + (f" and {more} more" if more > 0 else "")
