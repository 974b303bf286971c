"""The queue's watcher runs off the GUI thread: a hung database never freezes the console, a failing one is said
once in the queue and cleared when it answers again, and closing the console joins the thread and its connections."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import threading
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from kiosk.qt import QTimer

from kiosk.services.changes import ChangeWatcher
from kiosk.services.requests import submit_request
from kiosk.services.urgent_alarm import UrgentWaiting, urgent_waiting
from kiosk.storage.database import Database
from kiosk.ui.console.queue_watch import QueueWatch, look_for_changes
from kiosk.ui.console.urgent_banner import STALE_AFTER_S
from kiosk.ui.console.window import ConsoleWindow
from tests import encrypted_files
from tests.postgres_server import is_postgresql
from tests.services import factories
from tests.ui.console.conftest import signed_in, submit

UNREACHABLE = (
    "The queue has not been updated since {at}: the database cannot be reached. Call IT; what is shown may be out"
    " of date."
)


def checked_out(database: Database) -> int:
    """Connections in use now: both backends open a QueuePool (kiosk/storage/database.py)."""
    pool = database.engine.pool
    assert isinstance(pool, QueuePool)
    return pool.checkedout()


def references(window: ConsoleWindow) -> list[str]:
    assert window.workspace is not None
    model = window.workspace.queue.model
    return [model.row_at(row).reference for row in range(model.rowCount())]


def from_another_pc(database_file: Path) -> str:
    """A request stored through another connection, as the patient kiosk does; its reference."""
    kiosk = encrypted_files.open_again(database_file)
    try:
        return submit_request(kiosk, factories.appointment(), "kiosk-2", now=dt.datetime.now(dt.UTC)).reference
    finally:
        kiosk.close()


def test_a_hung_database_never_freezes_the_console_and_the_banner_says_so(
    qtbot: QtBot, console: ConsoleWindow, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = signed_in(qtbot, console)
    queue = workspace.queue
    in_queue_look = threading.Event()
    release = threading.Event()

    def hung_queue_look(watcher: ChangeWatcher, reads: Database, since: dt.datetime) -> int | None:
        in_queue_look.set()
        release.wait(30)  # a server that never answers
        return look_for_changes(watcher, reads, since)

    def hung_urgent_look(reads: Database) -> UrgentWaiting:
        release.wait(30)
        return urgent_waiting(reads)

    # The banner's clock, moved by hand: its 6 s rule passes in a line instead of six real seconds.
    skipped = [0.0]
    monkeypatch.setattr(console.urgent, "clock", lambda: time.monotonic() + skipped[0])
    monkeypatch.setattr(queue.watch, "_look", hung_queue_look)
    monkeypatch.setattr(console.urgent.watch, "_look", hung_urgent_look)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    try:
        qtbot.waitUntil(in_queue_look.is_set, timeout=3000)
        timer.start()
        queue.poll()  # asking again returns at once: the look runs on the watcher's thread
        skipped[0] = STALE_AFTER_S
        qtbot.waitUntil(lambda: "Cannot check for new requests since" in console.urgent.message.text(), timeout=3000)
        qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=2000)

        assert not release.is_set() and queue.watch.running  # both looks are still waiting on the "database"
        assert console.urgent.isVisible()
        assert console.windowTitle().startswith("(cannot check) ")
        gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
        assert max(gaps) < 1.0, gaps  # the GUI thread ran its timers throughout (the look hangs for 30 s)
    finally:
        timer.stop()
        release.set()
    qtbot.waitUntil(lambda: not console.urgent.isVisible(), timeout=5000)  # answers again: the warning goes


def test_a_failing_database_is_said_once_in_the_queue_and_the_queue_catches_up_when_it_answers(
    qtbot: QtBot,
    console: ConsoleWindow,
    database: Database,
    database_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    submit(database, factories.follow_up())
    workspace = signed_in(qtbot, console)
    queue = workspace.queue
    failing = threading.Event()
    failing.set()

    def look(watcher: ChangeWatcher, reads: Database, since: dt.datetime) -> int | None:
        if failing.is_set():
            raise OperationalError("SELECT count(*) FROM patient_requests", {}, ConnectionResetError("server closed"))
        return look_for_changes(watcher, reads, since)

    monkeypatch.setattr(queue.watch, "_look", look)
    monkeypatch.setattr("kiosk.ui.console.queue_watch.AFTER_FAILURE_S", 0.1)
    failures: list[str] = []
    queue.watch.failed.connect(failures.append)
    caplog.set_level(logging.INFO, logger="kiosk.ui.console.queue_view")
    before = dt.datetime.now().strftime("%H:%M")

    qtbot.waitUntil(lambda: len(failures) >= 3, timeout=5000)
    after = dt.datetime.now().strftime("%H:%M")
    arrived = from_another_pc(database_file)  # stored while the console cannot look

    assert queue.message.isVisible()
    assert queue.message.text() in {UNREACHABLE.format(at=at) for at in (before, after)}
    assert arrived not in references(console)  # the rows stay as they were
    warnings = [
        record.getMessage()
        for record in caplog.records
        if record.name == "kiosk.ui.console.queue_view" and record.levelno == logging.WARNING
    ]
    assert warnings == ["the queue cannot check for changes: OperationalError"]  # once, the class name only

    failing.clear()
    qtbot.waitUntil(lambda: arrived in references(console), timeout=5000)
    assert not queue.message.isVisible()
    assert queue.badge.isVisible() and queue.badge.text() == "1 new"
    assert "the queue can check for changes again" in caplog.messages


def test_clearing_the_badge_counts_only_what_arrives_afterwards(
    qtbot: QtBot, console: ConsoleWindow, database: Database, database_file: Path
) -> None:
    workspace = signed_in(qtbot, console)
    queue = workspace.queue
    first = from_another_pc(database_file)
    qtbot.waitUntil(lambda: queue.badge.isVisible(), timeout=3000)
    assert queue.badge.text() == "1 new"

    queue.badge.click()  # "show the top of the queue": they have seen it
    assert not queue.badge.isVisible()
    second = from_another_pc(database_file)

    qtbot.waitUntil(lambda: second in references(console), timeout=3000)
    qtbot.waitUntil(lambda: queue.badge.isVisible(), timeout=3000)
    assert queue.badge.text() == "1 new"
    assert first in references(console)


def test_a_locked_console_holds_no_connection_for_the_queue(
    qtbot: QtBot, console: ConsoleWindow, database: Database, database_file: Path
) -> None:
    workspace = signed_in(qtbot, console)
    queue = workspace.queue
    qtbot.waitUntil(lambda: queue.watch._connection is not None, timeout=3000)

    workspace.pause()  # what the lock page does
    qtbot.waitUntil(lambda: queue.watch._connection is None, timeout=3000)
    assert queue.watch.running and not queue.polling

    arrived = from_another_pc(database_file)
    workspace.resume()
    qtbot.waitUntil(lambda: arrived in references(console), timeout=3000)
    assert queue.polling


def test_a_hung_look_does_not_stop_the_console_closing(qtbot: QtBot, database: Database) -> None:
    release = threading.Event()
    looking = threading.Event()

    def hang(_watcher: ChangeWatcher, _reads: Database, _since: dt.datetime) -> int | None:
        looking.set()
        release.wait(30)
        raise TimeoutError

    watch = QueueWatch(database, since=dt.datetime.now(dt.UTC), look=hang)
    watch.join_s = 0.3
    watch.start()
    try:
        assert looking.wait(5)
        started = time.monotonic()
        watch.stop()
        assert time.monotonic() - started < 1.0
    finally:
        release.set()


def test_stop_joins_the_thread_and_returns_its_connections(qtbot: QtBot, any_database: Database) -> None:
    before = checked_out(any_database)
    watch = QueueWatch(any_database, since=dt.datetime.now(dt.UTC))
    with qtbot.wait_signal(watch.changed, timeout=5000) as first:
        watch.start()
    assert first.args is not None and first.args[0] == 0  # the first look reloads once, nothing new yet
    assert checked_out(any_database) == before + 1

    watch.stop()

    assert not watch.running
    assert checked_out(any_database) == before


@pytest.mark.skipif(os.name == "nt", reason="PostgreSQL tests run on Linux")
def test_a_read_the_server_does_not_answer_fails_within_seconds(qtbot: QtBot, pg_database: Database) -> None:
    assert is_postgresql(pg_database)  # statement_timeout is PostgreSQL's; SQLite's connection has a 2 s busy limit

    def slow(_watcher: ChangeWatcher, reads: Database, _since: dt.datetime) -> int | None:
        with reads.read() as session:
            session.execute(text("SELECT pg_sleep(30)"))
        return None

    watch = QueueWatch(pg_database, since=dt.datetime.now(dt.UTC), look=slow)
    started = time.monotonic()
    try:
        with qtbot.wait_signal(watch.failed, timeout=10_000) as failed:
            watch.start()
    finally:
        watch.stop()
    assert failed.args == ["OperationalError"]
    assert time.monotonic() - started < 8.0
