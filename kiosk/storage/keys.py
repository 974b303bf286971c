"""Where the database key lives (OS keyring or a private key file) and the one way to open the configured database."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.engine import make_url

from kiosk.storage.database import KEY_BYTES, SQLITE_HEADER, Database, DatabaseError, WrongKeyError

if TYPE_CHECKING:
    from kiosk.config.settings import DatabaseSettings, Settings

log = logging.getLogger(__name__)

KEYRING_SERVICE = "clinic-kiosk"
PENDING_SUFFIX = ".new"  # the next key, written before `kiosk db rekey` changes the database
OLD_SUFFIX = ".old"  # the previous key, kept until the new one is stored
_NEVER_DELETE = "do not delete the database: a new one would not hold the requests already stored"


class KeyStore(Protocol):
    """One place a key can live; `where` names it in sentences for IT."""

    @property
    def where(self) -> str: ...

    def load(self) -> bytes | None: ...

    def save(self, key: bytes) -> None: ...

    def delete(self) -> None: ...


def _parse_key(text: str, where: str) -> bytes:
    value = text.strip()
    try:
        key = bytes.fromhex(value)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise DatabaseError(
            f"The {where} does not hold a kiosk database key ({KEY_BYTES * 2} hexadecimal characters): "
            f"restore it from the copy IT keeps; {_NEVER_DELETE}."
        )
    return key


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder for fsync; NTFS journals the rename itself
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _make_folder(folder: Path) -> None:
    """A new folder for a key is 0700; the kiosk's own key folder is kept 0700 even if someone widened it."""
    from kiosk.config.locations import key_dir

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix" and folder == key_dir() and stat.S_IMODE(folder.stat().st_mode) & 0o077:
        folder.chmod(0o700)


@dataclass(frozen=True)
class KeyFile:
    """A file holding the key as 64 hex characters and a newline, readable by the kiosk's account only."""

    path: Path

    @property
    def where(self) -> str:
        return f"key file {self.path}"

    def load(self) -> bytes | None:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise DatabaseError(
                f"The {self.where} cannot be read ({exc.strerror}): check the kiosk account's permissions."
            ) from exc
        if not stat.S_ISREG(info.st_mode):
            # Checked before the mode: a folder's usual 755 would otherwise be blamed on its permissions.
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or other special file"
            raise DatabaseError(
                f"The {self.where} is {kind}, not a file: set database.key_file to the key file's own path "
                "(its folder and its file name)."
            )
        if os.name == "posix" and info.st_mode & 0o077:
            raise DatabaseError(
                f"The {self.where} can be read by other accounts (mode {stat.S_IMODE(info.st_mode):o}): "
                f"run `chmod 600 {self.path}` as the kiosk's account, then start again."
            )
        try:
            text = self.path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise DatabaseError(
                f"The {self.where} cannot be read: restore it from the copy IT keeps; {_NEVER_DELETE}."
            ) from exc
        return _parse_key(text, self.where)

    def save(self, key: bytes) -> None:
        """Write the whole file or nothing: a temporary file, fsync, then rename over the old one."""
        folder = self.path.parent
        temporary = folder / f".{self.path.name}.{os.getpid()}.tmp"
        try:
            _make_folder(folder)
            # 0o600 from the start: the key is never readable by others, not even for a moment.
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(descriptor, f"{key.hex()}\n".encode("ascii"))
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            os.replace(temporary, self.path)
            _fsync_folder(folder)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise DatabaseError(
                f"The {self.where} cannot be written ({exc.strerror}): check the folder's permissions "
                "or set database.key_file to a folder the kiosk's account can write."
            ) from exc

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class KeyringEntry:
    """An entry in the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service)."""

    user: str

    @property
    def where(self) -> str:
        return f'keyring entry "{KEYRING_SERVICE}"/{self.user}'

    def load(self) -> bytes | None:
        import keyring
        from keyring.errors import KeyringError

        try:
            text = keyring.get_password(KEYRING_SERVICE, self.user)
        except KeyringError as exc:
            raise DatabaseError(
                f"The {self.where} cannot be read ({type(exc).__name__}): unlock the keyring for the kiosk's "
                "account, or set database.key_file to use a key file."
            ) from exc
        return None if text is None else _parse_key(text, self.where)

    def save(self, key: bytes) -> None:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(KEYRING_SERVICE, self.user, key.hex())
        except KeyringError as exc:
            raise DatabaseError(
                f"The {self.where} cannot be written ({type(exc).__name__}): unlock the keyring for the kiosk's "
                "account, or set database.key_file to use a key file."
            ) from exc

    def delete(self) -> None:
        import keyring
        from keyring.errors import PasswordDeleteError

        with contextlib.suppress(PasswordDeleteError):  # already gone is what we wanted
            keyring.delete_password(KEYRING_SERVICE, self.user)


def keyring_available() -> bool:
    """True when the OS has a real keyring; headless Linux usually has none (the fail backend)."""
    try:
        import keyring
        from keyring.backends import fail, null
    except ImportError:
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    priority = getattr(backend, "priority", 0)
    return isinstance(priority, int | float) and priority > 0


def database_path(db: DatabaseSettings) -> Path | None:
    """The SQLite file the settings name, or None for PostgreSQL and in-memory databases."""
    parsed = make_url(db.resolved_url())
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).expanduser().absolute()


def default_key_file(path: Path) -> Path:
    """Where a new key file goes without a keyring: the kiosk's key folder, apart from the data and backups.

    The name carries the database's file name (for IT) and a digest of its full path, so two databases
    with the same name in different folders (the outbox of two installations, say) never share a key file.
    """
    from kiosk.config.locations import key_dir

    digest = hashlib.sha256(str(path).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return key_dir() / f"{path.name}.{digest}.key"


def legacy_key_file(path: Path) -> Path:
    """Where earlier versions put the key: beside the database. Still read, so no installation loses its key."""
    return path.with_name(path.name + ".key")


# Database path -> the key file IT chose for it (database.key_file), noted whenever its key is looked for.
_CHOSEN_KEY_FILES: dict[Path, Path] = {}


def key_file_place(path: Path) -> Path:
    """The key file IT chose for this database, else the default key file's place (even with a keyring).

    The audit trail keeps its head file beside it (kiosk/services/audit_head.py): a place that does not
    move when `kiosk db move-key` moves an old key out of the data folder.
    """
    return _CHOSEN_KEY_FILES.get(path) or default_key_file(path)


def key_stores(db: DatabaseSettings, path: Path) -> list[KeyStore]:
    """Where the key is looked for, in order; the first is where a new key goes."""
    if db.key_file is not None:
        chosen = _CHOSEN_KEY_FILES[path] = db.key_file.expanduser().absolute()
        return [KeyFile(chosen)]  # IT chose a file: only that file
    stores: list[KeyStore] = []
    if keyring_available():
        stores.append(KeyringEntry(str(path)))
    stores.append(KeyFile(default_key_file(path)))
    stores.append(KeyFile(legacy_key_file(path)))  # last: `kiosk db move-key` moves it into the first place
    return stores


def pending_store(store: KeyStore) -> KeyStore:
    """Where the next key waits while `kiosk db rekey` runs (see kiosk/cli/db_key_verbs.py)."""
    if isinstance(store, KeyFile):
        return KeyFile(store.path.with_name(store.path.name + PENDING_SUFFIX))
    assert isinstance(store, KeyringEntry)
    return KeyringEntry(store.user + PENDING_SUFFIX)


def old_store(store: KeyStore) -> KeyStore:
    if isinstance(store, KeyFile):
        return KeyFile(store.path.with_name(store.path.name + OLD_SUFFIX))
    assert isinstance(store, KeyringEntry)
    return KeyringEntry(store.user + OLD_SUFFIX)


def _tried(stores: list[KeyStore]) -> str:
    places = [f"the {store.where}" for store in stores]
    return places[0][4:] if len(places) == 1 else ", ".join(places[:-1])[4:] + " and " + places[-1]


def _unusable_place(path: Path, exc: OSError) -> DatabaseError:
    """The sentence for a database path that cannot hold a database file at all (a wrong database.url)."""
    if isinstance(exc, NotADirectoryError):
        # The nearest existing part of the path is a file where the path needs a folder.
        blocker = next((part for part in path.parents if part.exists()), path.parent)
        return DatabaseError(
            f"The database {path} cannot be there: {blocker} is a file, not a folder; "
            "set database.url to a file in a folder, such as sqlite:///kiosk.sqlite3."
        )
    return DatabaseError(
        f"The database {path} cannot be checked ({exc.strerror or type(exc).__name__}): check that "
        "database.url names the right file and that the kiosk's account may open its folder."
    )


def _folder_refused(path: Path) -> DatabaseError:
    return DatabaseError(
        f"The database {path} is a folder, not a file: set database.url to a file in it, "
        f"such as sqlite:///{(path / 'kiosk.sqlite3').as_posix()}."
    )


def database_exists(path: Path) -> bool:
    """A file with content: an empty file holds nothing a new key could lock out.

    Raises DatabaseError with one sentence when the path cannot be a database file (a folder, a path
    through a file, a folder the account may not open): such settings are wrong, not a missing database.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise _unusable_place(path, exc) from exc
    if stat.S_ISDIR(info.st_mode):
        raise _folder_refused(path)
    return info.st_size > 0


def is_plain_sqlite(path: Path) -> bool:
    """An unencrypted SQLite file starts with its well-known header; an encrypted one looks random.

    Raises DatabaseError with one sentence when the path is a folder or cannot be read.
    """
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except FileNotFoundError:
        return False
    except IsADirectoryError as exc:
        raise _folder_refused(path) from exc
    except OSError as exc:
        raise _unusable_place(path, exc) from exc


def find_key(db: DatabaseSettings, path: Path) -> tuple[KeyStore, bytes] | None:
    for store in key_stores(db, path):
        key = store.load()
        if key is not None:
            return store, key
    return None


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def resolve_key(db: DatabaseSettings, *, create: bool) -> bytes | None:
    """The key of the configured SQLite database; None for PostgreSQL or a database the clinic keeps plain.

    create=True makes and stores a new random key only when neither the database file nor a key exists.
    """
    path = database_path(db)
    if path is None or not db.encrypt:
        return None
    found = find_key(db, path)
    if found is not None:
        return found[1]
    stores = key_stores(db, path)
    if database_exists(path):
        raise DatabaseError(
            f"The database {path} exists but its key was not found (tried the {_tried(stores)}): "
            f"restore the key file from the copy IT keeps (see database.key_file); {_NEVER_DELETE}."
        )
    if not create:
        raise DatabaseError(
            f"There is no database key (tried the {_tried(stores)}): "
            "run `kiosk init` to create the database and its key."
        )
    key = new_key()
    stores[0].save(key)
    log.info("created a new database key in the %s", stores[0].where)
    return key


def _finish_interrupted_rekey(db: DatabaseSettings, path: Path, url: str) -> Database | None:
    """A rekey that committed but crashed before storing its key left the key in the pending place."""
    for store in key_stores(db, path):
        pending = pending_store(store)
        key = pending.load()
        if key is None:
            continue
        try:
            database = Database.open(url, key)
        except WrongKeyError:
            continue
        store.save(key)
        pending.delete()
        old_store(store).delete()
        log.warning("finished an interrupted key change: the new key is now in the %s", store.where)
        return database
    return None


def open_configured_database(settings: Settings, *, create_if_missing: bool) -> Database:
    """THE way every command opens the configured database; raises DatabaseError with a sentence for IT."""
    db = settings.database
    url = db.resolved_url()
    path = database_path(db)
    if path is None:
        return Database.open(url)
    exists = database_exists(path)
    if not exists and not create_if_missing:
        raise DatabaseError(
            f"The database {path} does not exist: run `kiosk init` to create it, "
            "or set database.url to the existing one."
        )
    if not db.encrypt:
        if exists and not is_plain_sqlite(path):
            raise DatabaseError(
                f"The database {path} is encrypted but database.encrypt is false: set database.encrypt = true."
            )
        log.warning("the database %s is not encrypted (database.encrypt = false)", path)
        return Database.open(url)
    if exists and is_plain_sqlite(path):
        raise DatabaseError(
            f"The database {path} is not encrypted (an earlier version made it): run `kiosk db encrypt` "
            "to encrypt it, with every kiosk and console stopped."
        )
    key = resolve_key(db, create=create_if_missing)
    assert key is not None  # an encrypted SQLite database always has one
    try:
        return Database.open(url, key)
    except WrongKeyError as exc:
        recovered = _finish_interrupted_rekey(db, path, url)
        if recovered is not None:
            return recovered
        found = find_key(db, path)
        where = found[0].where if found else _tried(key_stores(db, path))
        raise DatabaseError(
            f"The database {path} cannot be opened with the key in the {where}: the key belongs to another "
            f"database or the file is damaged; restore the right key file from the copy IT keeps; {_NEVER_DELETE}."
        ) from exc


def describe_key_location(settings: Settings) -> str | None:
    """Where the configured database's key is (for `kiosk init` and `kiosk doctor`), or None without one."""
    db = settings.database
    path = database_path(db)
    if path is None or not db.encrypt:
        return None
    found = find_key(db, path)
    return found[0].where if found else None
