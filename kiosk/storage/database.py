"""The one place that opens database connections and owns transactions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, pool
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

# How long a writer waits for SQLite's write lock. SQLite hands the lock out unfairly, so with
# eight kiosks submitting flat out one of them measured a 5 s wait (two of 8,000 failed at 5 s,
# none at 15 s). Submissions run off the GUI thread, so a patient sees "Sending…", not a frozen screen.
BUSY_TIMEOUT_MS = 15_000
KEY_BYTES = 32  # AES-256: SQLCipher takes the raw key, so no key derivation runs per connection
SQLITE_HEADER = b"SQLite format 3\x00"  # the first bytes of every unencrypted SQLite file
# libpq: give up connecting after 3 s; notice a silent server within about 10 s (keepalives, unacknowledged writes).
SERVER_CONNECT_ARGS = {
    "connect_timeout": 3,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}
SQLITE_NOTADB = 26  # "file is not a database": what SQLCipher says when page 1 does not decrypt
# Per pooled SQLite connection (Connection.info): the main file's path ("" in memory) and its
# (st_dev, st_ino) when opened, so a submit can see the file deleted or replaced with one stat().
FILE_PATH = "kiosk.database_path"
FILE_IDENTITY = "kiosk.database_file"


class DatabaseError(Exception):
    """A storage problem worded for the person who can fix it."""


class WrongKeyError(DatabaseError):
    """The key does not open this file (or the file is not a database); keys.py names which key was tried."""


def _key_literal(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError(f"a database key is {KEY_BYTES} bytes")
    # SQLCipher's raw-key form: x'<64 hex>' inside a quoted string skips PBKDF2 entirely.
    return f"x'{key.hex()}'"


def apply_key(dbapi_connection: Any, key: bytes) -> None:
    """Key a fresh SQLCipher connection; it must be the first statement the connection runs."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f'PRAGMA key = "{_key_literal(key)}"')
    finally:
        cursor.close()


def _set_private_temp_storage(dbapi_connection: Any) -> None:
    # Sorts, temporary tables and indexes stay in memory: SQLCipher encrypts the database, its
    # WAL and journal pages, but a temporary file spilled to disk would not be worth the risk.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA temp_store=MEMORY")
    finally:
        cursor.close()


def _on_sqlite_connect(dbapi_connection: Any, record: Any) -> None:
    # Autocommit at the driver level so SQLAlchemy's begin event below decides how
    # a transaction starts; pysqlite's own implicit BEGIN is deferred and too late.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        path = next((row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main"), "")
    finally:
        cursor.close()
    _remember_file(record.info, path or "")


def _remember_file(info: dict[Any, Any], path: str) -> None:
    # Once per connection, not per write: kiosk/services/requests.py then needs only a stat() per submit.
    info[FILE_PATH] = path
    if not path:
        return
    try:
        found = os.stat(path)
    except OSError:
        return  # the first submit records it (or finds the file gone)
    info[FILE_IDENTITY] = (found.st_dev, found.st_ino)


_READ_ONLY = "kiosk_read_only"


def _on_sqlite_begin(connection: Any) -> None:
    if connection.get_execution_options().get(_READ_ONLY):
        # A reader in WAL mode sees one consistent snapshot and never blocks a writer,
        # so the console reading its queue cannot hold up a patient's submission.
        connection.exec_driver_sql("BEGIN")
        return
    # Take the write lock at the start, so a busy database waits (busy_timeout)
    # instead of failing half-way through a transaction.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _encrypted_url(parsed: URL, key: bytes) -> URL:
    # The pysqlcipher dialect runs `PRAGMA key="<password>"` as the very first statement on every
    # new connection, before any pragma or read; the URL hides the password whenever it is shown.
    return parsed.set(drivername="sqlite+pysqlcipher", password=_key_literal(key))


def create_database_engine(url: str, key: bytes | None = None) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"The database folder {folder} cannot be created ({exc.strerror}): "
                    "check database.url and the kiosk account's permissions."
                ) from exc
        if key is None:
            # hide_parameters: an error message must never carry a patient's answers into a log.
            engine = create_engine(parsed, hide_parameters=True)
        else:
            # The dialect would pick a one-connection-per-thread pool; a file wants the usual queue.
            engine = create_engine(_encrypted_url(parsed, key), hide_parameters=True, poolclass=pool.QueuePool)
            event.listen(engine, "connect", lambda connection, _record: _set_private_temp_storage(connection))
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    if key is not None:
        raise ValueError("only an SQLite database takes a key")
    from kiosk.storage.pg_security import secure_url

    parsed = secure_url(parsed)  # TLS required unless the URL opts out for a server on this PC (pg_security.py)
    try:
        # A dead or unreachable server fails in seconds, not minutes, so a kiosk can keep the request
        # in its outbox (kiosk/services/outbox.py); settings given in the URL's query win.
        connect_args = {k: v for k, v in SERVER_CONNECT_ARGS.items() if k not in parsed.query}
        return create_engine(parsed, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args)
    except ImportError as exc:
        raise DatabaseError(
            f"The database {parsed.render_as_string(hide_password=True)} needs a driver that is not "
            f"installed ({exc.name}): leave database.url out to use the built-in SQLite database."
        ) from exc


class Database:
    """Owns the engine; code writes only in `transaction()` (or `write()`) and reads in them or in `read()`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False)

    @classmethod
    def open(cls, url: str, key: bytes | None = None) -> Database:
        """With a key, an SQLCipher-encrypted SQLite file; a wrong key raises WrongKeyError here, not later."""
        database = cls(create_database_engine(url, key))
        if key is not None:
            database._check_key()
        return database

    def _check_key(self) -> None:
        shown = self.engine.url.render_as_string(hide_password=True)
        try:
            # A read (no write lock, so a kiosk busy writing does not delay this): decrypting page 1
            # is the cheapest proof that the key fits, since SQLCipher checks the page's HMAC.
            with self.engine.connect().execution_options(**{_READ_ONLY: True}) as connection:
                connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        except SQLAlchemyError as exc:
            self.close()
            if getattr(getattr(exc, "orig", None), "sqlite_errorcode", None) == SQLITE_NOTADB:
                raise WrongKeyError(
                    f"The database {shown} cannot be read with the key given: "
                    "it is encrypted with another key, not encrypted, or damaged."
                ) from exc
            cause = type(getattr(exc, "orig", None) or exc).__name__
            raise DatabaseError(
                f"The database {shown} could not be opened ({cause}): "
                "check that the file is reachable and not held by another program, and the log for details."
            ) from exc

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit when the block ends, roll back if it raises."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """transaction() without the ORM session, for a patient's Submit, which writes with Core statements only.

        The session's bookkeeping costs about 70 us of a Submit whose floor is a 0.4 ms commit (kiosk bench).
        Same lock (BEGIN IMMEDIATE on SQLite), commit at the end, rollback if the block raises.
        """
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A consistent snapshot for reading only: on SQLite it takes no write lock.

        Use transaction() for anything that writes, even one audit row: a write
        inside read() would have to upgrade its lock and could fail when busy.
        """
        with self._read_sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()
