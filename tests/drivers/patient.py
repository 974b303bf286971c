"""A patient at the kiosk, by touch: tap a field, type on the on-screen keyboard that opens, choose, go on, send.

One driver for every test that walks a form, so a change to a step's questions is made here once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from pytestqt.qtbot import QtBot

from kiosk.qt import QAbstractButton, Qt, QWidget

from kiosk.storage.database import BUSY_TIMEOUT_MS
from kiosk.ui.window import KioskWindow
from tests.ui.helpers import really_visible
from tests.ui.test_keyboard import tap_text

SEND_TIMEOUT_MS = BUSY_TIMEOUT_MS + 10_000  # longer than the database's busy timeout


@dataclass(frozen=True)
class Person:
    """What a patient types about themselves, as typed (the form capitalises names)."""

    first_name: str = "maría josé"
    last_name: str = "peña"
    birth: tuple[str, str, str] = ("3", "14", "1961")  # month, day, year as typed
    phone: str = "5042610199"  # digits on the phone keypad; the form writes the number out
    email: str | None = None
    contact_method: str = "phone_call"


MARIA = Person()


def procedure_done(today: dt.date | None = None) -> dt.date:
    """A procedure date the form accepts whatever the day the tests run: a month ago (not in the future, and
    within the two years the form allows), so no test ages into a 'too old' error."""
    return (today or dt.date.today()) - dt.timedelta(days=30)


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_into(qtbot: QtBot, window: KioskWindow, key: str, text: str) -> None:
    """Touch the field, then type only on the on-screen keyboard that opens under it."""
    editor = window.form.findChild(QWidget, f"field-{key}")
    assert editor is not None and really_visible(editor), f"no visible field {key}"
    click(qtbot, editor)
    assert window.form.keyboard.isVisible()
    for letter in text:
        _tap_letter(qtbot, window, letter)


# The keys that show the accent picker ("áñü"): on the letters and Spanish pages, and on the Vietnamese page.
_PICKER_KEYS = ("key-more_letters", "key-other_letters")


def _tap_letter(qtbot: QtBot, window: KioskWindow, letter: str) -> None:
    """Tap the letter's key; one not in sight (an accent on an English screen) through the picker, as a patient does
    (the picker goes back to the letters after one letter)."""
    keyboard = window.form.keyboard
    name = "key-space" if letter == " " else f"key-{letter.lower()}"
    if not any(really_visible(button) for button in keyboard.findChildren(QWidget, name)):
        picker = next(
            (b for key in _PICKER_KEYS for b in keyboard.findChildren(QWidget, key) if really_visible(b)), None
        )
        assert picker is not None, f"no key for {letter!r} and no accent picker in sight"
        click(qtbot, picker)
    tap_text(qtbot, keyboard, letter)


def choose(qtbot: QtBot, window: KioskWindow, key: str, value: str) -> None:
    button = window.form.findChild(QAbstractButton, f"option-{key}-{value}" if value else f"option-{key}")
    assert button is not None and really_visible(button), f"no visible choice {key}={value}"
    click(qtbot, button)


def close_keyboard(qtbot: QtBot, window: KioskWindow) -> None:
    """Tap the keyboard's move-on key on the last box (Done): the keyboard goes, and the step shows whole."""
    keyboard = window.form.keyboard
    key = next(
        b for name in ("key-next", "key-done") for b in keyboard.findChildren(QWidget, name) if really_visible(b)
    )
    click(qtbot, key)
    assert not keyboard.isVisible()


def next_step(qtbot: QtBot, window: KioskWindow) -> None:
    click(qtbot, window.form.next)


def send(qtbot: QtBot, window: KioskWindow, button: QWidget | None = None) -> None:
    """Tap Send (or Try again) and wait until the worker's answer came back: a confirmation or a failure."""
    click(qtbot, button or window.form.next)
    qtbot.waitUntil(lambda: not window.form.sending, timeout=SEND_TIMEOUT_MS)


def start(qtbot: QtBot, window: KioskWindow, choice: str) -> None:
    window.navigator.home()
    click(qtbot, window.home.choices[choice])


def fill_person(qtbot: QtBot, window: KioskWindow, person: Person = MARIA) -> None:
    """Name and date of birth (one step), phone and e-mail: the steps of boxes both forms share."""
    type_into(qtbot, window, "first_name", person.first_name)
    type_into(qtbot, window, "last_name", person.last_name)
    month, day, year = person.birth
    type_into(qtbot, window, "dob_month", month)
    type_into(qtbot, window, "dob_day", day)
    type_into(qtbot, window, "dob_year", year)
    next_step(qtbot, window)
    type_into(qtbot, window, "phone", person.phone)
    if person.email is not None:
        type_into(qtbot, window, "email", person.email)
    next_step(qtbot, window)


def agree_to_contact(qtbot: QtBot, window: KioskWindow, person: Person = MARIA) -> None:
    """On the review, over Send: how and when to be contacted, and the consent (texts need their own)."""
    draft = window.form.draft
    assert draft is not None and draft.on_review, "the contact questions are asked on the review"
    choose(qtbot, window, "contact_method", person.contact_method)
    choose(qtbot, window, "contact_times", "morning")
    choose(qtbot, window, "consent_contact", "")
    if person.contact_method == "text_message":
        choose(qtbot, window, "consent_texts", "")


def fill_follow_up_to_warning_signs(
    qtbot: QtBot, window: KioskWindow, person: Callable[[QtBot, KioskWindow], None] | None = None
) -> None:
    """The follow-up's steps before its warning signs: procedure and date, the person, pain and relief."""
    start(qtbot, window, "follow_up")
    choose(qtbot, window, "procedure", "si-joint-injection")
    done = procedure_done()
    type_into(qtbot, window, "procedure_month", str(done.month))
    type_into(qtbot, window, "procedure_day", str(done.day))
    type_into(qtbot, window, "procedure_year", str(done.year))
    next_step(qtbot, window)
    (person or fill_person)(qtbot, window)
    choose(qtbot, window, "pain_before", "8")
    choose(qtbot, window, "pain_now", "3")
    choose(qtbot, window, "peg_enjoyment", "4")
    choose(qtbot, window, "peg_activity", "5")
    choose(qtbot, window, "relief_percent", "60")
    choose(qtbot, window, "relief_duration", "weeks")
    choose(qtbot, window, "relief_within_hours", "yes")
    next_step(qtbot, window)


def answer_warning_signs(
    qtbot: QtBot, window: KioskWindow, yes: frozenset[str] = frozenset(), concerns: str = ""
) -> None:
    """On the warning-sign checklist, tap each sign whose answer key is in `yes` (red_flag_fever, ...), or
    "None of these" when `yes` is empty; type the optional note under it, if any; then go on to the review."""
    draft = window.form.draft
    assert draft is not None and draft.current.id == "warning_signs"
    for key in sorted(yes):
        choose(qtbot, window, "warning_signs", key.removeprefix("red_flag_"))
    if not yes:
        choose(qtbot, window, "warning_signs", "none")
    if concerns:
        type_into(qtbot, window, "concerns", concerns)
    next_step(qtbot, window)


def fill_follow_up_wishes(qtbot: QtBot, window: KioskWindow, wish: str = "question", person: Person = MARIA) -> None:
    """On the follow-up's review: what the patient wishes next, then how to be contacted."""
    choose(qtbot, window, "next_steps", wish)
    agree_to_contact(qtbot, window, person)


def fill_appointment_to_review(qtbot: QtBot, window: KioskWindow, person: Person = MARIA) -> None:
    """Every step answered; on the review, with how to be contacted chosen and agreed: ready to send."""
    start(qtbot, window, "appointment")
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)
    fill_person(qtbot, window, person)
    agree_to_contact(qtbot, window, person)
