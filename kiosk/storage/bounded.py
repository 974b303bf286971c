"""Reads that give up instead of hanging: one connection with its own time limits, for the console's watchers.

The console's background watchers (the urgent banner's and the queue's) must notice a slow, locked or hung
database within seconds and say so, so each reads on a connection of its own whose every statement is bounded:
PostgreSQL's statement_timeout, SQLite's busy timeout. Those limits must never go back to the shared pool, so
such a connection is discarded (invalidated), not returned.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from kiosk.storage.database import _READ_ONLY, Database

log = logging.getLogger(__name__)

STATEMENT_TIMEOUT_MS = 3_000  # PostgreSQL: a read the server cannot answer in 3 s fails instead of hanging
SQLITE_BUSY_MS = 2_000  # SQLite: give up on a lock after 2 s, not the kiosk's 15


def open_bounded(database: Database) -> Connection:
    """A read-only connection of its own whose statements fail after a few seconds instead of waiting."""
    url = database.engine.url
    file = url.database if url.get_backend_name() == "sqlite" and url.database != ":memory:" else None
    if file and not os.path.exists(file):  # connecting would make a new empty file there: say it is gone
        raise FileNotFoundError(file)
    connection = database.engine.connect()
    try:
        # First, so even the statements below take no write lock on SQLite (see kiosk/storage/database.py).
        connection.execution_options(**{_READ_ONLY: True})
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
        elif connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        connection.commit()
    except Exception:
        discard(connection)
        raise
    return connection


def discard(connection: Connection) -> None:
    """Close it for good: its time limits must not go back to the pool with it."""
    try:
        connection.invalidate()
        connection.close()
    except Exception as exc:  # already broken: nothing more to release
        log.debug("closing a bounded connection: %s", type(exc).__name__)


class OneConnection(Database):
    """A Database whose reads all run on one given connection (and so under its time limits)."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection.engine)
        self.connection = connection

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(bind=self.connection) as session, session.begin():
            yield session
