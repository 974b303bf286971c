"""A keypad user goes through the whole patient flow with Tab, Shift+Tab, arrows, Enter and Space only.

Every key goes to the widget that has the focus (QApplication.focusWidget()), as a real key does; nothing
is clicked or called directly. The walk ends with requests stored in the test's real database.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QAbstractButton, QApplication, QEvent, QKeyEvent, QLineEdit, Qt, QWidget

from kiosk.domain.reference import format_reference
from kiosk.domain.requests import AppointmentRequest, FollowUpRequest, RedFlag
from kiosk.services.navigation import ATTRACT, Route, Screen
from kiosk.services.requests import load_request
from kiosk.services.startup import KioskContext
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import SEND_TIMEOUT_MS, procedure_done
from tests.ui.conftest import MakeWindow
from tests.ui.helpers import really_visible
from tests.ui.patient_screens import active_window

Key = Qt.Key
MAX_PRESSES = 60  # more Tabs than any screen has stops: a target not reached by then is not reachable


# -- pressing keys on whatever has the focus ----------------------------------------------------------------------
def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "the focus landed nowhere"
    return widget


def name_of(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def press(qtbot: QtBot, key: Key, shift: bool = False) -> None:
    modifier = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(focused(), key, modifier)


def type_keys(qtbot: QtBot, text: str) -> None:
    for char in text:
        if char.isascii():
            qtbot.keyClick(focused(), char)
        else:  # QTest types ASCII only; a Spanish keyboard's ñ arrives as a key event carrying its text
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(focused(), QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def tab_to(qtbot: QtBot, target: QWidget, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus, as a keypad user looking for it does."""
    assert really_visible(target), f"{name_of(target)} is not on screen"
    passed: list[str] = []
    for _ in range(MAX_PRESSES):
        if focused() is target:
            return
        press(qtbot, Key.Key_Tab, shift=backwards)
        passed.append(name_of(focused()))
    raise AssertionError(f"Tab never reaches {name_of(target)}; it goes through {passed}")


def arrow_to(qtbot: QtBot, target: QWidget) -> None:
    """Move inside a group of options with the arrow key that points at `target`, as the eye guides the hand."""
    for _ in range(MAX_PRESSES):
        current = focused()
        if current is target:
            return
        here = current.mapTo(current.window(), current.rect().center())
        there = target.mapTo(target.window(), target.rect().center())
        if abs(there.y() - here.y()) > current.height() // 2:
            key = Key.Key_Down if there.y() > here.y() else Key.Key_Up
        else:
            key = Key.Key_Right if there.x() > here.x() else Key.Key_Left
        press(qtbot, key)
        assert focused() is not current, f"{key.name} does not move on from {name_of(current)}"
    raise AssertionError(f"the arrow keys never reach {name_of(target)}")


def find(window: KioskWindow, name: str) -> QWidget:
    widget = window.findChild(QWidget, name)
    assert widget is not None and really_visible(widget), f"no visible {name}"
    return widget


def activate(qtbot: QtBot, target: QWidget, key: Key = Key.Key_Return) -> None:
    tab_to(qtbot, target)
    press(qtbot, key)


def choose(qtbot: QtBot, window: KioskWindow, key: str, value: str) -> None:
    """Tab into the question's options, arrow to the answer, Space to choose it."""
    option = find(window, f"option-{key}-{value}" if value else f"option-{key}")
    assert isinstance(option, QAbstractButton)
    question = option.parentWidget()
    assert question is not None
    options = [b for b in question.findChildren(QAbstractButton) if b.isVisible()]
    # Tab reaches the question (one stop for a radio group, each box for many answers); arrows do the rest.
    for _ in range(MAX_PRESSES):
        if focused() in options:
            break
        press(qtbot, Key.Key_Tab)
    else:
        raise AssertionError(f"Tab never reaches the options of {key}")
    arrow_to(qtbot, option)
    if not option.isChecked():
        press(qtbot, Key.Key_Space)
    assert option.isChecked(), f"Space did not choose {name_of(option)}"


def answer_text(qtbot: QtBot, window: KioskWindow, key: str, text: str) -> None:
    tab_to(qtbot, find(window, f"field-{key}"))
    assert window.form.keyboard.isVisible()  # the on-screen keyboard opens under it, and leaves the focus alone
    type_keys(qtbot, text)
    assert focused() is find(window, f"field-{key}")


def next_step(qtbot: QtBot, window: KioskWindow) -> None:
    assert window.form.draft is not None
    step = window.form.draft.step
    activate(qtbot, window.form.next)
    assert window.form.draft.step == step + 1, f"Next did not move on: {window.form.fields[step]}"
    # The new step starts at the form itself (a screen reader says the step), one Tab before the questions.
    assert focused() is window.form
    assert window.form.step_title.text() in window.form.accessibleName()


def send(qtbot: QtBot, window: KioskWindow) -> None:
    assert window.form.draft is not None and window.form.draft.on_review
    activate(qtbot, window.form.next)  # "Send my request"
    qtbot.waitUntil(lambda: not window.form.sending, timeout=SEND_TIMEOUT_MS)


def arrived(window: KioskWindow, screen: Screen) -> None:
    assert window.navigator.current.screen == screen
    assert focused() is window.current_screen, f"on {screen}, the focus is on {name_of(focused())}"
    assert window.current_screen.accessibleName()


def fill_person(qtbot: QtBot, window: KioskWindow) -> None:
    answer_text(qtbot, window, "first_name", "Ana")
    answer_text(qtbot, window, "last_name", "Peña")
    answer_text(qtbot, window, "dob_month", "3")  # US English writes the month first, and Tab follows
    answer_text(qtbot, window, "dob_day", "14")
    answer_text(qtbot, window, "dob_year", "1961")
    next_step(qtbot, window)
    answer_text(qtbot, window, "phone", "5042610199")
    next_step(qtbot, window)


def agree_to_contact(qtbot: QtBot, window: KioskWindow) -> None:
    """On the review, above the answers read back: how and when to be contacted, and the consent."""
    choose(qtbot, window, "contact_method", "text_message")
    choose(qtbot, window, "contact_times", "afternoon")
    choose(qtbot, window, "consent_contact", "")
    choose(qtbot, window, "consent_texts", "")  # texts were chosen as the way to reach this patient


@pytest.fixture
def keypad_window(qtbot: QtBot, make_window: MakeWindow) -> KioskWindow:
    return active_window(qtbot, make_window)


# -- the walk -----------------------------------------------------------------------------------------------------
def test_a_keypad_user_reads_the_si_joint_page_and_sends_both_forms(
    qtbot: QtBot, keypad_window: KioskWindow, context: KioskContext
) -> None:
    window = keypad_window
    assert focused() is window.attract.start_button  # the screen as one button: Enter, Space or Press begins
    press(qtbot, Key.Key_Return)  # the attract loop starts on a key, as on a touch
    arrived(window, Screen.HOME)

    activate(qtbot, window.home.choices["learn"])
    arrived(window, Screen.PROCEDURES)
    activate(qtbot, find(window, "procedure-si-joint-injection"))
    arrived(window, Screen.PROCEDURE)
    page = window.info_page
    assert page.page is not None
    tab_to(qtbot, page.tabs[0])
    for number in range(1, len(page.page.sections)):
        press(qtbot, Key.Key_Down)  # the next section opens, and the keypad stays on the section tabs
        assert page.section_index == number and focused() is page.tabs[number]
        assert page.tabs[number].isChecked()
    press(qtbot, Key.Key_Up)
    assert page.section_index == len(page.page.sections) - 2
    tab_to(qtbot, page.text)  # the text itself scrolls with the arrow keys
    scroll = page.text.verticalScrollBar()
    if scroll.maximum() > 0:
        press(qtbot, Key.Key_PageDown)
        assert scroll.value() > 0
    activate(qtbot, window.top_bar.home)
    arrived(window, Screen.HOME)

    # The appointment form, through to its reference code.
    activate(qtbot, window.home.choices["appointment"])
    arrived(window, Screen.APPOINTMENT)
    choose(qtbot, window, "patient_status", "existing")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)
    fill_person(qtbot, window)
    choose(qtbot, window, "preferred_days", "thursday")  # on the review, with when to call
    agree_to_contact(qtbot, window)
    send(qtbot, window)
    arrived(window, Screen.CONFIRMATION)
    receipt = window.confirmation.receipt
    assert receipt is not None and not receipt.urgent
    assert window.confirmation.code.text() == format_reference(receipt.reference)
    assert context.database is not None
    stored = load_request(context.database, receipt.reference)
    assert isinstance(stored, AppointmentRequest)
    assert (stored.contact.first_name, stored.contact.last_name) == ("Ana", "Peña")
    assert stored.contact.date_of_birth.isoformat() == "1961-03-14"
    assert stored.reason == "si-joint-injection"
    activate(qtbot, window.confirmation.done_button)
    assert window.navigator.current == ATTRACT and focused() is window.attract.start_button

    # The follow-up form: choices, dates, both pain scales, percent relief, warning signs, a few words.
    press(qtbot, Key.Key_Space)
    arrived(window, Screen.HOME)
    activate(qtbot, window.home.choices["follow_up"])
    arrived(window, Screen.FOLLOW_UP)
    choose(qtbot, window, "procedure", "si-joint-injection")
    done = procedure_done()
    answer_text(qtbot, window, "procedure_month", str(done.month))
    answer_text(qtbot, window, "procedure_day", str(done.day))
    answer_text(qtbot, window, "procedure_year", str(done.year))
    next_step(qtbot, window)
    fill_person(qtbot, window)
    choose(qtbot, window, "pain_before", "8")
    choose(qtbot, window, "pain_now", "0")
    choose(qtbot, window, "peg_enjoyment", "1")
    choose(qtbot, window, "peg_activity", "0")
    choose(qtbot, window, "relief_percent", "70")
    choose(qtbot, window, "relief_duration", "weeks")
    choose(qtbot, window, "relief_within_hours", "yes")
    next_step(qtbot, window)
    # The warning signs are one checklist, the most serious first; the note is typed under it.
    choose(qtbot, window, "warning_signs", "leg_weakness_or_numbness")
    answer_text(qtbot, window, "concerns", "sore at night")
    next_step(qtbot, window)
    choose(qtbot, window, "next_steps", "repeat_injection")  # on the review, with how to be contacted
    agree_to_contact(qtbot, window)
    send(qtbot, window)

    arrived(window, Screen.CONFIRMATION)
    screen = window.confirmation
    assert screen.band.isVisible()  # a red-flag answer: "please go to the front desk now"
    assert not screen.done_button.isVisible()  # it stays until staff clear it or its time passes
    receipt = screen.receipt
    assert receipt is not None and receipt.urgent
    assert screen.urgent_code.text() == format_reference(receipt.reference)
    stored = load_request(context.database, receipt.reference)
    assert isinstance(stored, FollowUpRequest)
    assert stored.red_flags == frozenset({RedFlag.LEG_WEAKNESS_OR_NUMBNESS})
    assert (stored.pain_before, stored.pain_now, stored.relief_percent) == (8, 0, 70)
    assert stored.concerns == "sore at night"


def test_enter_on_a_missing_answer_puts_the_keypad_on_that_question(qtbot: QtBot, keypad_window: KioskWindow) -> None:
    window = keypad_window
    press(qtbot, Key.Key_Return)
    activate(qtbot, window.home.choices["appointment"])
    activate(qtbot, window.form.next)
    assert window.form.fields[0][0].error.isVisible()
    assert focused() is find(window, "option-patient_status-new")  # the first choice of the unanswered question


def test_shift_tab_walks_back_through_a_step(qtbot: QtBot, keypad_window: KioskWindow) -> None:
    window = keypad_window
    window.go(Route(Screen.APPOINTMENT))
    window.form.go_to_step(1)
    tab_to(qtbot, window.form.next)
    tab_to(qtbot, find(window, "field-first_name"), backwards=True)
    press(qtbot, Key.Key_Tab, shift=True)
    assert focused() is window.form.questions


def test_the_idle_warning_keeps_the_keypad_and_gives_it_back(qtbot: QtBot, keypad_window: KioskWindow) -> None:
    window = keypad_window
    window.go(Route(Screen.HOME))
    learn = window.home.choices["learn"]
    tab_to(qtbot, learn)
    window.idle_warning.show_countdown(30)
    assert focused() is window.idle_warning.button
    press(qtbot, Key.Key_Tab)  # the page behind is covered: Tab stays on the card
    assert focused() is window.idle_warning.button
    press(qtbot, Key.Key_Return)  # "I need more time"
    assert not window.idle_warning.isVisible()
    assert focused() is learn


def test_the_date_boxes_follow_the_language_order(qtbot: QtBot, keypad_window: KioskWindow) -> None:
    window = keypad_window
    window.go(Route(Screen.APPOINTMENT))
    window.form.go_to_step(1)  # name and date of birth
    window.texts.set_language("es")  # day first in Spanish
    tab_to(qtbot, find(window, "field-dob_day"))
    for box in ("dob_month", "dob_year"):
        press(qtbot, Key.Key_Tab)  # each box's on-screen keyboard is the stop after it
        assert window.form.keyboard.isAncestorOf(focused())
        press(qtbot, Key.Key_Tab)
        assert focused() is find(window, f"field-{box}")
    assert isinstance(focused(), QLineEdit)


# -- Tab order is reading order ----------------------------------------------------------------------------------
def tab_cycle(qtbot: QtBot, window: KioskWindow) -> list[str]:
    """One full round of Tab from the screen, starting at the top bar: the order a keypad user meets things in.

    Only the top bar and the screen count here: bars added around the screen keep their own place.
    """
    screen = window.current_screen

    def counts(widget: QWidget) -> bool:
        return widget is screen or screen.isAncestorOf(widget) or window.top_bar.isAncestorOf(widget)

    start = focused()
    # Whether a stop counts is decided when it is reached: a keyboard page set aside later is no longer on screen.
    ours: list[QWidget] = [start] if counts(start) else []
    for _ in range(MAX_PRESSES):
        press(qtbot, Key.Key_Tab)
        if focused() is start:
            break
        if counts(focused()):
            ours.append(focused())
    else:
        raise AssertionError("Tab never comes back round")
    first_bar = next(i for i, w in enumerate(ours) if window.top_bar.isAncestorOf(w))
    ours = ours[first_bar:] + ours[:first_bar]
    return ["screen" if w is screen else name_of(w) for w in ours]


# The bar's access controls and languages, in reading order: one stop per group, the arrow keys choose within it.
BAR_STOPS = ["text-size-normal", "HighContrast", "language-en"]
NAV_STOPS = ["BackButton", "HomeButton"]


def test_tab_order_on_home_is_reading_order(qtbot: QtBot, keypad_window: KioskWindow) -> None:
    window = keypad_window
    press(qtbot, Key.Key_Return)
    assert tab_cycle(qtbot, window) == [
        *BAR_STOPS,  # home has no Back or Home
        "screen",
        "choice-learn",
        "choice-appointment",
        "choice-follow_up",
    ]


def test_tab_order_on_a_procedure_page_is_reading_order(qtbot: QtBot, keypad_window: KioskWindow) -> None:
    window = keypad_window
    window.go(Route(Screen.HOME))
    window.go(Route(Screen.PROCEDURES))
    window.go(Route(Screen.PROCEDURE, "si-joint-injection"))
    page = window.info_page.page
    assert page is not None
    related = page.related_section_index
    window.go(Route(Screen.PROCEDURE, "si-joint-injection", related))
    buttons = [name_of(b) for b in window.info_page.related_buttons]
    assert buttons
    request = ["RequestAppointment"] if window.info_page.request.isVisible() else []
    # The turn to the next part or section is read after the text and the section's cards, as it ends the section.
    next_section = ["NextSection"] if window.info_page.next_section.isVisible() else []
    assert tab_cycle(qtbot, window) == [
        *NAV_STOPS,
        *BAR_STOPS,
        "screen",
        f"section-{related + 1}",  # the section shown is the one stop of the section tabs
        "PagedText",
        *buttons,
        *next_section,
        *request,
    ]
    window.go(Route(Screen.PROCEDURE, "si-joint-injection", len(page.sections) - 1))
    cycle = tab_cycle(qtbot, window)
    text = cycle.index("PagedText")
    # A long last section turns its parts with NextSection ("Continue reading") before the request.
    assert cycle[text - 1] == f"section-{len(page.sections)}" and cycle[-1] == "RequestAppointment"
    assert set(cycle[text + 1 : -1]) <= {"NextSection"}


def test_tab_order_on_a_form_step_is_reading_order(qtbot: QtBot, keypad_window: KioskWindow) -> None:
    window = keypad_window
    window.go(Route(Screen.HOME))
    window.go(Route(Screen.APPOINTMENT))
    window.form.go_to_step(2)  # phone, email, how to contact
    assert tab_cycle(qtbot, window) == [
        *NAV_STOPS,
        *BAR_STOPS,
        "screen",
        "QScrollArea",
        "field-phone",
        "key-1",  # the on-screen keyboard, one stop after the box it types into (the phone pad's first key)
        "field-email",
        "key-1",  # the email layout's first key
        "NextStep",
    ]
