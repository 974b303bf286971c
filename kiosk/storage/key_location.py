"""Keep the database key apart from the data: where it sits compared with the database and backups, and moving it.

A copied data folder or backup folder must not carry its own key: whoever holds both reads every request.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.storage.database import Database, DatabaseError
from kiosk.storage.keys import (
    KeyFile,
    KeyStore,
    database_path,
    find_key,
    key_stores,
    legacy_key_file,
    open_configured_database,
)

if TYPE_CHECKING:
    from kiosk.config.settings import Settings

log = logging.getLogger(__name__)
MOVE_COMMAND = "kiosk db move-key"


def same_tree(first: Path, second: Path) -> bool:
    """True when one folder is the other or lies inside it: a copy of the outer one carries both."""
    a, b = first.resolve(), second.resolve()
    return a == b or a in b.parents or b in a.parents


@dataclass(frozen=True)
class KeyPlace:
    """Where the configured database's key was found, and the data folders its file shares a tree with."""

    store: KeyStore
    shared_with: dict[str, Path]  # "database" or "backups" -> that folder; empty when the key is apart
    movable: bool  # the old default place beside the database, which `kiosk db move-key` can move
    target: str  # where `kiosk db move-key` would put it


def key_place(settings: Settings) -> KeyPlace | None:
    """None for PostgreSQL, a plain database or a key not found (the encryption key check says why)."""
    from kiosk.storage.backup import backup_folder

    db = settings.database
    path = database_path(db)
    if path is None or not db.encrypt:
        return None
    found = find_key(db, path)
    if found is None:
        return None
    store = found[0]
    target = key_stores(db, path)[0].where
    if not isinstance(store, KeyFile):
        return KeyPlace(store, {}, movable=False, target=target)
    folders = {"database": path.parent, "backups": backup_folder(settings)}
    shared = {name: folder for name, folder in folders.items() if same_tree(store.path.parent, folder)}
    movable = db.key_file is None and store.path == legacy_key_file(path)
    return KeyPlace(store, shared, movable, target)


def move_key_apart(settings: Settings) -> str:
    """Copy the key from beside the database to its own place, prove it opens the database, then remove the old file.

    Returns the sentence for IT. Safe to run again after a crash at any step: the old
    file goes only after the copy has opened the database, and the copy is found first from then on.
    """
    db = settings.database
    path = database_path(db)
    if path is None or not db.encrypt:
        raise DatabaseError("Only an encrypted SQLite database has a key to move: nothing was changed.")
    if db.key_file is not None:
        raise DatabaseError(
            f"database.key_file names where the key is kept ({db.key_file}): move that file to a folder of its "
            "own, outside the database and backup folders, and change database.key_file to match; nothing was changed."
        )
    # Opening first proves the key fits and finishes a key change a crash interrupted (keys.py).
    open_configured_database(settings, create_if_missing=False).close()
    found = find_key(db, path)
    assert found is not None  # it has just opened the database
    store, key = found
    old = KeyFile(legacy_key_file(path))
    target = key_stores(db, path)[0]  # where a new key goes: the OS keyring, or the kiosk's key folder
    if store != old:
        if old.path.exists() and old.load() == key:
            _remove(old)  # a copy left by a run stopped after its check: the key is safe in its new place
        return f"The key is already apart from the data, in the {store.where}: nothing to move."
    # The target holds no key here: find_key looks there first, and the key it found opened the database.
    target.save(key)
    try:
        copied = target.load()
        if copied is None:
            raise DatabaseError(f"The key could not be read back from the {target.where}.")
        Database.open(db.resolved_url(), copied).close()
    except DatabaseError as exc:
        target.delete()
        raise DatabaseError(
            f"The key copied to the {target.where} did not open the database, so the key stays in the "
            f"{old.where}: {exc}"
        ) from exc
    _remove(old)
    log.info("moved the database key to the %s", target.where)
    return f"The database key moved from the {old.where} to the {target.where}; it opens the database there."


def _remove(old: KeyFile) -> None:
    old.delete()
    if os.name == "posix":
        descriptor = os.open(old.path.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)  # the removal survives a power cut, as the copy did
        finally:
            os.close(descriptor)
