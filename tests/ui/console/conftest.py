"""Fixtures for the reception console: a real migrated SQLite file, real accounts, the real window."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, Qt

from kiosk.config.settings import Settings, StaffSettings
from kiosk.domain.requests import AppointmentRequest, FollowUpRequest
from kiosk.domain.staff import Actor, Role
from kiosk.services.accounts import AccountRules, create_account
from kiosk.services.requests import Receipt, submit_request
from kiosk.storage.database import Database
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.off_thread import OffThreadReader
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.console.workspace import Workspace

ADMIN, ADMIN_PASSWORD = "ada", "violet harbour lamp"
DESK, DESK_PASSWORD = "rita", "quiet morning tea"
WORKSTATION = "front-desk-test"
SETUP = Actor(username="cli:setup", role=Role.ADMIN, workstation="it-laptop")
T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
MakeConsole = Callable[..., ConsoleWindow]


def submit(database: Database, request: AppointmentRequest | FollowUpRequest, minutes_after: int = 0) -> Receipt:
    """Store a request as the kiosk does, received `minutes_after` T0."""
    return submit_request(database, request, "kiosk-1", now=T0 + dt.timedelta(minutes=minutes_after))


def named(request: AppointmentRequest | FollowUpRequest, first: str, last: str) -> AppointmentRequest | FollowUpRequest:
    contact = dataclasses.replace(request.contact, first_name=first, last_name=last)
    return dataclasses.replace(request, contact=contact)


@pytest.fixture
def staff_settings() -> StaffSettings:
    return StaffSettings()


@pytest.fixture
def console_context(database: Database, staff_settings: StaffSettings) -> ConsoleContext:
    settings = Settings(staff=staff_settings)
    rules = AccountRules.from_settings(staff_settings)
    for username, role, password in ((ADMIN, Role.ADMIN, ADMIN_PASSWORD), (DESK, Role.RECEPTION, DESK_PASSWORD)):
        create_account(
            database,
            username=username,
            display_name=username.title(),
            role=role,
            password=password,
            rules=rules,
            by=SETUP,
        )
    return ConsoleContext(database, settings, WORKSTATION, {"sacroiliac-joint-injection": "SI joint injection"})


@pytest.fixture
def make_console(qtbot: QtBot, console_context: ConsoleContext) -> Iterator[MakeConsole]:
    made: list[ConsoleWindow] = []

    def make(size: tuple[int, int] = (1366, 768)) -> ConsoleWindow:
        window = ConsoleWindow(console_context)
        qtbot.add_widget(window)
        window.resize(*size)
        window.show()
        qtbot.wait_exposed(window)
        made.append(window)
        return window

    yield make
    for window in made:
        # Stop the poll timer and the idle filter before the database closes.
        if window.workspace is not None:
            window.workspace.close_down()
        window.idle_lock.close()


@pytest.fixture
def console(make_console: MakeConsole) -> ConsoleWindow:
    return make_console()


def type_sign_in(qtbot: QtBot, window: ConsoleWindow, username: str, password: str) -> None:
    """Type both fields and press Enter, as a receptionist does."""
    window.login.username.setFocus()
    qtbot.keyClicks(window.login.username, username)
    qtbot.keyClicks(window.login.password, password)
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.login.reader.busy, timeout=10_000)  # checked on the sign-in's worker
    QApplication.processEvents()


def signed_in(qtbot: QtBot, window: ConsoleWindow, username: str = ADMIN, password: str = ADMIN_PASSWORD) -> Workspace:
    type_sign_in(qtbot, window, username, password)
    assert window.workspace is not None, window.login.error.text()
    return window.workspace


@pytest.fixture(autouse=True)
def reads_answered_at_once(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests click and then look, as a receptionist does on a fast local database: each read the console
    makes on its worker is waited for (up to 10 s) before the click returns. The outage tests (test_outage_*: a
    cut link, a hung server) keep the production wait, where the screen goes on and collects the answer later."""
    if not request.module.__name__.rpartition(".")[2].startswith("test_outage_"):
        monkeypatch.setattr(OffThreadReader, "answer_wait_ms", 10_000)
