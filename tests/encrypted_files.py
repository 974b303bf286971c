"""Reach a test's database file from outside the kiosk: another PC, another program, a child process.

The `database` fixture's file is encrypted, with its key in "<file>.key" as on a kiosk PC without a keyring;
a file a test made by other means has no key file and is opened plain, as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3

from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.storage.database import Database, apply_key
from kiosk.storage.keys import KeyFile, default_key_file, open_configured_database


def key_of(database_file: Path | str) -> bytes | None:
    """The key the kiosk created beside the file, or None for a plain file."""
    return KeyFile(default_key_file(Path(database_file))).load()


def connect(database_file: Path | str, *, key: bytes | None = None, **kwargs: Any) -> sqlcipher3.Connection:
    """Like sqlite3.connect (same arguments, same connection API), with the key when the file has one
    (or the key given, for a new file that must match another: a backup's destination)."""
    connection = sqlcipher3.connect(str(database_file), **kwargs)
    key = key or key_of(database_file)
    if key is not None:
        apply_key(connection, key)
    return connection


def open_again(database_file: Path | str) -> Database:
    """A second Database on the same file, opened as another kiosk PC opens it."""
    url = f"sqlite:///{database_file}"
    if key_of(database_file) is None:
        return Database.open(url)
    return open_configured_database(Settings(database=DatabaseSettings(url=url)), create_if_missing=False)
