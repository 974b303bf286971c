"""Where the kiosk may write a file a person named, and how: never over its own files, never half-written, 0600.

Every output (CSV export, backup, PDF) goes through `check_output_path` and `replace_when_done`:
the target is refused with one sentence when it is one of the installation's own files (the
database and its working files, the key and its rotation files, the settings file, the outbox,
the backups and logs) or not a regular file at all; the data goes to a private temporary file in
the target folder that is renamed into place only once complete. A run killed half-way leaves a
temporary file named `.kiosk-partial-...`; `remove_partial_outputs`, called as every `kiosk`
command starts, removes those whose writer is gone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.config.settings import Settings

log = logging.getLogger(__name__)

PARTIAL_PREFIX = ".kiosk-partial-"
# SQLite (a backup's copy) may leave these beside a killed run's temporary file too.
_SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")
_REGISTRY_FOLDER = "partial-outputs"
_NEXT_KEY = "the kiosk's next database key (kept while `kiosk db rekey` runs)"
_KEY_FOLDER = "in the kiosk's key folder, which holds nothing but database keys; choose another folder"
_OLD_KEY = "the kiosk's previous database key (kept while `kiosk db rekey` runs)"


class OutputRefusedError(OSError):
    """The path may not be written; the message is one sentence naming what the path is."""


@dataclass(frozen=True)
class InstallationFiles:
    """The installation's own files (never written over), folders whose existing files are never replaced
    (backups, logs), and sealed folders no output may go into at all (the key folder)."""

    files: dict[Path, str] = field(default_factory=dict)
    folders: dict[Path, str] = field(default_factory=dict)
    sealed: dict[Path, str] = field(default_factory=dict)
    # The installation's own output folders (its backups folder) that a backup may create when missing; a
    # folder a person names must already exist, so a typing slip never makes folders where nobody looks.
    made_when_missing: tuple[Path, ...] = ()

    def may_create(self, folder: Path) -> bool:
        return any(_same_place(folder, own) for own in self.made_when_missing)

    def with_file(self, path: Path, what: str) -> InstallationFiles:
        return dataclasses.replace(self, files={**self.files, path: what})

    def with_database(self, path: Path, what: str) -> InstallationFiles:
        """An SQLite file and the working files SQLite keeps beside it."""
        files = {**self.files, path: what}
        for suffix in _SQLITE_SIDE_FILES:
            files[Path(f"{path}{suffix}")] = f"a working file of {what}"
        return dataclasses.replace(self, files=files)


def installation_files(settings: Settings, settings_path: Path | None) -> InstallationFiles:
    """Every file of the installation `settings` describe that an output must never replace."""
    from kiosk.config.locations import default_config_path, key_dir, log_dir
    from kiosk.storage.keys import KeyFile, database_path, key_stores, old_store, pending_store

    # A backup or export beside the key would let one copied folder carry both (issue 18, class 8).
    found = InstallationFiles(sealed={key_dir().absolute(): _KEY_FOLDER})
    found = found.with_file(
        (settings_path or default_config_path()).expanduser().absolute(), "the kiosk's settings file"
    )
    database = database_path(settings.database)
    if database is not None:
        found = found.with_database(database, "the kiosk's database")
        for store in key_stores(settings.database, database):
            for kind, what in (
                (store, "the kiosk's database key file"),
                (pending_store(store), _NEXT_KEY),
                (old_store(store), _OLD_KEY),
            ):
                if isinstance(kind, KeyFile):
                    found = found.with_file(kind.path, what)
        backups = (settings.database.backup_folder or database.parent / "backups").expanduser().absolute()
        found.folders[backups] = "one of the kiosk's backups"
        found = dataclasses.replace(found, made_when_missing=(backups,))
    found = found.with_database(settings.database.resolved_outbox_path(), "the kiosk's outbox")
    found.folders[(settings.logging.folder or log_dir()).expanduser().absolute()] = "one of the kiosk's log files"
    return found


def files_of_database(path: Path) -> InstallationFiles:
    """What an open database alone reveals about its installation: itself, its default key file and backups."""
    from kiosk.config.locations import key_dir
    from kiosk.storage.keys import OLD_SUFFIX, PENDING_SUFFIX, default_key_file

    found = InstallationFiles(sealed={key_dir().absolute(): _KEY_FOLDER}).with_database(path, "the kiosk's database")
    # Where this version keeps a new key, and beside the database where earlier versions kept it.
    for key in (default_key_file(path), path.with_name(path.name + ".key")):
        found = found.with_file(key, "the kiosk's database key file")
        found = found.with_file(key.with_name(key.name + PENDING_SUFFIX), _NEXT_KEY)
        found = found.with_file(key.with_name(key.name + OLD_SUFFIX), _OLD_KEY)
    found.folders[path.parent / "backups"] = "one of the kiosk's backups"
    return found


def _same_place(one: Path, other: Path) -> bool:
    """The same file, by resolved name (case-folded where the OS ignores case) or, when both exist, by inode."""
    if os.path.normcase(os.path.realpath(one)) == os.path.normcase(os.path.realpath(other)):
        return True
    try:
        return os.path.samefile(one, other)  # hard links, and names the resolver cannot see through
    except OSError:
        return False  # one of them does not exist


def _not_a_file(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file; add a file name to the path"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file; choose a file name in a folder"
    return "a pipe, socket or other special file, not a regular file; choose a file name in a folder"


def expand_home(path: Path) -> Path:
    """`path` with a leading `~` or `~name` made the home folder it names, as a shell would.

    OutputRefusedError (one sentence) for `~name` of an account this computer does not have, or a
    home folder it cannot tell: Path.expanduser raises RuntimeError for those.
    """
    try:
        return path.expanduser()
    except RuntimeError:
        first = path.parts[0] if path.parts else str(path)
        raise OutputRefusedError(
            f"{path} starts with {first!r}, which names no account's home folder on this computer: "
            "write the folder's full path instead."
        ) from None


def check_output_path(path: Path, installation: InstallationFiles | None = None) -> Path:
    """The absolute path to write, or OutputRefusedError with one sentence saying why not."""
    target = expand_home(path).absolute()
    try:
        info = os.stat(target)  # follows a symbolic link to what it names
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputRefusedError(f"{target} cannot be checked ({exc.strerror}): choose another file name.") from exc
    if info is not None:
        problem = _not_a_file(info.st_mode)
        if problem is not None:
            raise OutputRefusedError(f"{target} is {problem}.")
    for own, what in (installation.files if installation else {}).items():
        if _same_place(target, own):
            raise OutputRefusedError(f"{target} is {what}; choose another file name.")
    for folder, what in (installation.folders if installation else {}).items():
        if info is not None and _same_place(target.parent, folder):
            raise OutputRefusedError(f"{target} is {what}; choose a new file name.")
        if info is not None and _same_place(Path(os.path.realpath(target)).parent, folder):
            raise OutputRefusedError(f"{target} is {what}; choose a new file name.")
    for folder, what in (installation.sealed if installation else {}).items():
        if _same_place(target.parent, folder) or _same_place(Path(os.path.realpath(target)).parent, folder):
            raise OutputRefusedError(f"{target} is {what}.")
    return target


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder to fsync it; NTFS journals the rename itself
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _registry() -> Path:
    import platformdirs

    from kiosk.config.locations import APP_NAME

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)) / _REGISTRY_FOLDER


@contextlib.contextmanager
def _registered() -> Iterator[Path | None]:
    """A private note naming the temporary file, locked while this process writes it.

    A lock the OS drops when the process dies tells a later start that the writer is gone;
    filelock gives that lock on Windows and POSIX alike.
    """
    from filelock import FileLock

    token = os.urandom(8).hex()
    try:
        folder = _registry()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock: Any = FileLock(folder / f"{token}.lock", mode=0o600, blocking=False)
        lock.acquire()
    except Exception as exc:  # a read-only profile must not stop the export; only the clean-up after a crash is lost
        log.warning("could not note the output's temporary file for clean-up after a crash (%s)", _why(exc))
        yield None
        return
    note = folder / f"{token}.path"
    try:
        yield note
    finally:
        with contextlib.suppress(OSError):
            note.unlink(missing_ok=True)
        lock.release()
        with contextlib.suppress(OSError):
            (folder / f"{token}.lock").unlink(missing_ok=True)


def _why(exc: BaseException) -> str:
    """The cause in a few words, without the file name (a name a person typed may name a patient)."""
    return getattr(exc, "strerror", None) or type(exc).__name__


def _remove_partial(temporary: Path) -> None:
    for suffix in ("", *_SQLITE_SIDE_FILES):
        with contextlib.suppress(OSError):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)


@contextlib.contextmanager
def replace_when_done(path: Path, installation: InstallationFiles | None = None) -> Iterator[Path]:
    """Yield a new, empty temporary file (mode 0600) beside `path`; once the block ends it replaces `path`.

    If the block raises, the temporary file is removed and `path` is left as it was.
    Raises OutputRefusedError when `path` may not be written (see check_output_path).
    """
    target = check_output_path(path, installation)
    with _registered() as note:
        temporary = target.parent / f"{PARTIAL_PREFIX}{os.urandom(6).hex()}{target.suffix}"
        try:
            if note is not None:
                # Written before the temporary file exists, so a crash never leaves one nobody knows of.
                descriptor = os.open(note, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                    stream.write(str(temporary))
            # 0600 from creation: patient data is never readable by other accounts, not even for a moment.
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600))
            yield temporary
            descriptor = os.open(temporary, os.O_RDWR | getattr(os, "O_BINARY", 0))
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            check_output_path(target, installation)  # again: the path may have changed while the data was written
            os.replace(temporary, target)
            _fsync_folder(target.parent)
        except BaseException:
            _remove_partial(temporary)
            raise


class _NothingWrittenError(Exception):
    """The writer reported failure or wrote nothing: the temporary file goes and the target stays."""


def write_with(path: Path, installation: InstallationFiles | None, write: Callable[[Path], bool]) -> bool:
    """For a writer that takes a file name and reports success (Qt's image and PDF writers): run
    `write(temporary)` on a private temporary file; it replaces `path` only if `write` returned True and
    wrote something. False otherwise; OutputRefusedError when `path` may not be written at all."""
    try:
        with replace_when_done(path, installation) as temporary:
            if not write(temporary) or temporary.stat().st_size == 0:
                raise _NothingWrittenError
    except OutputRefusedError:
        raise
    except (_NothingWrittenError, OSError):  # a folder that cannot take the file: the caller's sentence says so
        return False
    return True


def remove_partial_outputs() -> int:
    """Remove the temporary files of outputs whose writer was killed; how many were removed.

    Called as every `kiosk` command starts (kiosk/cli/main.py). Never raises: a clean-up problem is logged.
    """
    try:
        folder = _registry()
        notes = sorted(folder.glob("*.path"))
    except OSError:
        return 0
    if not notes:
        return 0
    from filelock import FileLock, Timeout

    removed = 0
    for note in notes:
        lock: Any = FileLock(note.with_suffix(".lock"), mode=0o600, blocking=False)
        try:
            lock.acquire()
        except Timeout:
            continue  # its writer is still at work
        except OSError as exc:
            log.warning("could not check an output's temporary file left by an earlier run (%s)", _why(exc))
            continue
        try:
            temporary = Path(note.read_text(encoding="utf-8").strip())
            # Only ever a file this module named: a tampered note cannot make the clean-up delete something else.
            if temporary.name.startswith(PARTIAL_PREFIX):
                if temporary.exists():
                    removed += 1
                _remove_partial(temporary)
            note.unlink(missing_ok=True)
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("could not remove an output's temporary file left by an earlier run (%s)", _why(exc))
        finally:
            lock.release()
            with contextlib.suppress(OSError):
                note.with_suffix(".lock").unlink(missing_ok=True)
    if removed:
        log.info("removed %d unfinished output file(s) left by an earlier run that stopped part-way", removed)
    return removed
