"""Every patient screen and form step, brought up one after another, and what a person (or a screen reader) gets
from each: the words shown, the controls with their accessible names and roles.

Used by the screen-reader and the untranslated-text tests, in every language the kiosk has strings for.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import (
    QAbstractButton,
    QAbstractScrollArea,
    QAccessible,
    QCoreApplication,
    QEvent,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    Qt,
    QTextBrowser,
    QWidget,
)

from kiosk.domain.reference import format_reference
from kiosk.i18n.strings import available_languages
from kiosk.services.navigation import Route, Screen
from kiosk.services.opening_hours import NextOpening, OpensWhen
from kiosk.services.startup import KioskContext, load_context
from kiosk.ui.forms.fields import BOX_MARKS, RADIO_MARKS
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import (
    answer_warning_signs,
    choose,
    fill_appointment_to_review,
    fill_follow_up_to_warning_signs,
    fill_follow_up_wishes,
    send,
)
from tests.ui.conftest import MakeWindow
from tests.ui.helpers import really_visible, widget_path

LANGUAGES = available_languages()  # vi joins as soon as resources/strings/vi.toml exists
Role = QAccessible.Role
# Words spelled the same as in English in a language, and right there.
SAME_WORDS = {"es": ("No",)}
# A UI string key left on screen ("form.next"): lower-case words joined by dots, no spaces.
STRING_KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


def all_languages_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KioskContext]:
    """The demo settings with every language that has strings enabled, and a real database."""
    settings = tmp_path / "kiosk.toml"
    enabled = ", ".join(f'"{code}"' for code in LANGUAGES)
    settings.write_text(f'[languages]\ndefault = "en"\nenabled = [{enabled}]\n', encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(settings))
    built = load_context(None, open_database=True, kiosk=True)  # a first start makes the database, as `kiosk run`
    yield built
    built.close()


def active_window(qtbot: QtBot, make_window: MakeWindow) -> KioskWindow:
    """A kiosk window with the keyboard focus, as on the kiosk (a text box opens the on-screen keyboard)."""
    window = make_window()
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


# -- the screens ------------------------------------------------------------------------------------------------
# Each scene brings the window (in English) to one state after another and yields a name for each.
Scene = Callable[[QtBot, KioskWindow], Iterator[str]]


def _attract(qtbot: QtBot, window: KioskWindow) -> Iterator[str]:
    window.reset_for_next_patient()
    yield "attract"


def _home_and_procedures(qtbot: QtBot, window: KioskWindow) -> Iterator[str]:
    window.go(Route(Screen.HOME))
    yield "home"
    window.go(Route(Screen.PROCEDURES))
    yield "procedures"


def _pages(qtbot: QtBot, window: KioskWindow) -> Iterator[str]:
    window.go(Route(Screen.HOME))
    for screen, page_id in ((Screen.PROCEDURE, "si-joint-injection"), (Screen.CONDITION, "sacroiliitis")):
        window.go(Route(screen, page_id))
        page = window.info_page.page
        assert page is not None
        for section in range(len(page.sections)):
            window.go(Route(screen, page_id, section))
            yield f"{page_id} section {section + 1}"


def _form_steps(screen: Screen) -> Scene:
    def steps(qtbot: QtBot, window: KioskWindow) -> Iterator[str]:
        window.go(Route(Screen.HOME))
        window.go(Route(screen))
        form = window.form
        assert form.draft is not None
        for index, step in enumerate(form.draft.steps):
            form.go_to_step(index)
            if step.id == "reason":
                choose(qtbot, window, "reason", "other")  # "tell us in a few words" shows
            if index == 0:
                form.step_forward()  # nothing answered: the error lines show, in words
            yield f"{screen.value} step {index + 1} ({step.id})"

    return steps


def _appointment_sent(qtbot: QtBot, window: KioskWindow) -> Iterator[str]:
    fill_appointment_to_review(qtbot, window)
    yield "appointment review"
    send(qtbot, window)
    assert window.navigator.current.screen == Screen.CONFIRMATION
    yield "confirmation"


def _follow_up_sent(qtbot: QtBot, window: KioskWindow) -> Iterator[str]:
    fill_follow_up_to_warning_signs(qtbot, window)
    answer_warning_signs(qtbot, window, yes=frozenset({"red_flag_fever"}), concerns="a little sore")
    fill_follow_up_wishes(qtbot, window)
    yield "follow-up review"
    send(qtbot, window)
    assert window.confirmation.band.isVisible()
    yield "urgent confirmation"


def _notices(qtbot: QtBot, window: KioskWindow) -> Iterator[str]:
    window.go(Route(Screen.HOME))
    window.go(Route(Screen.APPOINTMENT))
    window.idle_warning.show_countdown(30)
    yield "idle warning"
    window.idle_warning.hide()
    window.set_out_of_service("a test: the database is gone")
    window.go(Route(Screen.HOME))
    window.go(Route(Screen.APPOINTMENT))
    yield "out of service"
    window.reset_for_next_patient()
    tomorrow = dt.datetime.combine(dt.date.today() + dt.timedelta(days=1), dt.time(8, 30))
    window.set_clinic_closed(True, NextOpening(tomorrow, OpensWhen.TOMORROW))
    yield "closed"
    window.set_clinic_closed(False)
    window.show_crash_screen()
    yield "crash"


SCENES: dict[str, Scene] = {
    "attract": _attract,
    "home-and-procedures": _home_and_procedures,
    "pages": _pages,
    "appointment-steps": _form_steps(Screen.APPOINTMENT),
    "follow-up-steps": _form_steps(Screen.FOLLOW_UP),
    "appointment-sent": _appointment_sent,
    "follow-up-sent": _follow_up_sent,
    "notices": _notices,
}


def settle() -> None:
    """Let widgets a language switch replaced go, so the ones left keep their places (and paths)."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


# -- what a person and a screen reader get ---------------------------------------------------------------------------
def controls(window: KioskWindow) -> list[QWidget]:
    """Everything on screen a keypad can focus: buttons, text boxes, the text areas, the screen itself."""
    return [
        widget
        for widget in window.findChildren(QWidget)
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus and really_visible(widget)
    ]


def expected_roles(widget: QWidget) -> set[QAccessible.Role]:
    """What a screen reader should call each kind of control."""
    if isinstance(widget, QAbstractButton):
        if not widget.isCheckable():
            return {Role.Button}
        group = widget.group()
        return {Role.RadioButton} if group is not None and group.exclusive() else {Role.CheckBox}
    if isinstance(widget, QLineEdit | QPlainTextEdit) and not widget.isReadOnly():
        return {Role.EditableText}
    if isinstance(widget, QTextBrowser):
        return {Role.StaticText, Role.Document}
    if isinstance(widget, QScrollBar):
        return {Role.ScrollBar}
    if isinstance(widget, QAbstractScrollArea | KioskScreen):
        return {Role.Client, Role.Pane}
    raise AssertionError(f"no expected role for {type(widget).__name__} {widget.objectName()}: add it here")


def role_of(widget: QWidget) -> QAccessible.Role:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None, f"{widget.objectName()} has no accessible interface"
    return interface.role()


def shown_texts(window: KioskWindow) -> dict[str, str]:
    """Every text a patient sees or hears on the screen, keyed by where it is (the same key in every language)."""
    found: dict[str, str] = {}
    for widget in window.findChildren(QWidget):
        if not really_visible(widget):
            continue
        path = widget_path(widget)
        pieces = {"name": widget.accessibleName(), "description": widget.accessibleDescription()}
        if isinstance(widget, QLabel):
            pieces["text"] = widget.text()
        if isinstance(widget, QLineEdit):
            pieces["placeholder"] = widget.placeholderText()
        if isinstance(widget, QPlainTextEdit):
            pieces["placeholder"] = widget.placeholderText()
        if isinstance(widget, QTextBrowser):
            pieces["text"] = widget.toPlainText()
        for kind, text in pieces.items():
            if text.strip():
                found[f"{path}#{kind}"] = text
    return found


def typed_answers(window: KioskWindow) -> set[str]:
    """What the patient typed: it reads back the same in any language."""
    typed: set[str] = set()
    # The form keeps the steps not shown out of the window (their boxes, with what was typed, wait there).
    pages = [window, *window.form.step_views] if window._form is not None else [window]
    for holder in pages:
        for edit in holder.findChildren(QLineEdit):
            typed.add(edit.text())
        for box in holder.findChildren(QPlainTextEdit):
            typed.add(box.toPlainText())
    return {text.strip() for text in typed if text.strip()}


def same_in_every_language(window: KioskWindow) -> set[str]:
    """Words that are rightly the same in every language: names, numbers, the code, what the patient typed."""
    context = window.context
    strings = window.texts.strings
    same = {
        context.settings.clinic.name,
        context.settings.clinic.phone,
        "911",
        *SAME_WORDS.get(window.texts.language, ()),
    }
    same |= {strings.language_name(code) for code in window.texts.languages}
    receipt = window.confirmation.receipt if window._confirmation is not None else None
    if receipt is not None:
        same.add(format_reference(receipt.reference))
    same |= typed_answers(window)
    # An answer's words after its mark ("○  No" in Spanish too): the mark is no word to translate.
    return same | {mark + word for word in same for mark in (*RADIO_MARKS, *BOX_MARKS)}


def has_words(text: str) -> bool:
    """Letters to translate (a text of digits, signs and a phone number has none)."""
    return any(char.isalpha() for char in text)
