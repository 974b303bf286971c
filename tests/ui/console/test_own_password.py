"""Staff change their own password from the header (issue 24, part 6)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import Qt

from kiosk.domain.audit import AuditAction
from kiosk.services.accounts import AccountError, AccountRules, sign_in
from kiosk.services.audit import AuditFilter, list_entries
from kiosk.storage.database import Database
from kiosk.ui.console.own_password import ChangePasswordDialog
from kiosk.ui.console.window import ConsoleWindow
from kiosk.ui.console.workspace import Workspace
from tests.ui.console.conftest import DESK, DESK_PASSWORD, signed_in

NEW_PASSWORD = "copper kettle on the windowsill"


def _dialog(qtbot: QtBot, workspace: Workspace) -> ChangePasswordDialog:
    qtbot.mouseClick(workspace.header.password_button, Qt.MouseButton.LeftButton)
    dialog = workspace.password_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _fill(qtbot: QtBot, dialog: ChangePasswordDialog, current: str, new: str, repeat: str) -> None:
    for field, text in ((dialog.current, current), (dialog.password, new), (dialog.repeat, repeat)):
        field.clear()
        qtbot.keyClicks(field, text)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def test_a_receptionist_changes_their_own_password_and_signs_in_with_it(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    workspace = signed_in(qtbot, console, DESK, DESK_PASSWORD)
    dialog = _dialog(qtbot, workspace)

    _fill(qtbot, dialog, "not my password", NEW_PASSWORD, NEW_PASSWORD)
    assert dialog.isVisible()
    assert dialog.current_error.text().startswith("That is not your current password")

    _fill(qtbot, dialog, DESK_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert not dialog.isVisible()
    assert workspace.header.done.text() == "Password changed."
    rules = AccountRules()
    assert sign_in(database, DESK, NEW_PASSWORD, workstation="w", rules=rules).username == DESK
    with pytest.raises(AccountError):
        sign_in(database, DESK, DESK_PASSWORD, workstation="w", rules=rules)
    changes = [e for e in list_entries(database, AuditFilter()) if e.action == AuditAction.PASSWORD_RESET.value]
    assert [(e.actor, e.target) for e in changes] == [(DESK, DESK)]


def test_two_different_new_passwords_are_said_next_to_the_second(qtbot: QtBot, console: ConsoleWindow) -> None:
    workspace = signed_in(qtbot, console, DESK, DESK_PASSWORD)
    dialog = _dialog(qtbot, workspace)

    _fill(qtbot, dialog, DESK_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")

    assert dialog.isVisible() and dialog.repeat_error.isVisible()
    assert dialog.repeat.text() == NEW_PASSWORD + "x"  # nothing typed is cleared
