"""`kiosk db rekey` and `kiosk db encrypt`: change the database key, or encrypt a database from an earlier version.

Both need every kiosk and console on this database stopped: they rewrite every page of the file.

Rekey order, so that a crash at any moment leaves a key that opens the database:
1. the new key is written to the pending place ("<key file>.new", or the keyring entry "<path>.new") and synced;
2. the current key is copied to "<key file>.old" (or "<path>.old");
3. PRAGMA rekey re-encrypts every page in one transaction, and the WAL is checkpointed and emptied;
4. only then is the new key stored in the usual place (an atomic rename), and .new and .old are removed.
A crash before 3 commits leaves the old key in place, and it still opens the file. A crash after 3 and before 4
leaves the old key in place but the file under the new key: the next open finds the pending key, checks that it
opens the file, and finishes step 4 (keys.open_configured_database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.cli.errors import friendly
from kiosk.ops.exit_codes import EXIT_OK

if TYPE_CHECKING:
    from kiosk.config.settings import Settings

_STOPPED = "Stop every kiosk and console that uses this database first (`kiosk run`, `kiosk staff`)."


def add_key_verbs(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `rekey` and `encrypt` to `kiosk db` (called by kiosk/cli/db_cmd.py)."""
    rekey = actions.add_parser(
        "rekey",
        help="encrypt the database with a new random key (kiosks stopped)",
        description=(
            "Re-encrypt the database with a new random key and store it where the old one was (the OS keyring "
            "or the key file). " + _STOPPED + " The old key stops working; backups made before open only with "
            "the old key, so take a new backup afterwards and give IT's safe copy of the key file the new key."
        ),
    )
    rekey.set_defaults(handler=_handler(_rekey))
    encrypt = actions.add_parser(
        "encrypt",
        help="encrypt a database made by an earlier version (kiosks stopped)",
        description=(
            "Turn an unencrypted database from an earlier version into an encrypted one. " + _STOPPED + " It "
            "works on a copy in a private folder beside the database (readable by the kiosk's account only) and "
            "deletes that unencrypted copy once the encrypted file is verified, unless --keep-plain-copy is given. "
            "Refused if the database is already encrypted."
        ),
    )
    encrypt.add_argument(
        "--keep-plain-copy",
        action="store_true",
        help=(
            "keep the unencrypted copy (in a folder only the kiosk's account can open) to move where IT keeps "
            "backups safely; it holds patients' data in the clear, and `kiosk doctor` fails while it is there"
        ),
    )
    encrypt.set_defaults(handler=_handler(_encrypt))


def _handler(work: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        result: int = friendly(lambda: work(args))
        return result

    return run


def _settings(args: argparse.Namespace) -> Settings:
    from kiosk.config.loader import load_settings
    from kiosk.i18n.strings import available_languages

    settings, _ = load_settings(args.config, available_languages())
    return settings


def _sqlite_path(settings: Settings, verb: str) -> Path:
    from kiosk.storage.database import DatabaseError
    from kiosk.storage.health import refuse_lost_database
    from kiosk.storage.keys import database_exists, database_path

    path = database_path(settings.database)
    if path is None:
        raise DatabaseError(
            f"`kiosk db {verb}` is for the kiosk's SQLite file; a PostgreSQL server's data is protected on the "
            "server (disk encryption there): nothing was changed."
        )
    refuse_lost_database(settings)  # deleted or emptied while its key or backups remain: name the restore
    if not database_exists(path):
        raise DatabaseError(f"There is no database at {path}: check database.url in the settings; nothing was changed.")
    if not settings.database.encrypt:
        raise DatabaseError(
            f"database.encrypt is false in the settings: set it to true (or remove the line) before `kiosk db {verb}`."
        )
    return path


def _raw_key_sql(key: bytes) -> str:
    return f"\"x'{key.hex()}'\""


def _opens_with(url: str, key: bytes) -> bool:
    from kiosk.storage.database import Database, DatabaseError

    try:
        Database.open(url, key).close()
    except DatabaseError:
        return False
    return True


def _rekey(args: argparse.Namespace) -> int:
    import sqlcipher3

    from kiosk.cli import audit_first
    from kiosk.storage.database import Database, DatabaseError, WrongKeyError
    from kiosk.storage.keys import find_key, new_key, old_store, open_configured_database, pending_store

    settings = _settings(args)
    path = _sqlite_path(settings, "rekey")
    url = settings.database.resolved_url()
    database = open_configured_database(settings, create_if_missing=False)  # refuses a plain file, a wrong key
    found = find_key(settings.database, path)
    assert found is not None  # it has just opened the file
    store, old_key = found
    key = new_key()
    audit_first.before_rekey(database, key)  # its audit row (and the audit key under the new key) first
    pending, old = pending_store(store), old_store(store)
    try:
        pending.save(key)  # 1: the new key is safe on disk before the file changes
        old.save(old_key)  # 2
        raw = database.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(f"PRAGMA rekey = {_raw_key_sql(key)}")  # 3: every page, one transaction
            # Old-key pages must not linger in the WAL: copy everything into the file and empty the WAL.
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.invalidate()  # the pool's other connections still hold the old key: none is reused
    except sqlcipher3.Error as exc:
        if _opens_with(url, old_key):  # the rekey rolled back: the old key is still the one
            pending.delete()
            old.delete()
            raise DatabaseError(
                f"The database {path} could not be given a new key ({type(exc).__name__}): "
                f"{_STOPPED[:-1]}, then try again; nothing was changed."
            ) from exc
        raise
    finally:
        database.close()
    try:
        Database.open(url, key).close()  # proof before the old key is given up
    except WrongKeyError as exc:
        raise DatabaseError(
            f"The database {path} did not open with its new key after `kiosk db rekey`: nothing was given up; "
            f"the old key is in the {old.where} and the new one in the {pending.where}. Keep both and the "
            "database, and ask for help."
        ) from exc
    store.save(key)  # 4
    pending.delete()
    old.delete()
    print(
        f"The database {path} has a new key, stored in the {store.where}; the old key no longer opens it. "
        "Give IT's safe copy of the key the new one, and take a new backup (`kiosk db backup`): "
        "backups made before open only with the old key."
    )
    return EXIT_OK


def _fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _plain_backup(plain: Any, work: Path, name: str) -> Path:
    """A consistent copy of the unencrypted file (SQLite's backup API: the WAL's pages included), mode 0600."""
    import sqlcipher3

    from kiosk.storage.plain_copies import private_file

    backup = private_file(work / name)  # 0600 before the first byte: SQLite keeps the mode it finds
    copy = sqlcipher3.connect(str(backup))
    try:
        plain.backup(copy)
    finally:
        copy.close()
    _fsync_file(backup)
    return backup


def _encrypt(args: argparse.Namespace) -> int:
    import sqlcipher3

    from kiosk.cli import audit_first
    from kiosk.storage.database import Database, DatabaseError
    from kiosk.storage.keys import find_key, is_plain_sqlite, key_stores, new_key
    from kiosk.storage.plain_copies import KEPT_PREFIX, private_file, remove_interrupted, work_folder

    settings = _settings(args)
    path = _sqlite_path(settings, "encrypt")
    remove_interrupted(path)  # a killed run's copies: the database is whole either way (see plain_copies.py)
    if not is_plain_sqlite(path):
        raise DatabaseError(f"The database {path} is already encrypted: nothing was changed.")
    found = find_key(settings.database, path)
    if found is None:
        # Stored before the file changes: after a crash the next `kiosk db encrypt` uses this same key.
        store, key = key_stores(settings.database, path)[0], new_key()
        store.save(key)
    else:
        store, key = found
    audit_first.before_encrypt(settings.database.resolved_url())  # no audit row, no encryption
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        work = work_folder(path)  # 0700, beside the database: the same disk, so the final rename is atomic
        encrypted = private_file(work / f"{path.name}.encrypted")
    except OSError as exc:
        raise DatabaseError(
            f"A private folder beside the database {path} cannot be made ({exc.strerror}): give the kiosk's "
            "account write permission on that folder; nothing was changed."
        ) from exc
    try:
        backup = _encrypt_into(path, work, encrypted, key, sqlcipher3)
        _fsync_file(encrypted)
        Database.open(f"sqlite:///{encrypted}", key).close()  # opens with the key before it replaces anything
        os.chmod(encrypted, stat.S_IMODE(path.stat().st_mode))  # the database keeps the mode IT gave it
        for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)  # the plain file's, empty now: never to be read with the new file
        os.replace(encrypted, path)
        if os.name == "posix":
            _fsync_file(path.parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)  # the plain database is still in place, untouched
        raise
    said = f"The database {path} is encrypted now; its key is in the {store.where}: keep a copy where IT keeps secrets."
    if args.keep_plain_copy:
        kept_folder = path.parent / f"{KEPT_PREFIX}{stamp}"
        os.replace(work, kept_folder)  # still 0700, the copy inside still 0600
        kept = kept_folder / backup.name
        print(
            f"{said} The unencrypted copy {kept} was kept as asked; it holds patients' data in the clear: move it "
            "to where IT keeps backups safely, then delete it here (`kiosk doctor` fails while it is there)."
        )
    else:
        shutil.rmtree(work)
        print(f"{said} The unencrypted copy made while encrypting was deleted once the encrypted file was verified.")
    return EXIT_OK


def _encrypt_into(path: Path, work: Path, encrypted: Path, key: bytes, sqlcipher3: Any) -> Path:
    """Copy the plain file into `work`, then export it encrypted into `encrypted`; returns the plain copy."""
    from kiosk.storage.database import DatabaseError

    plain = sqlcipher3.connect(str(path), isolation_level=None, timeout=5)
    try:
        try:
            backup = _plain_backup(plain, work, path.name)
            counts = _row_counts(plain, "main")
            plain.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(encrypted), f"x'{key.hex()}'"))
            plain.execute("SELECT sqlcipher_export('encrypted')")
            # sqlcipher_export copies schema and rows; the schema's version number travels by hand.
            version = plain.execute("PRAGMA main.user_version").fetchone()[0]
            plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
            if _row_counts(plain, "encrypted") != counts:
                raise DatabaseError(f"The encrypted copy of {path} does not hold every row: nothing was changed.")
            plain.execute("DETACH DATABASE encrypted")
            # Everything in the WAL is in the file now; closing the last connection removes the WAL.
            plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlcipher3.Error as exc:
            raise DatabaseError(
                f"The database {path} could not be encrypted ({type(exc).__name__}: {exc}): "
                "stop every kiosk and console using it, then try again; nothing was changed."
            ) from exc
    finally:
        plain.close()
    return backup


def _row_counts(connection: Any, schema: str) -> dict[str, int]:
    tables = [
        row[0]
        for row in connection.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {table: connection.execute(f'SELECT count(*) FROM {schema}."{table}"').fetchone()[0] for table in tables}
