"""Every connection to the server has time limits: the pool's (lock, statement, connect, keepalive, unacknowledged
writes) and the console's LISTEN connection too (it used the operating system's two-hour keepalive once)."""

from __future__ import annotations

from sqlalchemy import text

from kiosk.services.changes import ChangeWatcher
from kiosk.storage.database import Database


def test_every_pooled_server_connection_ends_its_statements_and_lock_waits(pg_database: Database) -> None:
    with pg_database.read() as session:
        assert session.scalar(text("SHOW statement_timeout")) == "1min"
        assert session.scalar(text("SHOW lock_timeout")) == "5s"
    with pg_database.engine.connect() as connection:
        parameters = connection.connection.driver_connection.info.get_parameters()  # type: ignore[union-attr]
    assert parameters["connect_timeout"] == "3"
    assert parameters["keepalives_idle"] == "5"
    assert parameters["tcp_user_timeout"] == "10000"


def test_the_listen_connection_notices_a_silent_server_within_seconds(pg_database: Database) -> None:
    watcher = ChangeWatcher(pg_database)
    try:
        assert watcher._listener is not None
        parameters = watcher._listener.info.get_parameters()
        assert parameters["keepalives_idle"] == "5"
        assert parameters["keepalives_count"] == "3"
        assert parameters["tcp_user_timeout"] == "10000"
    finally:
        watcher.close()
