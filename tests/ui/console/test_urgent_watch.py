"""The urgent watcher on its own: it sees another PC's urgent request within a second or two, on SQLite and on
PostgreSQL (woken by NOTIFY there), says when it cannot look, and leaves no thread or connection behind."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from kiosk.domain.staff import Actor, Role
from kiosk.services.requests import submit_request
from kiosk.services.urgent_alarm import SeenAtDesk, UrgentWaiting
from kiosk.storage.database import Database
from kiosk.ui.console.urgent_watch import UrgentWatch
from tests.postgres_server import is_postgresql, open_another
from tests.services import factories

DESK = Actor(username="rita", role=Role.RECEPTION, workstation="front-desk-test")


@pytest.fixture
def watch(qtbot: QtBot, any_database: Database) -> Iterator[UrgentWatch]:
    watcher = UrgentWatch(any_database)
    with qtbot.wait_signal(watcher.checked, timeout=5000) as first:
        watcher.start()
    assert first.args is not None and first.args[0].count == 0
    yield watcher
    watcher.stop()


def backends(database: Database) -> int:
    """The server's connections to this test's database (PostgreSQL only)."""
    name = database.engine.url.database
    with database.engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"),
                {"name": name},
            ).scalar_one()
        )


def test_an_urgent_request_from_another_pc_is_seen_within_two_seconds(
    qtbot: QtBot, watch: UrgentWatch, any_database: Database
) -> None:
    if is_postgresql(any_database):
        qtbot.waitUntil(lambda: watch.listening, timeout=3000)
    kiosk = open_another(any_database)
    try:
        stored_at = time.monotonic()
        receipt = submit_request(kiosk, factories.urgent_follow_up(), "kiosk-2", now=dt.datetime.now(dt.UTC))
    finally:
        kiosk.close()
    seen: list[UrgentWaiting] = []
    watch.checked.connect(seen.append)
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].count == 1, timeout=2000)
    elapsed = time.monotonic() - stored_at
    print(f"\n{any_database.engine.dialect.name}: stored to seen by the watcher in {elapsed * 1000:.0f} ms")
    assert seen[-1].newest_reference == receipt.reference
    assert elapsed < 2.0


def test_seen_at_desk_runs_off_the_gui_thread_and_the_next_look_counts_it(
    qtbot: QtBot, watch: UrgentWatch, any_database: Database
) -> None:
    receipt = submit_request(any_database, factories.urgent_follow_up(), "kiosk-2", now=dt.datetime.now(dt.UTC))
    seen: list[UrgentWaiting] = []
    watch.checked.connect(seen.append)
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].count == 1, timeout=3000)
    request_id = seen[-1].newest_id
    assert request_id is not None
    with qtbot.wait_signal(watch.seen, timeout=5000) as answer:
        watch.mark_seen(request_id, DESK)
    assert answer.args is not None
    done: SeenAtDesk = answer.args[0]
    assert (done.reference, done.by, done.already) == (receipt.reference, "rita", False)
    qtbot.waitUntil(lambda: seen[-1].count == 0, timeout=2000)


def test_a_removed_database_file_is_a_failed_check_and_no_new_file_appears(
    qtbot: QtBot, database: Database, database_file: Path
) -> None:
    watcher = UrgentWatch(database)
    try:
        with qtbot.wait_signal(watcher.checked, timeout=5000):
            watcher.start()
        moved = database_file.with_suffix(".moved")
        database_file.rename(moved)
        with qtbot.wait_signal(watcher.failed, timeout=3000) as failure:
            pass
        assert failure.args == ["FileNotFoundError"]
        time.sleep(1.2)  # another try or two: the watcher must not make an empty file where the database was
        assert not database_file.exists()
        moved.rename(database_file)  # back where it was: the checks succeed again
        with qtbot.wait_signal(watcher.checked, timeout=5000):
            pass
    finally:
        watcher.stop()


def test_a_hung_read_does_not_stop_the_console_closing(qtbot: QtBot, database: Database) -> None:
    """A look that never returns (a hung server) keeps only the thread; stop() returns after its wait."""
    release = threading.Event()

    def hang(_database: Database) -> UrgentWaiting:
        release.wait(30)
        raise TimeoutError

    watcher = UrgentWatch(database, look=hang)
    watcher.start()
    time.sleep(0.1)
    started = time.monotonic()
    watcher.join_s = 0.3
    try:
        watcher.stop()
    finally:
        release.set()
    assert time.monotonic() - started < 1.0


def test_stop_joins_the_thread_and_closes_both_connections(qtbot: QtBot, any_database: Database) -> None:
    postgresql = is_postgresql(any_database)
    before = backends(any_database) if postgresql else 0
    watcher = UrgentWatch(any_database)
    with qtbot.wait_signal(watcher.checked, timeout=5000):
        watcher.start()
    if postgresql:
        qtbot.waitUntil(lambda: watcher.listening, timeout=3000)
        assert backends(any_database) >= before + 2  # its reads and its LISTEN
    watcher.stop()
    assert not watcher.running
    assert not watcher.listening
    if postgresql:
        any_database.engine.dispose()  # the pool's idle connections are not the watcher's
        qtbot.waitUntil(lambda: backends(any_database) <= before, timeout=3000)


@pytest.mark.skipif(os.name == "nt", reason="PostgreSQL tests run on Linux")
def test_postgresql_refusing_connections_is_a_failed_check_until_it_accepts_again(
    qtbot: QtBot, pg_database: Database, postgres_server: object
) -> None:
    from tests.postgres_server import PostgresServer

    assert isinstance(postgres_server, PostgresServer)
    name = pg_database.engine.url.database
    watcher = UrgentWatch(pg_database)
    try:
        with qtbot.wait_signal(watcher.checked, timeout=5000):
            watcher.start()
        postgres_server.admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        postgres_server.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        with qtbot.wait_signal(watcher.failed, timeout=5000):
            pass
        postgres_server.admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
        with qtbot.wait_signal(watcher.checked, timeout=5000):
            pass
    finally:
        watcher.stop()
        postgres_server.admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
