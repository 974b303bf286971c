"""Admins manage staff accounts on the console; every change goes through the account service and is audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.qt import QLineEdit, Qt, QWidget

from kiosk.domain.audit import AuditAction
from kiosk.domain.passwords import CONTEXT, GUESSABLE
from kiosk.domain.staff import Actor, PermissionDenied, Role
from kiosk.services.accounts import AccountError, AccountRules, create_account, list_accounts, sign_in
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry
from kiosk.ui.console.theme import console_stylesheet
from kiosk.ui.console.users_view import COLUMNS, AddUserDialog, ResetPasswordDialog, UsersView

RULES = AccountRules(clinic_name="Ascent Pain")
ADMIN = Actor("ada", Role.ADMIN, "back-office", "Ada")
DESK = Actor("rita", Role.RECEPTION, "front-desk-1", "Rita")
PASSWORD = "quiet morning tea"
SHOTS = Path("/tmp/console_shots")


@pytest.fixture
def accounts(database: Database) -> Database:
    setup = Actor("cli:setup", Role.ADMIN, "it-laptop")
    for username, name, role in (("ada", "Ada Lovelace", Role.ADMIN), ("rita", "Rita Moreno", Role.RECEPTION)):
        create_account(
            database, username=username, display_name=name, role=role, password=PASSWORD, rules=RULES, by=setup
        )
    return database


def _view(qtbot: QtBot, database: Database, size: tuple[int, int] = (1366, 768)) -> UsersView:
    view = UsersView(database, ADMIN, RULES)
    view.setStyleSheet(console_stylesheet(size[1]))
    qtbot.add_widget(view)
    view.resize(*size)
    view.show()
    qtbot.wait_exposed(view)
    return view


def _usernames(view: UsersView) -> list[str]:
    return [str(view.model.index(row, 0).data()) for row in range(view.model.rowCount())]


def _row(view: UsersView, username: str) -> dict[str, str]:
    row = _usernames(view).index(username)
    return {column: str(view.model.index(row, index).data()) for index, column in enumerate(COLUMNS)}


def _open_add_dialog(qtbot: QtBot, view: UsersView) -> AddUserDialog:
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert isinstance(dialog, AddUserDialog)
    qtbot.wait_exposed(dialog)
    return dialog


def _type(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    field.setFocus()
    qtbot.keyClicks(field, text)


def _audit_actions(database: Database) -> list[tuple[str, str, str]]:
    with database.transaction() as session:
        return [
            (entry.actor, entry.action, entry.target)
            for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def test_the_list_shows_every_account_in_words(qtbot: QtBot, accounts: Database) -> None:
    sign_in(accounts, "rita", PASSWORD, workstation="front-desk-1", rules=RULES)
    view = _view(qtbot, accounts)

    assert _usernames(view) == ["ada", "rita"]
    rita = _row(view, "rita")
    assert (rita["Name"], rita["Role"], rita["Active"], rita["Failed sign-ins"]) == (
        "Rita Moreno",
        "Reception",
        "Active",
        "None",
    )
    assert rita["Last sign-in"].startswith(f"{dt.date.today().day} ")  # "23 Nov 2026, 14:05"
    assert _row(view, "ada")["Last sign-in"] == "Never"
    assert _row(view, "ada")["Role"] == "Admin"


def test_adding_a_user_through_the_dialog(qtbot: QtBot, accounts: Database) -> None:
    view = _view(qtbot, accounts)
    dialog = _open_add_dialog(qtbot, view)

    _type(qtbot, dialog.username, "Sam.Ortiz")
    _type(qtbot, dialog.display_name, "Sam Ortiz")
    dialog.role.setCurrentIndex(dialog.role.findText("Admin"))
    _type(qtbot, dialog.password, "lantern over the bay")
    _type(qtbot, dialog.repeat, "lantern over the bay")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _usernames(view) == ["ada", "rita", "sam.ortiz"]
    assert _row(view, "sam.ortiz")["Role"] == "Admin"
    assert view.selected() is not None and view.selected().username == "sam.ortiz"  # type: ignore[union-attr]
    assert "sam.ortiz added" in view.message.text()
    assert ("ada", AuditAction.USER_ADD.value, "sam.ortiz") in _audit_actions(accounts)
    assert sign_in(accounts, "sam.ortiz", "lantern over the bay", workstation="w", rules=RULES).role is Role.ADMIN


def test_a_too_short_password_is_explained_next_to_the_field_and_nothing_typed_is_lost(
    qtbot: QtBot, accounts: Database
) -> None:
    view = _view(qtbot, accounts)
    dialog = _open_add_dialog(qtbot, view)
    _type(qtbot, dialog.username, "sam")
    _type(qtbot, dialog.display_name, "Sam Ortiz")
    _type(qtbot, dialog.password, "short")
    _type(qtbot, dialog.repeat, "short")

    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.password_error.isVisible()
    assert dialog.password_error.text() == RULES.password_problem("short", "sam")
    assert "at least 15 characters" in dialog.password_error.text()
    # The sentence sits right under the password box, not somewhere else on the form.
    gap = (
        dialog.password_error.mapTo(dialog, dialog.password_error.rect().topLeft()).y()
        - dialog.password.mapTo(dialog, dialog.password.rect().bottomLeft()).y()
    )
    assert 0 <= gap <= 60
    assert not dialog.username_error.isVisible()
    assert (dialog.username.text(), dialog.display_name.text()) == ("sam", "Sam Ortiz")
    assert (dialog.password.text(), dialog.repeat.text()) == ("short", "short")
    assert dialog.focusWidget() is dialog.password
    assert [account.username for account in list_accounts(accounts)] == ["ada", "rita"]

    # Fixing it clears the sentence and adds the account.
    dialog.password.clear()
    dialog.repeat.clear()
    _type(qtbot, dialog.password, "lantern over the bay")
    _type(qtbot, dialog.repeat, "lantern over the bay")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert "sam" in _usernames(view)


def test_a_taken_username_and_different_passwords_are_explained_where_they_belong(
    qtbot: QtBot, accounts: Database
) -> None:
    view = _view(qtbot, accounts)
    dialog = _open_add_dialog(qtbot, view)
    _type(qtbot, dialog.username, "rita")
    _type(qtbot, dialog.password, "lantern over the bay")
    _type(qtbot, dialog.repeat, "lantern over the sea")

    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.repeat_error.isVisible()
    assert "same password" in dialog.repeat_error.text()

    dialog.repeat.clear()
    _type(qtbot, dialog.repeat, "lantern over the bay")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert not dialog.repeat_error.isVisible()
    assert dialog.username_error.isVisible()
    assert "already an account named 'rita'" in dialog.username_error.text()
    assert dialog.isVisible()


def test_disable_enable_and_clear_failed_sign_ins(qtbot: QtBot, accounts: Database) -> None:
    # Three wrong passwords make the next try wait (the first two cost no wait, so the third is checked too).
    for _ in range(3):
        with pytest.raises(AccountError):
            sign_in(accounts, "rita", "not her password", workstation="w", rules=RULES)
    view = _view(qtbot, accounts)
    view.select_username("rita")

    assert "Locked" not in COLUMNS  # accounts no longer lock
    assert _row(view, "rita")["Failed sign-ins"] == "3"
    assert view.unlock_button.isEnabled() and view.unlock_button.text() == "Clear failed sign-ins"
    qtbot.mouseClick(view.unlock_button, Qt.MouseButton.LeftButton)
    assert _row(view, "rita")["Failed sign-ins"] == "None"
    assert "next try waits for nothing" in view.message.text()
    assert not view.unlock_button.isEnabled()
    assert sign_in(accounts, "rita", PASSWORD, workstation="w", rules=RULES).username == "rita"

    assert view.toggle_button.text() == "Disable"
    asked: list[str] = []

    def answer_yes(_parent: QWidget | None, _title: str, question: str) -> bool:
        asked.append(question)
        return True

    view.confirm = answer_yes
    qtbot.mouseClick(view.toggle_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].startswith("Disable rita's account? They can no longer sign in")
    assert _row(view, "rita")["Active"] == "Disabled"
    assert view.toggle_button.text() == "Enable"
    assert "can no longer sign in" in view.message.text()
    qtbot.mouseClick(view.toggle_button, Qt.MouseButton.LeftButton)
    assert _row(view, "rita")["Active"] == "Active"
    actions = [action for actor, action, target in _audit_actions(accounts) if actor == "ada" and target == "rita"]
    assert actions == [AuditAction.USER_UNLOCK.value, AuditAction.USER_DISABLE.value, AuditAction.USER_ENABLE.value]


@pytest.mark.parametrize(
    ("password", "sentence"),
    [("Password1!Password1!", GUESSABLE), ("qwertyuiopasdfghjkl", GUESSABLE), ("Ascent Pain 2024!!", CONTEXT)],
)
def test_long_but_guessable_passwords_are_explained_next_to_the_field(
    qtbot: QtBot, accounts: Database, password: str, sentence: str
) -> None:
    view = _view(qtbot, accounts)
    dialog = _open_add_dialog(qtbot, view)
    _type(qtbot, dialog.username, "sam")
    _type(qtbot, dialog.password, password)
    _type(qtbot, dialog.repeat, password)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.password_error.isVisible()
    assert dialog.password_error.text() == sentence
    assert [account.username for account in list_accounts(accounts)] == ["ada", "rita"]


def test_disabling_an_account_is_asked_first_and_no_leaves_it_active(qtbot: QtBot, accounts: Database) -> None:
    view = _view(qtbot, accounts)
    view.select_username("rita")
    view.confirm = lambda _parent, _title, _question: False

    qtbot.mouseClick(view.toggle_button, Qt.MouseButton.LeftButton)

    assert _row(view, "rita")["Active"] == "Active"
    assert sign_in(accounts, "rita", PASSWORD, workstation="w", rules=RULES).username == "rita"


def test_an_admin_cannot_disable_themself_from_the_page(qtbot: QtBot, accounts: Database) -> None:
    view = _view(qtbot, accounts)
    view.select_username("ada")
    assert not view.toggle_button.isEnabled()


def test_reset_password_asks_twice_and_the_new_one_works(qtbot: QtBot, accounts: Database) -> None:
    view = _view(qtbot, accounts)
    view.select_username("rita")
    qtbot.mouseClick(view.reset_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert isinstance(dialog, ResetPasswordDialog)
    _type(qtbot, dialog.password, "rita")
    _type(qtbot, dialog.repeat, "rita")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.password_error.isVisible() and dialog.password.text() == "rita"

    dialog.password.clear()
    dialog.repeat.clear()
    _type(qtbot, dialog.password, "paper boats at dawn")
    _type(qtbot, dialog.repeat, "paper boats at dawn")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert sign_in(accounts, "rita", "paper boats at dawn", workstation="w", rules=RULES).username == "rita"
    assert ("ada", AuditAction.PASSWORD_RESET.value, "rita") in _audit_actions(accounts)


def test_reception_cannot_open_the_accounts_page(qtbot: QtBot, accounts: Database) -> None:
    with pytest.raises(PermissionDenied, match="manage staff accounts"):
        UsersView(accounts, DESK, RULES)


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_screenshot(qtbot: QtBot, accounts: Database, size: tuple[int, int]) -> None:
    view = _view(qtbot, accounts, (size[0], size[1] - 110))
    view.select_username("rita")
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(SHOTS / f"users_test_{size[0]}x{size[1]}.png"))
    dialog = _open_add_dialog(qtbot, view)
    _type(qtbot, dialog.username, "sam")
    _type(qtbot, dialog.password, "short")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.grab().save(str(SHOTS / f"users_add_dialog_test_{size[0]}x{size[1]}.png"))
    # The sentence is not cut off: its label is as tall as its wrapped text needs.
    error = dialog.password_error
    assert error.height() >= error.heightForWidth(error.width())
    dialog.reject()


def test_accounts_signing_in_with_an_outdated_password_get_a_calm_note(qtbot: QtBot, accounts: Database) -> None:
    from sqlalchemy import update

    from kiosk.services.accounts import hash_password
    from kiosk.storage.models import StaffUser

    view = _view(qtbot, accounts)
    assert not view.renewal_note.isVisible()
    with accounts.transaction() as session:
        session.execute(
            update(StaffUser).where(StaffUser.username == "rita").values(password_hash=hash_password("tulips88"))
        )
    sign_in(accounts, "rita", "tulips88", workstation="front-desk-1", rules=RULES)
    view.refresh()
    assert view.renewal_note.isVisible()
    assert view.renewal_note.text().startswith("rita still signs in with a password shorter")
