"""Sending from the form runs off the GUI thread: the screen stays alive, and only a commit shows a confirmation."""

from __future__ import annotations

import contextlib
import itertools
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from kiosk.qt import QTimer

from kiosk.services.navigation import ATTRACT, Screen
from kiosk.services.outbox import open_outbox, pending_count
from kiosk.services.requests import load_request
from kiosk.services.startup import KioskContext
from kiosk.storage.database import BUSY_TIMEOUT_MS, Database
from kiosk.storage.models import RequestRecord
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import click, fill_appointment_to_review
from tests.postgres_server import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
SEND_TIMEOUT_MS = BUSY_TIMEOUT_MS + 10_000
TICK_MS = 50

# Another program holds the write lock of the kiosk's (encrypted) file until its stdin closes.
_HOLD_LOCK = """
import sys
from tests import encrypted_files
connection = encrypted_files.connect(sys.argv[1], timeout=0)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
"""


@contextlib.contextmanager
def locked_by_another_process(database: Database) -> Iterator[subprocess.Popen[str]]:
    path = database.engine.url.database
    assert path is not None
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, path], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        assert holder.stdin is not None
        holder.stdin.close()  # the holder exits and its lock goes with it
        holder.wait(timeout=10)


def stored_count(database: Database) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(RequestRecord)) or 0)


@pytest.mark.slow  # another process holds the write lock for the whole busy timeout (about 15 s)
def test_a_locked_database_does_not_freeze_the_screen_and_ends_in_could_not_save(
    qtbot: QtBot, window: KioskWindow, context: KioskContext
) -> None:
    assert context.database is not None
    fill_appointment_to_review(qtbot, window)
    ticks: list[float] = []
    clock = QTimer()
    clock.setInterval(TICK_MS)
    clock.timeout.connect(lambda: ticks.append(time.perf_counter()))
    clock.start()
    with locked_by_another_process(context.database):
        started = time.perf_counter()
        click(qtbot, window.form.next)
        # At once: a calm "Sending…" (the button keeps the focus, so a screen reader hears nothing else), no
        # confirmation yet; tapping it again sends nothing twice.
        assert window.form.sending
        assert window.form.next.words() == "Sending…" and window.form.next.isEnabled()
        assert window.navigator.current.screen == Screen.APPOINTMENT
        click(qtbot, window.form.next)  # a second tap does nothing
        qtbot.waitUntil(lambda: not window.form.sending, timeout=SEND_TIMEOUT_MS)
        waited = time.perf_counter() - started
    clock.stop()

    assert window.form.failure.isVisible()
    assert window.form.failure_title.text() == "We could not save your request"
    assert window.form.retry.isEnabled() and window.form.next.words() == "Send my request"
    assert window.navigator.current.screen == Screen.APPOINTMENT
    during = [tick for tick in ticks if started <= tick <= started + waited]
    gaps = [b - a for a, b in itertools.pairwise(during)]
    print(
        f"\nlocked database: failure shown after {waited:.1f} s (busy timeout {BUSY_TIMEOUT_MS / 1000:.0f} s); "
        f"GUI timer ticked {len(during)} times, longest gap {max(gaps) * 1000:.0f} ms"
    )
    assert waited * 1000 >= BUSY_TIMEOUT_MS * 0.9  # it really waited for the lock, on the worker
    assert len(during) >= waited * 1000 / TICK_MS / 2  # the event loop kept running all along
    assert stored_count(context.database) == 0

    with qtbot.waitSignal(window.form.submitted, timeout=SEND_TIMEOUT_MS):
        click(qtbot, window.form.retry)
    assert window.navigator.current.screen == Screen.CONFIRMATION
    assert stored_count(context.database) == 1


def test_fast_taps_on_send_store_one_request(qtbot: QtBot, window: KioskWindow, context: KioskContext) -> None:
    assert context.database is not None
    fill_appointment_to_review(qtbot, window)
    with qtbot.waitSignal(window.form.submitted, timeout=SEND_TIMEOUT_MS):
        for _ in range(3):
            click(qtbot, window.form.next)
    qtbot.wait(200)
    assert stored_count(context.database) == 1


def test_an_idle_reset_during_a_send_keeps_the_request_but_never_shows_it_to_the_next_person(
    qtbot: QtBot, window: KioskWindow, context: KioskContext
) -> None:
    assert context.database is not None
    fill_appointment_to_review(qtbot, window)
    with qtbot.assertNotEmitted(window.form.submitted, wait=500):
        with locked_by_another_process(context.database):
            click(qtbot, window.form.next)
            assert window.form.sending
            window.reset_for_next_patient()  # the visit ends while the worker waits for the lock
            assert not window.form.sending
        # The lock is gone: the worker commits and its outcome arrives, for nobody.
        with qtbot.waitSignal(window.form.request_sender.finished, timeout=SEND_TIMEOUT_MS) as arrived:
            pass
    assert arrived.args is not None and arrived.args[0].receipt is not None
    assert stored_count(context.database) == 1  # stored, as the patient was not told otherwise
    assert window.navigator.current == ATTRACT
    assert window.confirmation.receipt is None
    window.navigator.home()
    click(qtbot, window.home.choices["appointment"])
    assert window.form.draft is not None and window.form.draft.receipt is None  # a fresh, empty form


def test_with_the_server_down_the_patient_still_gets_a_confirmation_and_it_reaches_the_server(
    qtbot: QtBot,
    context: KioskContext,
    pg_database: Database,
    server_comes_back: PostgresServer,
    make_window: object,
) -> None:
    context.database = pg_database  # this kiosk shares the clinic's PostgreSQL server
    window = make_window()  # type: ignore[operator]
    sender = window.form.request_sender
    assert sender.forward_timer.isActive()
    # Online at start: the outbox is opened and a block of codes is reserved, off the GUI thread.
    outbox = open_outbox(context.settings)
    qtbot.waitUntil(lambda: pending_count(outbox) == 0 and _reserved(outbox) > 0, timeout=10_000)

    fill_appointment_to_review(qtbot, window)
    server_comes_back.stop()
    started = time.perf_counter()
    with qtbot.waitSignal(window.form.submitted, timeout=SEND_TIMEOUT_MS):
        click(qtbot, window.form.next)
    print(f"\nserver down: confirmation after {time.perf_counter() - started:.2f} s")
    receipt = window.confirmation.receipt
    assert receipt is not None and window.navigator.current.screen == Screen.CONFIRMATION
    assert pending_count(outbox) == 1

    server_comes_back.start()
    sender.forward_soon()  # what the 10-second timer does
    qtbot.waitUntil(lambda: pending_count(outbox) == 0, timeout=15_000)
    stored = load_request(pg_database, receipt.reference)
    assert stored is not None and stored.contact.last_name == "Peña"
    assert stored_count(pg_database) == 1
    outbox.close()


def _reserved(outbox: Database) -> int:
    from kiosk.storage.models import ReservedReference

    with outbox.read() as session:
        return int(session.scalar(select(func.count()).select_from(ReservedReference)) or 0)
