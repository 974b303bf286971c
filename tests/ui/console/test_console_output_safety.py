"""The console's "Save as PDF" and "Export CSV" aimed at the installation's own files: refused with the
sentence beside the button, the file left as it was, nothing audited as released; what is saved is 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QPrintDialog, QWidget

from kiosk.config.settings import DatabaseSettings, Settings, StaffSettings
from kiosk.domain.audit import AuditAction
from kiosk.domain.staff import Role
from kiosk.services.accounts import AccountRules, create_account
from kiosk.services.audit import AuditFilter, list_entries
from kiosk.storage.database import Database
from kiosk.storage.keys import KeyFile, find_key
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.window import ConsoleWindow
from tests import encrypted_files
from tests.services import factories
from tests.ui.console.conftest import ADMIN, ADMIN_PASSWORD, SETUP, WORKSTATION, signed_in, submit
from tests.ui.console.test_lock_and_revoke import when_shown

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes as on a Linux front-desk PC")


@pytest.fixture
def console_context(database: Database, database_file: Path, staff_settings: StaffSettings) -> ConsoleContext:
    """Settings that name the real database file, as a clinic's do (the shared fixture uses the defaults)."""
    settings = Settings(database=DatabaseSettings(url=f"sqlite:///{database_file}"), staff=staff_settings)
    create_account(
        database,
        username=ADMIN,
        display_name="Ada",
        role=Role.ADMIN,
        password=ADMIN_PASSWORD,
        rules=AccountRules.from_settings(staff_settings),
        by=SETUP,
    )
    return ConsoleContext(database, settings, WORKSTATION)


def _key(database_file: Path) -> Path:
    found = find_key(DatabaseSettings(url=f"sqlite:///{database_file}"), database_file)
    assert found is not None and isinstance(found[0], KeyFile)
    return found[0].path


def _released(database: Database) -> list[str]:
    return [
        entry.action
        for entry in list_entries(database, AuditFilter())
        if entry.action in {AuditAction.PRINT.value, AuditAction.EXPORT.value} and entry.outcome == "ok"
    ]


def test_save_as_pdf_over_the_key_is_refused_beside_the_button(
    qtbot: QtBot, console: ConsoleWindow, database: Database, database_file: Path
) -> None:
    submit(database, factories.urgent_follow_up())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    key = _key(database_file)
    before = key.read_bytes()

    assert not workspace.detail.save_pdf_to(key)

    assert workspace.detail.banner.text() == f"{key} is the kiosk's database key file; choose another file name."
    assert key.read_bytes() == before
    assert _released(database) == []


def test_export_over_the_database_is_refused_beside_the_button(
    qtbot: QtBot, console: ConsoleWindow, database: Database, database_file: Path
) -> None:
    submit(database, factories.appointment())
    workspace = signed_in(qtbot, console)
    before = database_file.read_bytes()

    assert workspace.queue.export_to(database_file) is None

    assert workspace.queue.message.text() == (
        f"Nothing was exported: {database_file} is the kiosk's database; choose another file name."
    )
    assert database_file.read_bytes() == before
    assert _released(database) == []


@posix_only
def test_what_the_console_saves_is_private(
    qtbot: QtBot, console: ConsoleWindow, database: Database, tmp_path: Path
) -> None:
    submit(database, factories.urgent_follow_up())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    pdf, csv = tmp_path / "saved" / "request.pdf", tmp_path / "saved" / "requests.csv"
    pdf.parent.mkdir()
    umask = os.umask(0o022)
    try:
        assert workspace.detail.save_pdf_to(pdf)
        assert workspace.queue.export_to(csv) == 1
    finally:
        os.umask(umask)

    assert pdf.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert stat.S_IMODE(csv.stat().st_mode) == 0o600
    assert sorted(path.name for path in pdf.parent.iterdir()) == ["request.pdf", "requests.csv"]
    assert sorted(_released(database)) == ["export", "print"]


@contextmanager
def audit_inserts_fail(database_file: Path) -> Iterator[None]:
    """As a full disk would make the audit insert fail, while reading still works."""
    connection = encrypted_files.connect(database_file)
    connection.execute(
        "CREATE TRIGGER audit_full BEFORE INSERT ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    )
    connection.commit()
    connection.close()
    try:
        yield
    finally:
        connection = encrypted_files.connect(database_file)
        connection.execute("DROP TRIGGER audit_full")  # signing out at the end writes its own audit row
        connection.commit()
        connection.close()


def test_no_audit_row_means_no_pdf(
    qtbot: QtBot, console: ConsoleWindow, database: Database, database_file: Path, tmp_path: Path
) -> None:
    submit(database, factories.urgent_follow_up())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    out = tmp_path / "saved" / "request.pdf"
    out.parent.mkdir()

    with audit_inserts_fail(database_file):
        assert not workspace.detail.save_pdf_to(out)

    assert workspace.detail.banner.text().startswith("Nothing was saved or printed, because the audit trail")
    assert list(out.parent.iterdir()) == []


def test_no_audit_row_means_nothing_printed_and_a_sentence_beside_the_button(
    qtbot: QtBot, console: ConsoleWindow, database: Database, database_file: Path, tmp_path: Path
) -> None:
    submit(database, factories.urgent_follow_up())
    workspace = signed_in(qtbot, console)
    workspace.queue.select_row(0)
    printed = tmp_path / "printed.pdf"

    def press_print(dialog: QWidget) -> None:
        assert isinstance(dialog, QPrintDialog)
        dialog.printer().setOutputFileName(str(printed))  # to a file, never to a real printer on this PC
        dialog.accept()

    with audit_inserts_fail(database_file):
        poll = when_shown(QPrintDialog, press_print)
        workspace.detail.print_button.click()  # returns when the dialog is answered; no exception escapes
        poll.stop()

    assert workspace.detail.banner.text().startswith("Nothing was saved or printed, because the audit trail")
    assert not printed.exists()
