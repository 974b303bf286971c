"""Notice, cheaply and often, that another PC or window has changed the requests."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, literal, select

from kiosk.services.requests import NEW_REQUEST_CHANNEL
from kiosk.storage.database import Database, server_connect_args
from kiosk.storage.models import RequestRecord

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

# On PostgreSQL a new request is announced at once; a status change made on another console is
# caught by comparing the token this often, and so is everything while the LISTEN connection is down.
TOKEN_EVERY_S = 10.0
RELISTEN_EVERY_S = 30.0  # how often to try LISTEN again after the connection dropped


class ChangeWatcher:
    """Answers "has anything been committed since I last asked?" without reading the queue again.

    On SQLite it keeps one connection of its own and reads `PRAGMA data_version`, which
    moves only when another connection commits: a few microseconds, no table read, and
    the console's own idle time never counts as a change. On PostgreSQL it holds its own
    connection listening on the channel submit_request notifies in the same transaction
    as the insert, and drains it without waiting. Everywhere else, and whenever that
    connection is gone, it compares a small token (row count, newest arrival, newest status change).

    `connection` (SQLite): a DBAPI connection the caller owns and closes, with its own time limits, used
    instead of one from the pool; it must never commit, or its own commits would not count as changes.
    """

    def __init__(
        self, database: Database, *, clock: Callable[[], float] = time.monotonic, connection: Any = None
    ) -> None:
        self._database = database
        self._clock = clock
        self._connection: Any = None  # the DBAPI connection, SQLite only
        self._owns_connection = connection is None
        self._listener: psycopg.Connection[Any] | None = None  # PostgreSQL only
        self._postgresql = database.engine.dialect.name == "postgresql"
        if database.engine.dialect.name == "sqlite":
            # A connection of its own, held until close(): data_version is per connection.
            self._connection = connection if connection is not None else database.engine.raw_connection()
        elif self._postgresql:
            self._listener = self._listen()
        self._last = self._token()
        self._token_read_at = self._listen_tried_at = clock()

    def changed(self) -> bool:
        """True when the data moved since the last call (or since the watcher was made)."""
        if not self._postgresql:
            return self._token_moved()
        # Draining notices needs no network, so a silent link would look like "nothing new" for as long as the
        # token waits: one tiny round trip proves the server still answers (it raises, or hangs on the caller's
        # bounded connection, where the watcher's time limits see it).
        self._still_answers()
        now = self._clock()
        if self._listener is None and now - self._listen_tried_at >= RELISTEN_EVERY_S:
            self._listen_tried_at = now
            self._listener = self._listen()
            if self._listener is not None:
                return self._token_moved()  # anything announced while nobody listened is in the token
        if self._listener is not None and self._heard():
            self._token_moved()  # a new baseline, so the periodic check does not report this arrival again
            return True
        if self._listener is None or now - self._token_read_at >= TOKEN_EVERY_S:
            return self._token_moved()
        return False

    @property
    def listening(self) -> bool:
        """True while new requests are announced (PostgreSQL's LISTEN); False on SQLite and while it is down."""
        return self._listener is not None

    def close(self) -> None:
        if self._connection is not None and self._owns_connection:
            self._connection.close()  # back to the pool
        self._connection = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def _listen(self) -> psycopg.Connection[Any] | None:
        """A connection of its own, outside the pool and in autocommit (a transaction would hold notices back)."""
        import psycopg

        engine = self._database.engine
        arguments, options = engine.dialect.create_connect_args(engine.url)
        # A dead or silent server is noticed within seconds here too; the URL's settings win, its options are added.
        options.update(server_connect_args(engine.url.query))
        try:
            listener = psycopg.connect(*arguments, **options, autocommit=True)
            listener.execute(f"LISTEN {NEW_REQUEST_CHANNEL}")
        except psycopg.Error as exc:
            log.warning("new requests are not announced (%s); comparing the token at every poll", type(exc).__name__)
            return None
        return listener

    def _heard(self) -> bool:
        """Drain every notice that arrived, without waiting; a lost connection falls back to the token."""
        import psycopg

        assert self._listener is not None
        try:
            return any(True for _ in self._listener.notifies(timeout=0))
        except psycopg.Error as exc:
            log.warning("the connection announcing new requests dropped (%s); checking the token instead",
                        type(exc).__name__)  # fmt: skip
            self._listener.close()
            self._listener = None
            self._listen_tried_at = self._clock()
            return True  # something may have been missed: let the console look once

    def _still_answers(self) -> None:
        with self._database.read() as session:
            session.execute(select(literal(1)))

    def _token_moved(self) -> bool:
        token = self._token()
        self._token_read_at = self._clock()
        moved = token != self._last
        self._last = token
        return moved

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
