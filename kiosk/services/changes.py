"""Notice, cheaply and often, that another PC or window has changed the requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from kiosk.storage.database import Database
from kiosk.storage.models import RequestRecord


class ChangeWatcher:
    """Answers "has anything been committed since I last asked?" without reading the queue again.

    On SQLite it keeps one connection of its own and reads `PRAGMA data_version`, which
    moves only when another connection commits: a few microseconds, no table read, and
    the console's own idle time never counts as a change. Elsewhere it compares a small
    token (row count, newest arrival, newest status change), enough for reception's queue.
    """

    def __init__(self, database: Database) -> None:
        self._database = database
        self._connection: Any = None  # the DBAPI connection, SQLite only
        if database.engine.dialect.name == "sqlite":
            # Its own pooled connection, held until close(): data_version is per connection.
            self._connection = database.engine.raw_connection()
        self._last = self._token()

    def changed(self) -> bool:
        """True when the data moved since the last call (or since the watcher was made)."""
        token = self._token()
        moved = token != self._last
        self._last = token
        return moved

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()  # back to the pool
            self._connection = None

    def _token(self) -> object:
        if self._connection is not None:
            cursor = self._connection.cursor()
            try:
                cursor.execute("PRAGMA data_version")
                return cursor.fetchone()[0]
            finally:
                cursor.close()
        statement = select(
            func.count(), func.max(RequestRecord.created_at), func.max(RequestRecord.status_changed_at)
        ).select_from(RequestRecord)
        with self._database.read() as session:
            return tuple(session.execute(statement).one())


def arrivals_since(database: Database, since: dt.datetime) -> int:
    """How many requests arrived after `since`: the console's "N new" badge."""
    statement = select(func.count()).select_from(RequestRecord).where(RequestRecord.created_at > since)
    with database.read() as session:
        return session.scalar(statement) or 0
