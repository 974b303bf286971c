"""A database.url that carries libpq's startup `options` (IT setting a search_path, or its own time limits) keeps
the kiosk's lock and statement limits unless it names them itself, on the pool and on the console's LISTEN
connection alike. Checked on a real server: what SHOW reports on the connection."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import text

from kiosk.services.changes import ChangeWatcher
from kiosk.storage.database import Database


def opened_with_options(pg_database: Database, options: str) -> Database:
    url = pg_database.engine.url.render_as_string(hide_password=False)
    return Database.open(f"{url}{'&' if '?' in url else '?'}options={quote(options)}")


@pytest.fixture
def with_search_path(pg_database: Database) -> Iterator[Database]:
    database = opened_with_options(pg_database, "-c search_path=public -c application_name=front-desk")
    yield database
    database.close()


def test_options_for_something_else_keep_the_kiosks_time_limits(with_search_path: Database) -> None:
    with with_search_path.read() as session:
        assert session.scalar(text("SHOW statement_timeout")) == "1min"
        assert session.scalar(text("SHOW lock_timeout")) == "5s"
        assert session.scalar(text("SHOW application_name")) == "front-desk"  # and IT's own options hold


def test_a_limit_it_sets_in_the_url_wins(pg_database: Database) -> None:
    database = opened_with_options(pg_database, "-c statement_timeout=7000")
    try:
        with database.read() as session:
            assert session.scalar(text("SHOW statement_timeout")) == "7s"
            assert session.scalar(text("SHOW lock_timeout")) == "5s"
    finally:
        database.close()


def test_the_listen_connection_keeps_them_too(with_search_path: Database) -> None:
    watcher = ChangeWatcher(with_search_path)
    try:
        assert watcher._listener is not None
        assert watcher._listener.execute("SHOW lock_timeout").fetchone() == ("5s",)
        assert watcher._listener.execute("SHOW application_name").fetchone() == ("front-desk",)
    finally:
        watcher.close()
