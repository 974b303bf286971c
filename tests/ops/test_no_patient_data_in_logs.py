"""Patients type into the real kiosk, staff work the requests in the real console, and no log file holds a word of it.

Also covered: a save that fails (a locked database) and uncaught errors whose messages carry a patient's words.

Logging runs at DEBUG into a private folder, as `kiosk run -v` and `kiosk staff -v` would write it; then every file in
that folder (rotated ones too) and everything logged to stderr is searched for each value a patient gave, in the forms
a log line might carry it: as typed, case-folded, and digits only.
"""

from __future__ import annotations

import csv
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QLabel, QTimer, QWidget

from kiosk.config.settings import LoggingSettings, Settings
from kiosk.domain.staff import Role
from kiosk.ops.logs import attach_log_file, configure_logging
from kiosk.services.accounts import AccountRules, create_account
from kiosk.services.navigation import Screen
from kiosk.services.startup import KioskContext, load_context
from kiosk.storage.database import Database
from kiosk.ui.app import build_window, install_crash_handler
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import (
    answer_warning_signs,
    choose,
    fill_follow_up_to_warning_signs,
    next_step,
    send,
    start,
    type_into,
)
from tests.ui.console.conftest import SETUP, type_sign_in
from tests.ui.test_submission import locked_by_another_process

FIRST, LAST = "zebulon", "quixwellington"  # the form capitalises them: Zebulon Quixwellington
DOB_MONTH, DOB_DAY, DOB_YEAR = "8", "29", "1947"
PHONE = "5042617345"
EMAIL = "zeb.quix@example.org"
OTHER_REASON = "my left knee grumbles at dawn"
CONCERNS = "warm throbbing near the pinprick"
NOTE = "Zebulon asked for a call after lunch"
ADMIN, ADMIN_PASSWORD = "ada", "violet harbour lamp"


def forbidden_values() -> set[str]:
    """Every patient value in the shapes a log line could hold it."""
    typed = {
        FIRST,
        LAST,
        f"{FIRST} {LAST}",
        PHONE,
        "+15042617345",
        EMAIL,
        OTHER_REASON,
        CONCERNS,
        NOTE,
        "1947-08-29",
        "08/29/1947",
        "29/08/1947",
        "August 29, 1947",
        "1947, 8, 29",  # a date's repr
    }
    shapes = set(typed)
    for value in typed:
        shapes.add(value.casefold())
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 7:  # shorter digit runs (a year) also occur in timestamps and counts
            shapes.add(digits)
    return shapes


@pytest.fixture
def log_folder(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    folder = tmp_path / "logs"
    yield folder
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def settings_logging_to(folder: Path) -> Settings:
    # The smallest files allowed: should a run grow past 64 KiB, the rolled-over files are searched as well.
    return Settings(logging=LoggingSettings(folder=folder, level="debug", max_kb=64, files_kept=20))


def shown_and_active(qtbot: QtBot, window: QWidget) -> None:
    """Focus (which opens the on-screen keyboard) goes only to the active window; a created window is not always it."""
    window.show()
    qtbot.wait_exposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def fill_contact(qtbot: QtBot, window: KioskWindow) -> None:
    type_into(qtbot, window, "first_name", FIRST)
    type_into(qtbot, window, "last_name", LAST)
    next_step(qtbot, window)
    type_into(qtbot, window, "dob_month", DOB_MONTH)
    type_into(qtbot, window, "dob_day", DOB_DAY)
    type_into(qtbot, window, "dob_year", DOB_YEAR)
    next_step(qtbot, window)
    type_into(qtbot, window, "phone", PHONE)
    type_into(qtbot, window, "email", EMAIL)
    next_step(qtbot, window)


def agree_by_email(qtbot: QtBot, window: KioskWindow) -> None:
    """On the review: to be contacted by e-mail, so the address is sent and must stay out of the logs too."""
    choose(qtbot, window, "contact_method", "email")
    choose(qtbot, window, "contact_times", "morning")
    choose(qtbot, window, "consent_contact", "")


def send_appointment(qtbot: QtBot, window: KioskWindow, database: Database) -> str:
    start(qtbot, window, "appointment")
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "other")
    type_into(qtbot, window, "reason_other", OTHER_REASON)
    next_step(qtbot, window)
    fill_contact(qtbot, window)
    agree_by_email(qtbot, window)
    # First while another program holds the write lock: the failure path logs the database's error, whose message
    # would carry the statement's parameters (the patient's answers).
    with locked_by_another_process(database):
        send(qtbot, window)
    assert window.form.failure.isVisible()
    send(qtbot, window, window.form.retry)
    return confirmed_reference(window)


def send_follow_up(qtbot: QtBot, window: KioskWindow) -> str:
    fill_follow_up_to_warning_signs(qtbot, window, fill_contact)
    # A red flag: the urgent path logs differently from the normal one, so both are exercised.
    answer_warning_signs(qtbot, window, yes=frozenset({"red_flag_fever"}), concerns=CONCERNS)
    choose(qtbot, window, "next_steps", "follow_up_visit")  # on the review, with how to be contacted
    agree_by_email(qtbot, window)
    send(qtbot, window)
    return confirmed_reference(window)


def _raise_with_patient_words() -> None:
    raise ValueError(f"could not handle {FIRST} {LAST}, {PHONE}, {EMAIL}: {CONCERNS}")


def crash_with_patient_words(qtbot: QtBot, window: KioskWindow) -> None:
    """Uncaught errors whose messages carry a patient's words, in a Qt slot and in a worker thread."""
    handler = install_crash_handler(window, crash_screen_ms=200)
    try:
        QTimer.singleShot(0, _raise_with_patient_words)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.crash_screen, timeout=5000)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract, timeout=5000)
        worker = threading.Thread(target=_raise_with_patient_words, name="worker-test")
        worker.start()
        worker.join()
    finally:
        handler.uninstall()


def confirmed_reference(window: KioskWindow) -> str:
    assert window.navigator.current.screen == Screen.CONFIRMATION
    receipt = window.confirmation.receipt
    assert receipt is not None
    return receipt.reference


def work_the_requests(qtbot: QtBot, context: KioskContext, export_to: Path) -> None:
    """Reception signs in, searches by name, opens each request, adds a note and exports the queue."""
    assert context.database is not None
    create_account(
        context.database,
        username=ADMIN,
        display_name="Ada",
        role=Role.ADMIN,
        password=ADMIN_PASSWORD,
        rules=AccountRules(),
        by=SETUP,
    )
    console = ConsoleWindow(ConsoleContext.from_kiosk(context, "front-desk-test"))
    qtbot.add_widget(console)
    console.resize(1366, 768)
    shown_and_active(qtbot, console)
    try:
        type_sign_in(qtbot, console, "zebulon", "not the password")  # a patient's name typed as a user name
        console.login.username.clear()
        console.login.password.clear()
        type_sign_in(qtbot, console, ADMIN, ADMIN_PASSWORD)
        workspace = console.workspace
        assert workspace is not None, console.login.error.text()
        model = workspace.queue.model
        qtbot.keyClicks(workspace.queue.search, "quixwell")
        qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=3000)
        for row in range(model.rowCount()):
            workspace.queue.select_row(row)
            QApplication.processEvents()
        # The last request opened is read on the console's worker: the note is typed once it is shown, as by a
        # receptionist (typed while the read was still out, the note never reached the history in a run of tests/ops;
        # not traced further).
        qtbot.waitUntil(lambda: not workspace.detail.reader.busy, timeout=10_000)
        qtbot.keyClicks(workspace.detail.note_edit, NOTE)
        workspace.detail.save_note_button.click()

        def note_shown() -> bool:  # saved on the console's worker, then read back into the history
            notes = [label.text() for label in workspace.detail.findChildren(QLabel, "HistoryNote")]
            return any(NOTE in note for note in notes)

        qtbot.waitUntil(note_shown, timeout=10_000)
        workspace.queue.export_to(export_to)  # written on the export's worker: the answer is waited for
        qtbot.waitUntil(lambda: not workspace.queue.export_reader.busy, timeout=10_000)
        assert workspace.queue.message.text() == f"Exported 2 requests to {export_to.name}."
        workspace.queue.search.clear()
        qtbot.keyClicks(workspace.queue.search, PHONE)  # search by phone number too
        qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=3000)
    finally:
        if console.workspace is not None:
            console.workspace.close_down()
        console.idle_lock.close()
        console.close()


def test_no_log_line_holds_what_a_patient_typed(
    qtbot: QtBot, log_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_logging_to(log_folder)
    configure_logging("run", verbose=True)
    assert attach_log_file(settings, "run", verbose=True) == log_folder / "kiosk-run.log"
    context = load_context(None, kiosk=True)  # the demo settings and a real encrypted SQLite file, as a first start
    try:
        window = build_window(context, 1920, 1080)
        qtbot.add_widget(window)
        shown_and_active(qtbot, window)
        assert context.database is not None
        references = [send_appointment(qtbot, window, context.database), send_follow_up(qtbot, window)]
        crash_with_patient_words(qtbot, window)
        window.reset_for_next_patient()
        window.close()

        # The console is another program with its own file, as on the front-desk PC.
        assert attach_log_file(settings, "staff", verbose=True) == log_folder / "kiosk-staff.log"
        export = tmp_path / "requests.csv"
        work_the_requests(qtbot, context, export)
    finally:
        context.close()
    for handler in logging.getLogger().handlers:
        handler.flush()

    # The values really went through the kiosk: the export has them, so their absence from the logs means something.
    exported = export.read_text(encoding="utf-8")
    assert "Quixwellington" in exported and EMAIL in exported and CONCERNS in exported
    with export.open(encoding="utf-8", newline="") as stream:
        assert len(list(csv.reader(stream))) == 3

    files = sorted(log_folder.iterdir())
    assert {path.name for path in files} >= {"kiosk-run.log", "kiosk-staff.log"}
    logged = {path.name: path.read_text(encoding="utf-8") for path in files}
    logged["stderr"] = capsys.readouterr().err
    # The logs are not empty: the kiosk did log the events, just not the patient's words.
    assert len(re.findall(r"request [0-9a-f-]{36} stored", logged["kiosk-run.log"])) == 2, "submissions not logged"
    assert re.search(r"ERROR kiosk.services.requests: request [0-9a-f-]{36} was not stored", logged["kiosk-run.log"])
    assert len(set(references)) == 2  # two requests confirmed with their own codes
    assert "signed in" in logged["kiosk-staff.log"]
    assert "uncaught error in the kiosk: builtins.ValueError" in logged["kiosk-run.log"]
    assert "uncaught error in thread worker-test: builtins.ValueError" in logged["kiosk-run.log"]
    leaks = [
        f"{name}: {value!r} in {line.strip()!r}"
        for name, text in logged.items()
        for line in text.splitlines()
        for value in forbidden_values()
        if value in line or value in line.casefold() or (value.isdigit() and value in re.sub(r"\D", "", line))
    ]
    assert not leaks, "patient data in the logs:\n" + "\n".join(leaks)
