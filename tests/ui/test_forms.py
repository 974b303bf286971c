"""Patients fill and send both forms through the real widgets and the on-screen keyboard."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from kiosk.qt import QAbstractButton, QApplication, QLabel, QLineEdit, QPoint, QRect, QWidget

from kiosk.domain.reference import format_reference
from kiosk.domain.requests import AppointmentRequest, FollowUpRequest, RedFlag, RequestKind
from kiosk.services.navigation import ATTRACT, Route, Screen
from kiosk.services.requests import load_request
from kiosk.services.startup import KioskContext
from kiosk.ui.forms.fields import (
    ChoiceField,
    ConsentField,
    DateField,
    FieldWidget,
    MultilineField,
    ScaleField,
    SignsField,
    TextField,
)
from kiosk.ui.presentation import Look, TextSize
from kiosk.ui.window import KioskWindow
from tests import encrypted_files
from tests.domain.test_forms import appointment_answers, follow_up_answers
from tests.drivers.patient import (
    agree_to_contact,
    answer_warning_signs,
    choose,
    click,
    fill_appointment_to_review,
    fill_follow_up_to_warning_signs,
    fill_follow_up_wishes,
    fill_person,
    next_step,
    send,
    start,
    type_into,
)
from tests.ui.conftest import MakeWindow
from tests.ui.helpers import patient_text_anywhere, really_visible, text_in

FAST_SECOND_MS = 5


def test_an_appointment_request_is_sent_and_stored_as_typed(
    qtbot: QtBot, window: KioskWindow, context: KioskContext
) -> None:
    start(qtbot, window, "appointment")
    notice = window.form.notice
    assert notice is not None and notice.isVisible()  # the emergency notice comes first
    assert "911" in notice.text()
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)
    fill_person(qtbot, window)
    choose(qtbot, window, "preferred_days", "tuesday")  # on the review, with when to call

    # The review step reads every answer back in words before anything is sent, and asks how to be contacted.
    assert window.form.draft is not None and window.form.draft.on_review
    answers = {label.objectName(): label.text() for label in window.form.findChildren(QLabel)}
    assert answers["answer-first_name"] == "María José"
    assert answers["answer-dob"] == "Tuesday, March 14, 1961"
    assert answers["answer-reason"] == "Sacroiliac (SI) joint injection"
    agree_to_contact(qtbot, window)

    send(qtbot, window)  # Send my request
    assert window.navigator.current.screen == Screen.CONFIRMATION
    receipt = window.confirmation.receipt
    assert receipt is not None and not receipt.urgent
    assert window.confirmation.code.text() == format_reference(receipt.reference)
    # A screen reader says the code, letter by letter, right after the screen's name as the focus arrives.
    spelled = " ".join(format_reference(receipt.reference).replace(" ", ""))
    assert window.confirmation.accessibleName() == "Thank you. We have your request."
    description = window.confirmation.accessibleDescription()
    assert description.startswith(f"Your reference code: {spelled}. ") and "If you talk" in description
    assert window.form.draft is None  # the answers left the screen with the confirmation

    assert context.database is not None
    stored = load_request(context.database, receipt.reference)
    assert isinstance(stored, AppointmentRequest)
    assert (stored.contact.first_name, stored.contact.last_name) == ("María José", "Peña")
    assert stored.contact.phone_e164 == "+15042610199"
    assert stored.contact.date_of_birth.isoformat() == "1961-03-14"
    assert stored.reason == "si-joint-injection"
    assert stored.language == "en"


def test_a_red_flag_follow_up_says_tell_the_desk_now_and_is_urgent(
    qtbot: QtBot, window: KioskWindow, context: KioskContext
) -> None:
    fill_follow_up_to_warning_signs(qtbot, window)
    answer_warning_signs(qtbot, window, yes=frozenset({"red_flag_site_redness_or_swelling"}), concerns="it is warm")
    fill_follow_up_wishes(qtbot, window, "follow_up_visit")
    send(qtbot, window)  # send from the review step

    screen = window.confirmation
    assert window.navigator.current.screen == Screen.CONFIRMATION
    assert screen.instruction.text() == "Please go to the front desk now"
    assert screen.picture.pixmap() is not None and not screen.picture.pixmap().isNull()  # not colour alone
    assert "911" in screen.away.text() and "(504)\u00a0249\u20117576" in screen.away.text()  # kept on one line
    receipt = screen.receipt
    assert receipt is not None and receipt.urgent

    assert context.database is not None
    stored = load_request(context.database, receipt.reference)
    assert isinstance(stored, FollowUpRequest)
    assert stored.urgent
    assert stored.red_flags == frozenset({RedFlag.SITE_REDNESS_OR_SWELLING})
    assert (stored.pain_before, stored.pain_now, stored.relief_percent) == (8, 3, 60)
    assert stored.concerns == "it is warm"


def test_missing_answers_are_explained_beside_the_field_and_nothing_is_lost(qtbot: QtBot, window: KioskWindow) -> None:
    start(qtbot, window, "appointment")
    next_step(qtbot, window)
    error = window.form.fields[0][0].error
    assert error.isVisible() and error.text() == "⚠  Please choose one."
    choose(qtbot, window, "patient_status", "existing")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)
    type_into(qtbot, window, "first_name", "ana")
    next_step(qtbot, window)
    first, last, _birth = window.form.fields[1]
    assert not first.error.isVisible()
    assert last.error.text() == "⚠  Please answer this question."
    assert text_in(first.editors()[0]) == "Ana"  # what was typed stays


def test_switching_language_mid_form_keeps_the_answers(qtbot: QtBot, window: KioskWindow) -> None:
    start(qtbot, window, "appointment")
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)
    type_into(qtbot, window, "first_name", "lan")
    window.texts.set_language("es")
    assert window.form.step_title.text() == "Sobre usted"
    assert window.form.fields[1][0].label.text() == "Nombre"
    assert text_in(window.form.fields[1][0].editors()[0]) == "Lan"
    click(qtbot, window.top_bar.back)  # inside a form, Back is the previous step
    button = window.form.findChild(QAbstractButton, "option-patient_status-new")
    assert button is not None and button.isChecked()
    assert button.accessibleName() == "No, soy paciente nuevo"


def test_opening_a_form_builds_only_its_first_step_and_later_steps_speak_the_language_chosen_since(
    qtbot: QtBot, window: KioskWindow
) -> None:
    start(qtbot, window, "follow_up")
    assert window.form.fields[0]  # the first step's questions
    assert not any(window.form.fields[1:])  # the other steps wait until the patient gets there
    window.texts.set_language("es")
    choose(qtbot, window, "procedure", window.form.fields[0][0].spec.options[0].value)
    window.form.go_to_step(1)
    assert window.form.fields[1][0].label.text() == "Nombre"


def test_idle_on_a_form_wipes_every_answer_and_returns_to_attract(qtbot: QtBot, window: KioskWindow) -> None:
    window.idle.set_second_ms(FAST_SECOND_MS)
    start(qtbot, window, "appointment")
    assert window.idle.timeout_seconds == 90  # forms wait 90 s by default, not 120
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)
    type_into(qtbot, window, "first_name", "zebulon")
    type_into(qtbot, window, "last_name", "quixote")
    with qtbot.wait_signal(window.idle.warning_started, timeout=3_000):
        pass
    assert window.idle_warning.isVisible()
    with qtbot.wait_signal(window.idle.expired, timeout=3_000):
        pass
    qtbot.wait(10)  # let deleted widgets go
    assert window.navigator.current == ATTRACT
    assert window.form.draft is None
    assert patient_text_anywhere(window, "Zebulon") == []
    assert patient_text_anywhere(window, "Quixote") == []
    clipboard = QApplication.clipboard()
    assert clipboard is not None and clipboard.text() == ""


@pytest.mark.slow  # the send waits out the database's whole busy timeout before it fails (about 15 s)
def test_a_failed_save_keeps_the_answers_and_a_retry_sends_once(
    qtbot: QtBot, window: KioskWindow, context: KioskContext
) -> None:
    fill_appointment_to_review(qtbot, window)

    assert context.database is not None
    path = context.database.engine.url.database
    assert path is not None
    blocker = encrypted_files.connect(path, timeout=0)
    blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock past the wait
    try:
        send(qtbot, window)
        assert window.form.failure.isVisible()
        assert window.form.failure_title.text() == "We could not save your request"
        assert window.navigator.current.screen == Screen.APPOINTMENT
        assert window.form.draft is not None and window.form.draft.on_review
    finally:
        blocker.rollback()
        blocker.close()

    send(qtbot, window, window.form.retry)
    assert window.navigator.current.screen == Screen.CONFIRMATION
    receipt = window.confirmation.receipt
    assert receipt is not None
    with context.database.transaction() as session:
        count = session.execute(text("select count(*) from patient_requests")).scalar_one()
    assert count == 1  # the failed try left nothing, the retry stored one row


@pytest.mark.parametrize("choice", ["appointment", "follow_up"])
def test_home_from_a_form_leaves_nothing_behind(qtbot: QtBot, window: KioskWindow, choice: str) -> None:
    start(qtbot, window, choice)
    window.navigator.home()
    assert window.form.draft is None


def test_tell_us_in_a_few_words_appears_only_for_something_else(qtbot: QtBot, window: KioskWindow) -> None:
    start(qtbot, window, "appointment")
    window.form.go_to_step(0)
    other = window.form.findChild(QWidget, "field-reason_other")
    assert other is not None and not really_visible(other)
    choose(qtbot, window, "reason", "other")
    assert really_visible(other)
    choose(qtbot, window, "reason", "si-joint-injection")
    assert not really_visible(other)


def test_the_confirmation_times_out_to_attract_and_forgets_the_code(qtbot: QtBot, window: KioskWindow) -> None:
    window.idle.set_second_ms(FAST_SECOND_MS)
    fill_appointment_to_review(qtbot, window)
    send(qtbot, window)
    receipt = window.confirmation.receipt
    assert receipt is not None
    shown = window.confirmation.code.text()
    with qtbot.wait_signal(window.idle.expired, timeout=3_000):
        pass
    assert window.navigator.current == ATTRACT
    assert window.confirmation.receipt is None
    assert patient_text_anywhere(window, shown) == []
    assert patient_text_anywhere(window, " ".join(shown.replace(" ", ""))) == []  # nor spelled out for a reader
    assert patient_text_anywhere(window, "Peña") == []


# -- an error is never reported for a question out of sight ---------------------------------------------------------
def _good_answers(kind: RequestKind) -> dict[str, object]:
    """Good answers for every step; given for the steps before one, Next there finds only that step's problems."""
    done = dt.date.today() - dt.timedelta(days=30)
    if kind == RequestKind.APPOINTMENT:
        return appointment_answers(reason="si-joint-injection")
    return follow_up_answers(
        procedure="si-joint-injection",
        procedure_day=str(done.day),
        procedure_month=str(done.month),
        procedure_year=str(done.year),
    )


def _answer(field: FieldWidget, answers: dict[str, object]) -> None:
    """Put the answers in the question's own controls, as a patient's taps and typing would."""
    if isinstance(field, DateField):
        for part, box in field.boxes.items():
            box.setText(str(answers[f"{field.spec.key.removesuffix('_date')}_{part}"]))
    elif isinstance(field, TextField):
        field.edit.setText(str(answers[field.spec.key]))
    elif isinstance(field, MultilineField):
        field.edit.setPlainText(str(answers[field.spec.key]))
    elif isinstance(field, ConsentField):
        field.button.setChecked(bool(answers[field.spec.key]))
    elif isinstance(field, ScaleField):
        field.buttons[int(str(answers[field.spec.key]))].setChecked(True)
    elif isinstance(field, SignsField):
        yes = [key.removeprefix("red_flag_") for key in field.spec.answer_keys if answers[key] == "yes"]
        for sign in yes or ["none"]:
            field.buttons[sign].setChecked(True)
    elif isinstance(field, ChoiceField):
        value = answers[field.spec.key]
        for chosen in value if isinstance(value, frozenset) else [value]:
            field.buttons[str(chosen)].setChecked(True)


def _in_sight(window: KioskWindow, part: QWidget) -> bool:
    viewport = window.form.questions.viewport()
    shown = QRect(part.mapTo(window, QPoint(0, 0)), part.size())
    return QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size()).contains(shown)


# The smallest room there is: a small screen or a portrait one at the largest text, and the keyboard open.
ERROR_CASES = {
    "tablet-extra-large": ((1280, 800), Look(TextSize.EXTRA_LARGE), False),
    "portrait-extra-large": ((1080, 1920), Look(TextSize.EXTRA_LARGE), False),
    "portrait-extra-large-low": ((1080, 1920), Look(TextSize.EXTRA_LARGE, low_position=True), False),
    "landscape-keyboard": ((1920, 1080), Look(TextSize.NORMAL), True),
    "landscape-large-keyboard": ((1920, 1080), Look(TextSize.LARGE), True),
}


@pytest.mark.parametrize("case", ERROR_CASES)
def test_next_on_an_empty_step_shows_the_first_problem_whole_and_focused(
    qtbot: QtBot, make_window: MakeWindow, case: str
) -> None:
    size, look, keyboard = ERROR_CASES[case]
    window = make_window(size, language="es")  # Spanish runs longest
    window.presentation.apply(look)
    missed: list[str] = []
    for screen, kind in ((Screen.APPOINTMENT, RequestKind.APPOINTMENT), (Screen.FOLLOW_UP, RequestKind.FOLLOW_UP)):
        window.go(Route(screen))
        form = window.form
        assert form.draft is not None
        for index, step in enumerate(form.draft.steps):
            if not step.fields:
                continue  # the review asks nothing
            form.start(kind)  # a fresh draft: the steps before are answered well, this one is left empty
            for earlier in range(index):
                form.go_to_step(earlier)
                for field in form.fields[earlier]:
                    _answer(field, _good_answers(kind))
            form.go_to_step(index)
            if keyboard:
                form.focus_first_field()
            opened = form.keyboard.isVisible()
            next_step(qtbot, window)
            qtbot.wait(1)
            assert form.draft.step == index, f"{step.id}: Next moved on, or back to step {form.draft.step + 1}"
            first = next(field for field in form.fields[index] if field.error.isVisible())
            label = first.label if first.label.isVisibleTo(first) else first
            where = f"{kind} {step.id}{' (keyboard open)' if opened else ''}"
            if not (_in_sight(window, label) and _in_sight(window, first.error)):
                missed.append(f"{where}: {first.spec.key} or its error is out of sight")
            focused = QApplication.focusWidget()
            if focused is None or not first.isAncestorOf(focused):
                missed.append(f"{where}: the focus is on {focused!r}, not on {first.spec.key}")
    assert missed == [], "\n".join(missed)


def test_an_error_while_typing_shows_beside_the_open_keyboard_with_its_question_and_boxes(
    qtbot: QtBot, window: KioskWindow
) -> None:
    start(qtbot, window, "appointment")
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)
    type_into(qtbot, window, "first_name", "ana")
    type_into(qtbot, window, "last_name", "pérez")
    type_into(qtbot, window, "dob_month", "3")  # the date of birth half typed, the keyboard open
    next_step(qtbot, window)
    qtbot.wait(1)  # as the next frame paints it
    date = window.form.fields[1][2]
    assert date.error.text() == "⚠  Please answer this question."
    # On a landscape screen the keyboard is beside the questions: it stays up, and hides none of them.
    assert window.form.keyboard.isVisible()
    assert _in_sight(window, date.label) and _in_sight(window, date.error)
    keyboard = QRect(window.form.keyboard.mapTo(window, QPoint(0, 0)), window.form.keyboard.size())
    assert not keyboard.intersects(QRect(date.mapTo(window, QPoint(0, 0)), date.size()))
    box = QApplication.focusWidget()
    assert isinstance(box, QLineEdit) and date.isAncestorOf(box)
