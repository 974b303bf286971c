"""The console through a network cut to a real PostgreSQL server (a relay the test controls, tests/tcp_relay.py)
and through a hung server (every server process stopped with SIGSTOP), with patients submitting at a kiosk:
the screen thread keeps running its timers, the queue says in words within seconds that the database cannot be
reached and since when, the log gets one line for the outage and one for the recovery, and once the link is back
the queue shows, by itself, every request the kiosks stored meanwhile."""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QTimer

from kiosk.config.settings import DatabaseSettings, Settings, StaffSettings
from kiosk.domain.staff import Role
from kiosk.services.accounts import AccountRules, create_account
from kiosk.services.outbox import forwarding_pass, open_outbox, reserve_references
from kiosk.services.submission import DeadlineSubmitter
from kiosk.services.workstations import record_start
from kiosk.storage.database import Database
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.window import ConsoleWindow
from tests.postgres_server import PostgresServer
from tests.services import factories
from tests.tcp_relay import TcpRelay
from tests.ui.console.conftest import ADMIN, ADMIN_PASSWORD, SETUP, WORKSTATION, signed_in

pytestmark = pytest.mark.slow  # waits out the console's 6 s rule
GUI_GAP_S = 0.1  # the longest the screen thread may go without running a timer


@pytest.fixture
def console_database(pg_database: Database, postgres_server: PostgresServer) -> Iterator[tuple[Database, TcpRelay]]:
    with TcpRelay(postgres_server.port) as relay:
        url = pg_database.engine.url.set(port=relay.port).render_as_string(hide_password=False)
        database = Database.open(url)
        try:
            yield database, relay
        finally:
            relay.mend()
            database.close()


@pytest.fixture
def console(qtbot: QtBot, console_database: tuple[Database, TcpRelay]) -> Iterator[ConsoleWindow]:
    database, _relay = console_database
    staff = StaffSettings()
    create_account(database, username=ADMIN, display_name="Ada", role=Role.ADMIN, password=ADMIN_PASSWORD,
                   rules=AccountRules.from_settings(staff), by=SETUP)  # fmt: skip
    window = ConsoleWindow(ConsoleContext(database, Settings(staff=staff), WORKSTATION, {}))
    qtbot.add_widget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.wait_exposed(window)
    yield window
    if window.workspace is not None:
        window.workspace.close_down()
    window.idle_lock.close()


def references(window: ConsoleWindow) -> set[str]:
    assert window.workspace is not None
    model = window.workspace.queue.model
    return {model.row_at(row).reference for row in range(model.rowCount())}


def server_processes(server: PostgresServer) -> list[int]:
    """The postmaster and every process it started (the backends the console's connections talk to)."""
    postmaster = int((server.data / "postmaster.pid").read_text().splitlines()[0])
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == postmaster:
                children.append(int(stat.parent.name))
    return [postmaster, *children]


@contextlib.contextmanager
def fault(kind: str, relay: TcpRelay, server: PostgresServer) -> Iterator[None]:
    if kind == "cut":
        relay.cut()
        try:
            yield
        finally:
            relay.mend()
        return
    hung = server_processes(server)
    for pid in hung:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in hung:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


@pytest.mark.parametrize("kind", ["cut", "hung"])
def test_an_outage_is_said_in_the_queue_and_the_console_never_freezes(
    qtbot: QtBot,
    console: ConsoleWindow,
    console_database: tuple[Database, TcpRelay],
    pg_database: Database,
    postgres_server: PostgresServer,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    kind: str,
) -> None:
    _database, relay = console_database
    record_start(pg_database, role="kiosk", name="kiosk-1")
    outbox = open_outbox(
        Settings(database=DatabaseSettings(url="postgresql+psycopg://k@127.0.0.1/k", outbox_path=tmp_path / "o.db"))
    )
    reserve_references(outbox, pg_database, "kiosk-1")
    kiosk = DeadlineSubmitter(lambda: outbox, "kiosk-1", confirm_within_s=3)
    queue = signed_in(qtbot, console).queue
    qtbot.waitUntil(lambda: queue.watch._ok_at > 0 and queue.watch._connection is not None, timeout=5000)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    caplog.set_level(logging.INFO, logger="kiosk.ui.console.queue_view")

    timer.start()
    try:
        with fault(kind, relay, postgres_server):
            # Patients go on submitting: stored on the server (a cut console) or kept in the outbox (a hung server).
            stored = {kiosk.submit(pg_database, factories.appointment()).reference for _ in range(3)}
            qtbot.waitUntil(lambda: queue.message.isVisible(), timeout=10_000)  # within 10 s, in words
            qtbot.wait(1500)  # and the screen stays alive while the reads hang
            timer.stop()
            text = queue.message.text()
            assert not stored & references(console)
    finally:
        timer.stop()
        kiosk.close()
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    assert max(gaps) <= GUI_GAP_S, f"the screen thread stopped for {max(gaps):.3f} s"
    assert text.startswith("The queue has not been updated since ")
    assert "the database cannot be reached" in text

    try:
        for _ in range(30):  # the kiosk forwards what it kept, as its 10 s timer would
            if forwarding_pass(outbox, pg_database, "kiosk-1").waiting == 0:
                break
            time.sleep(0.5)
    finally:
        outbox.close()
    qtbot.waitUntil(lambda: not queue.message.isVisible(), timeout=15_000)  # recovers by itself
    qtbot.waitUntil(lambda: stored <= references(console), timeout=5000)
    lines = [record.getMessage() for record in caplog.records if record.name == "kiosk.ui.console.queue_view"]
    assert len([line for line in lines if line.startswith("the queue cannot check for changes")]) == 1
    assert len([line for line in lines if line.startswith("the queue can check for changes again")]) == 1
