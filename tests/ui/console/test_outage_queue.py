"""The console through a network cut to a real PostgreSQL server (a relay the test controls, tests/tcp_relay.py):
the screen thread keeps running its timers, the queue says in words within seconds that the database cannot be
reached and since when, the log gets one line for the outage and one for the recovery, and once the link is back
the queue shows, by itself, every request the kiosks stored meanwhile."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import time
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QTimer

from kiosk.config.settings import Settings, StaffSettings
from kiosk.domain.staff import Role
from kiosk.services.accounts import AccountRules, create_account
from kiosk.services.requests import submit_request
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


def test_a_cut_network_is_said_in_the_queue_and_the_console_never_freezes(
    qtbot: QtBot,
    console: ConsoleWindow,
    console_database: tuple[Database, TcpRelay],
    pg_database: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _database, relay = console_database
    queue = signed_in(qtbot, console).queue
    qtbot.waitUntil(lambda: queue.watch._ok_at > 0 and queue.watch._connection is not None, timeout=5000)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    caplog.set_level(logging.INFO, logger="kiosk.ui.console.queue_view")

    timer.start()
    relay.cut()
    try:
        # Patients go on submitting at a kiosk that still reaches the server.
        stored = {
            submit_request(pg_database, factories.appointment(), "kiosk-1", now=dt.datetime.now(dt.UTC)).reference
            for _ in range(3)
        }
        qtbot.waitUntil(lambda: queue.message.isVisible(), timeout=10_000)  # within 10 s, in words
        qtbot.wait(1500)  # and the screen stays alive while the reads hang
    finally:
        timer.stop()
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    assert max(gaps) <= GUI_GAP_S, f"the screen thread stopped for {max(gaps):.3f} s"
    text = queue.message.text()
    assert text.startswith("The queue has not been updated since ")
    assert "the database cannot be reached" in text
    assert not stored & references(console)

    relay.mend()
    qtbot.waitUntil(lambda: not queue.message.isVisible(), timeout=15_000)  # recovers by itself
    qtbot.waitUntil(lambda: stored <= references(console), timeout=5000)
    lines = [record.getMessage() for record in caplog.records if record.name == "kiosk.ui.console.queue_view"]
    assert len([line for line in lines if line.startswith("the queue cannot check for changes")]) == 1
    assert len([line for line in lines if line.startswith("the queue can check for changes again")]) == 1
