"""A locked console reads how many wait off the screen thread: the counts still show when all is well, and a
database that cannot be reached is said in words (logged once) instead of freezing the lock page."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from pytestqt.qtbot import QtBot

from kiosk.storage.database import Database
from kiosk.ui.console.window import ConsoleWindow
from tests.services import factories
from tests.ui.console.conftest import signed_in, submit


def test_the_lock_page_counts_off_the_screen_thread_and_says_when_it_cannot(
    qtbot: QtBot, console: ConsoleWindow, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    submit(database, factories.urgent_follow_up())
    signed_in(qtbot, console)
    console.idle_lock.set_timeout_ms(50)
    qtbot.waitUntil(lambda: console.locked, timeout=2000)
    lock = console.lock_view
    qtbot.waitUntil(lambda: lock.counts.text() == "1 request waits for a first contact, 1 of them urgent.")

    caplog.set_level(logging.WARNING, logger="kiosk.ui.console.lock")
    context = lock.context
    broken = Database.open("postgresql+psycopg://kiosk:pw@127.0.0.1:9/kiosk?connect_timeout=2&sslmode=disable")
    try:
        lock.context = dataclasses.replace(context, database=broken)
        for _ in range(2):
            lock.show_counts()
            qtbot.waitUntil(lambda: not lock._counts_reader.busy, timeout=10_000)
    finally:
        lock.context = context
        broken.close()

    assert lock.counts.text() == "How many are waiting cannot be read now: the database cannot be reached."
    assert [r.getMessage() for r in caplog.records if r.name == "kiosk.ui.console.lock"] == [
        "lock page: the waiting count could not be read (OperationalError)"
    ]
