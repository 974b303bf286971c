"""The one place that opens database connections and owns transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 5000


class DatabaseError(Exception):
    """A storage problem worded for the person who can fix it."""


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level so SQLAlchemy's begin event below decides how
    # a transaction starts; pysqlite's own implicit BEGIN is deferred and too late.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


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


def create_database_engine(url: str) -> Engine:
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
        # hide_parameters: an error message must never carry a patient's answers into a log.
        engine = create_engine(url, hide_parameters=True)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    except ImportError as exc:
        raise DatabaseError(
            f"The database {parsed.render_as_string(hide_password=True)} needs a driver that is not "
            f"installed ({exc.name}): leave database.url out to use the built-in SQLite database."
        ) from exc


class Database:
    """Owns the engine; code writes only in `transaction()` and reads in it or in `read()`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Database:
        return cls(create_database_engine(url))

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit when the block ends, roll back if it raises."""
        with self._sessions() as session, session.begin():
            yield session

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
