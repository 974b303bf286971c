"""Signing in to the console: the refusal's sentence beside the form, the password never left behind."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.domain.audit import AuditAction
from kiosk.services.accounts import WRONG_CREDENTIALS
from kiosk.services.audit import AuditFilter, list_entries
from kiosk.storage.database import Database
from kiosk.ui.console.window import ConsoleWindow
from tests.ui.console.conftest import ADMIN, ADMIN_PASSWORD, DESK, signed_in, type_sign_in


def test_a_wrong_password_shows_the_sentence_and_keeps_the_username(qtbot: QtBot, console: ConsoleWindow) -> None:
    type_sign_in(qtbot, console, ADMIN, "not my password at all")

    assert console.workspace is None
    assert console.login.error.isVisible()
    assert console.login.error.text() == WRONG_CREDENTIALS
    assert console.login.password.text() == ""
    assert console.login.username.text() == ADMIN


def test_the_right_password_opens_the_queue(qtbot: QtBot, console: ConsoleWindow) -> None:
    workspace = signed_in(qtbot, console, ADMIN, ADMIN_PASSWORD)

    assert console.pages.currentWidget() is workspace
    assert workspace.tabs.tabText(workspace.tabs.currentIndex()) == "Queue"
    assert workspace.queue.table.isVisible()
    assert "Ada" in workspace.header.who.text()
    assert console.login.password.text() == ""


def test_empty_fields_ask_for_both(qtbot: QtBot, console: ConsoleWindow) -> None:
    console.login.sign_in_button.click()

    assert console.login.error.text() == "Type your username and password, then choose Sign in."
    assert console.workspace is None


def test_unknown_wrong_and_throttled_read_the_same_beside_the_form(
    qtbot: QtBot, console: ConsoleWindow, database: Database
) -> None:
    """No countdown and no "locked": the form must not tell a stranger which names exist."""
    seen = []
    # The third failure makes the next try wait 2 s; the last is the right password, but too soon.
    for username, password in (
        [("nobody.here", "not my password at all")]
        + [(ADMIN, "not my password at all")] * 3
        + [(ADMIN, ADMIN_PASSWORD)]
    ):
        console.login.username.clear()  # the form keeps the username after a refusal
        type_sign_in(qtbot, console, username, password)
        seen.append(console.login.error.text())

    assert console.workspace is None
    assert seen == [WRONG_CREDENTIALS] * 5
    last = list_entries(database, AuditFilter(action=AuditAction.LOGIN_FAILED))[0]
    assert (last.actor, last.detail.split(",")[0]) == (ADMIN, "throttled")
    assert "wait half a minute" in WRONG_CREDENTIALS  # the owner still learns what to do


def test_sign_out_leaves_an_empty_form_for_the_next_person(qtbot: QtBot, console: ConsoleWindow) -> None:
    workspace = signed_in(qtbot, console, DESK, "quiet morning tea")

    workspace.header.sign_out_button.click()

    assert console.workspace is None
    assert console.pages.currentWidget() is console.login
    assert console.login.username.text() == ""
