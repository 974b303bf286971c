"""Signing in to the console: the refusal's sentence beside the form, the password never left behind."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.services.accounts import WRONG_CREDENTIALS, LoginRefused
from kiosk.ui.console.login_view import refusal_sentence
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


def test_a_throttled_sign_in_says_how_long_to_wait() -> None:
    refused = LoginRefused("That username or password is not right.", retry_after_seconds=3.2)

    assert refusal_sentence(refused).endswith("Try again in 4 seconds.")


def test_sign_out_leaves_an_empty_form_for_the_next_person(qtbot: QtBot, console: ConsoleWindow) -> None:
    workspace = signed_in(qtbot, console, DESK, "quiet morning tea")

    workspace.header.sign_out_button.click()

    assert console.workspace is None
    assert console.pages.currentWidget() is console.login
    assert console.login.username.text() == ""
