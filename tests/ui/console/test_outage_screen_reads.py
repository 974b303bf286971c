"""The console's own reads (the queue's rows, a request's detail, the password that unlocks it) are made off the screen
thread: with a real PostgreSQL server hung (every server process stopped with SIGSTOP), pressing Refresh, opening a
request, locking and unlocking never stop the screen thread for more than 100 ms (it would be 5-60 s if they read on
it), each says in words that it is waiting, and everything comes back by itself once the server runs again. The same
holds for what the receptionist waits on: exporting, printing and saving a PDF (the rights check and the audit row),
changing a password, an account change in Staff accounts, and verifying the audit trail."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QPrintDialog, Qt, QTimer

from kiosk.config.settings import Settings, StaffSettings
from kiosk.domain.staff import Role
from kiosk.services.accounts import AccountRules, create_account
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.ui.console.audit_view import UNREADABLE as AUDIT_UNREADABLE
from kiosk.ui.console.audit_view import VERIFYING
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.detail_view import CHECKING, OPENING, UNOPENED
from kiosk.ui.console.detail_view import UNCHECKED as PRINT_UNCHECKED
from kiosk.ui.console.lock import UNCHECKED
from kiosk.ui.console.off_thread import ANSWER_WAIT_MS, OffThreadReader
from kiosk.ui.console.queue_view import EXPORTING
from kiosk.ui.console.users_view import SAVING, UNSAVED
from kiosk.ui.console.window import ConsoleWindow
from tests.postgres_server import PostgresServer
from tests.services import factories
from tests.ui.console.conftest import (
    ADMIN,
    ADMIN_PASSWORD,
    DESK,
    DESK_PASSWORD,
    SETUP,
    WORKSTATION,
    named,
    signed_in,
)
from tests.ui.console.test_outage_queue import server_processes

pytestmark = pytest.mark.slow  # a hung server and the reads waiting on it
GUI_GAP_S = 0.1  # the longest the screen thread may go without running a timer


@pytest.fixture
def console(qtbot: QtBot, pg_database: Database) -> Iterator[ConsoleWindow]:
    database = Database.open(pg_database.engine.url.render_as_string(hide_password=False))
    staff = StaffSettings()
    for username, role, password in ((ADMIN, Role.ADMIN, ADMIN_PASSWORD), (DESK, Role.RECEPTION, DESK_PASSWORD)):
        create_account(database, username=username, display_name=username.title(), role=role, password=password,
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
    database.close()


def test_refresh_open_and_unlock_on_a_hung_server_never_freeze_the_console(
    qtbot: QtBot,
    console: ConsoleWindow,
    pg_database: Database,
    postgres_server: PostgresServer,
) -> None:
    for first, last in (("Ana", "Alvarez"), ("Binh", "Bui"), ("Cora", "Chen")):
        submit_request(pg_database, named(factories.appointment(), first, last), "kiosk-1")
    workspace = signed_in(qtbot, console)
    queue, detail, lock = workspace.queue, workspace.detail, console.lock_view
    qtbot.waitUntil(lambda: queue.model.rowCount() == 3, timeout=5000)
    # As in production (tests/ui/console/conftest.py): the screen waits at most this long for an answer, then goes on.
    assert OffThreadReader.answer_wait_ms == ANSWER_WAIT_MS
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))

    hung = server_processes(postgres_server)
    timer.start()
    try:
        for pid in hung:
            os.kill(pid, signal.SIGSTOP)
        qtbot.mouseClick(queue.refresh_button, Qt.MouseButton.LeftButton)
        assert queue.reading.isVisible() and queue.reading.text() == "Reading the requests…"
        assert queue.model.rowCount() == 3  # what was listed stays listed meanwhile

        queue.select_row(1)  # as a click does: the request opens, read on the detail's worker
        qtbot.wait(200)
        assert detail.placeholder.isVisible() and detail.placeholder.text() in (OPENING, UNOPENED)
        assert not detail.body.isVisible()  # no request shows that status buttons could act on by mistake

        # One step per turn of the event loop, as a person's hands give it (each step may wait ANSWER_WAIT_MS).
        console.lock()
        qtbot.wait(50)
        qtbot.keyClicks(lock.password, ADMIN_PASSWORD)
        qtbot.wait(50)
        qtbot.mouseClick(lock.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.wait(200)
        # Said calmly while the server does not answer (or, once its connection gives up, that it could not check).
        assert lock.checking.isVisible() or lock.error.text() == UNCHECKED
        assert lock.other_button.isEnabled()  # signing in as someone else stays possible
        qtbot.wait(1500)  # and the screen stays alive while all three reads hang
        still_out = queue.model.loading
    finally:
        for pid in hung:
            os.kill(pid, signal.SIGCONT)
        timer.stop()
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    assert max(gaps) <= GUI_GAP_S, f"the screen thread stopped for {max(gaps):.3f} s"
    assert still_out  # the queue's read was really held by the hung server, not answered before it

    # The server runs again: each read finishes by itself and the screen follows.
    qtbot.waitUntil(lambda: not lock.password_reader.busy, timeout=15_000)
    if console.locked:  # the check gave up before the server came back: the receptionist tries again
        qtbot.keyClicks(lock.password, ADMIN_PASSWORD)
        qtbot.mouseClick(lock.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not console.locked, timeout=15_000)
    qtbot.waitUntil(lambda: not queue.reading.isVisible(), timeout=15_000)
    assert queue.model.rowCount() == 3
    chosen = queue.model.row_at(1)
    if not detail.body.isVisible():  # it could not be opened while the server was hung: chosen again
        queue.select_row(0)
        queue.select_row(1)
    qtbot.waitUntil(lambda: detail.body.isVisible(), timeout=15_000)
    assert detail.title.text() == f"{chosen.first_name} {chosen.last_name}"


def test_signing_in_on_a_hung_server_says_it_is_checking_and_gets_in_once_it_answers(
    qtbot: QtBot, console: ConsoleWindow, postgres_server: PostgresServer
) -> None:
    login = console.login
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    hung = server_processes(postgres_server)
    timer.start()
    try:
        for pid in hung:
            os.kill(pid, signal.SIGSTOP)
        qtbot.keyClicks(login.username, ADMIN)
        qtbot.wait(50)
        qtbot.keyClicks(login.password, ADMIN_PASSWORD)
        qtbot.wait(50)
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
        qtbot.wait(300)
        assert login.checking.isVisible() and login.checking.text() == "Checking your password…"
        assert console.workspace is None
        qtbot.wait(1000)
    finally:
        for pid in hung:
            os.kill(pid, signal.SIGCONT)
        timer.stop()
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    assert max(gaps) <= GUI_GAP_S, f"the screen thread stopped for {max(gaps):.3f} s"
    qtbot.waitUntil(lambda: not login.reader.busy, timeout=15_000)
    if console.workspace is None:  # the check gave up before the server came back: typed again
        login.username.clear()
        qtbot.keyClicks(login.username, ADMIN)
        qtbot.keyClicks(login.password, ADMIN_PASSWORD)
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: console.workspace is not None, timeout=15_000)


class GapMeter:
    """The longest the screen thread went without running a 10 ms timer, while measuring."""

    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(lambda: self.ticks.append(time.monotonic()))

    @contextlib.contextmanager
    def measuring(self) -> Iterator[None]:
        self.ticks.clear()
        self.timer.start()
        try:
            yield
        finally:
            self.timer.stop()

    @property
    def longest(self) -> float:
        return max(later - earlier for earlier, later in itertools.pairwise(self.ticks))


@contextlib.contextmanager
def hung(server: PostgresServer) -> Iterator[None]:
    """Every server process stopped (SIGSTOP) meanwhile, then running again."""
    processes = server_processes(server)
    for pid in processes:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in processes:
            os.kill(pid, signal.SIGCONT)


def _cancel_print_dialogs() -> QTimer:
    """Cancel the print dialog once the rights check lets it open (it would wait for a person)."""
    poll = QTimer()
    poll.setInterval(20)

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QPrintDialog) and widget.isVisible():
                widget.reject()

    poll.timeout.connect(look)
    poll.start()
    return poll


def test_export_print_pdf_accounts_and_verify_on_a_hung_server_never_freeze_the_console(
    qtbot: QtBot, console: ConsoleWindow, pg_database: Database, postgres_server: PostgresServer, tmp_path: Path
) -> None:
    submit_request(pg_database, named(factories.appointment(), "Ana", "Alvarez"), "kiosk-1")
    workspace = signed_in(qtbot, console)
    queue, detail, users, audit = workspace.queue, workspace.detail, workspace.users, workspace.audit
    assert users is not None and audit is not None
    qtbot.waitUntil(lambda: queue.model.rowCount() == 1, timeout=5000)
    queue.select_row(0)
    qtbot.waitUntil(lambda: detail.body.isVisible(), timeout=5000)
    assert OffThreadReader.answer_wait_ms == ANSWER_WAIT_MS  # as in production: the screen goes on meanwhile
    csv, pdf = tmp_path / "requests.csv", tmp_path / "request.pdf"
    meter = GapMeter()
    cancel_print = _cancel_print_dialogs()

    # On the queue: export, print, and the own-password dialog, each one step per turn of the event loop.
    with meter.measuring(), hung(postgres_server):
        assert queue.export_to(csv) is None
        assert queue.message.text() == EXPORTING
        qtbot.wait(50)
        qtbot.mouseClick(detail.print_button, Qt.MouseButton.LeftButton)
        assert detail.banner.isVisible() and detail.banner.text() == CHECKING
        assert not detail.print_button.isEnabled()  # no second print or change while this one is asked
        qtbot.wait(50)
        qtbot.mouseClick(workspace.header.password_button, Qt.MouseButton.LeftButton)
        dialog = workspace.password_dialog
        assert dialog is not None
        for field, text in ((dialog.current, ADMIN_PASSWORD), (dialog.password, "copper kettle on the sill"),
                            (dialog.repeat, "copper kettle on the sill")):  # fmt: skip
            qtbot.keyClicks(field, text)
        changed: list[bool] = []
        dialog.accepted.connect(lambda: changed.append(True))
        unsaved = dialog.general_error
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.wait(300)
        assert dialog.isVisible() and dialog.saving.isVisible() and dialog.saving.text() == SAVING
        assert not dialog.save_button.isEnabled()
        assert queue.message.text() == EXPORTING and detail.banner.text() == CHECKING  # still out, said calmly
        qtbot.wait(1000)
    assert meter.longest <= GUI_GAP_S, f"the screen thread stopped for {meter.longest:.3f} s"

    # The server runs again: each finishes by itself, or says in one sentence that it could not be done.
    qtbot.waitUntil(lambda: not queue.export_reader.busy and not detail.reader.busy, timeout=20_000)
    qtbot.waitUntil(lambda: bool(changed) or unsaved.text() == UNSAVED, timeout=20_000)  # closed, or said
    cancel_print.stop()
    assert queue.message.text() != EXPORTING
    assert (csv.exists() and queue.message.text() == "Exported 1 request to requests.csv.") or not csv.exists()
    assert detail.banner.isHidden() or detail.banner.text() == PRINT_UNCHECKED
    assert not changed or workspace.header.done.text() == "Password changed."

    # Staff accounts and the audit trail, then a PDF of the request, while the server is hung again.
    workspace.show_tab("Staff accounts")
    qtbot.waitUntil(lambda: len(users.model.accounts) == 2, timeout=10_000)
    users.select_username(DESK)
    users.confirm = lambda _parent, _title, _question: True  # the admin answers "Disable this account?" with yes
    with meter.measuring(), hung(postgres_server):
        qtbot.mouseClick(users.toggle_button, Qt.MouseButton.LeftButton)
        assert users.message.text() == SAVING and not users.toggle_button.isEnabled()
        qtbot.wait(50)
        workspace.show_tab("Audit trail")
        qtbot.wait(50)
        qtbot.mouseClick(audit.verify_button, Qt.MouseButton.LeftButton)
        assert audit.message.text() == VERIFYING and not audit.verify_button.isEnabled()
        qtbot.wait(50)
        workspace.show_tab("Queue")
        qtbot.wait(50)
        assert detail.save_pdf_to(pdf) is False  # asked, not answered yet
        assert detail.banner.text() == CHECKING
        qtbot.wait(1500)
        assert users.message.text() == SAVING and audit.message.text() == VERIFYING
    assert meter.longest <= GUI_GAP_S, f"the screen thread stopped for {meter.longest:.3f} s"

    qtbot.waitUntil(lambda: not users.reader.busy and not audit.verifier.busy, timeout=20_000)
    qtbot.waitUntil(lambda: not detail.reader.busy, timeout=20_000)
    assert users.message.text() in (f"Account {DESK} disabled: they can no longer sign in.", UNSAVED)
    assert audit.message.text().startswith("Intact: ") or audit.message.text() == AUDIT_UNREADABLE
    if pdf.exists():
        assert detail.banner.text() == "Saved request.pdf."
    else:
        assert detail.banner.text().startswith("Nothing was saved or printed")
