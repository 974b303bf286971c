"""The console watchers' connections: bounded reads on a connection of their own, and PostgreSQL's announcements
of new requests. No Qt: the watchers' threads and signals are in kiosk.ui.console; what they read with is here.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from kiosk.services.requests import NEW_REQUEST_CHANNEL, DatabaseFileGoneError
from kiosk.storage.bounded import OneConnection, discard, open_bounded
from kiosk.storage.database import FILE_IDENTITY, FILE_PATH, Database, server_connect_args

if TYPE_CHECKING:
    import psycopg


class BoundedReads:
    """Reads on one connection of its own whose every statement fails after seconds instead of hanging
    (kiosk.storage.bounded): opened on first use by the thread that owns it, discarded (never pooled) on close.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._connection: Connection | None = None
        self._reads: OneConnection | None = None

    def reads(self) -> Database:
        """A Database whose reads all run on this connection, opened now if it is not open yet."""
        if self._connection is None or self._reads is None:
            connection = open_bounded(self.database)
            try:
                self._reads = OneConnection(connection)
            except Exception:
                discard(connection)
                raise
            self._connection = connection
        return self._reads

    def sqlite_connection(self) -> Any | None:
        """The driver's connection under the reads on SQLite (a change watcher reads data_version on it), else None."""
        self.reads()
        assert self._connection is not None
        return self._connection.connection if self._connection.dialect.name == "sqlite" else None

    def check_file(self) -> None:
        """Raise DatabaseFileGoneError if the SQLite file was deleted or replaced since the connection opened.

        A deleted or replaced SQLite file still reads from the old copy: "nothing waiting" would be a lie.
        """
        connection = self._connection
        if connection is None or connection.dialect.name != "sqlite":
            return
        path = connection.info.get(FILE_PATH)
        known = connection.info.get(FILE_IDENTITY)
        if not path or known is None:
            return
        found = os.stat(path)
        if (found.st_dev, found.st_ino) != known:
            raise DatabaseFileGoneError(path)

    def close(self) -> None:
        connection, self._connection, self._reads = self._connection, None, None
        if connection is not None:
            discard(connection)


def listen_for_new_requests(database: Database) -> psycopg.Connection[Any]:
    """A PostgreSQL connection LISTENing on the channel every stored request is announced on.

    Raises psycopg.Error when the server cannot be reached or refuses.
    """
    import psycopg

    engine = database.engine
    arguments, options = engine.dialect.create_connect_args(engine.url)
    # A silent server is noticed within seconds here too; the URL's settings win, its `options` are added to ours.
    options.update(server_connect_args(engine.url.query))
    listener = psycopg.connect(*arguments, **options, autocommit=True)
    try:
        listener.execute(f"LISTEN {NEW_REQUEST_CHANNEL}")
    except psycopg.Error:
        listener.close()
        raise
    return listener
