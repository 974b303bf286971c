"""How a form's steps feel: how many there are, where the patient is, what a chosen answer looks like, and a step of
one choice that goes on by itself after a tap (and never while arrowing along the answers)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QLabel, QLineEdit, Qt

from kiosk.domain.requests import PatientStatus, RequestKind
from kiosk.services.navigation import Screen
from kiosk.services.request_form import REVIEW, FieldKind, FieldSpec, Option, StepSpec
from kiosk.ui.forms.fields import BOX_MARKS, RADIO_MARKS
from kiosk.ui.presentation import Look, TextSize
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import choose, click, fill_follow_up_to_warning_signs, start
from tests.ui.conftest import MakeWindow
from tests.ui.helpers import really_visible

# Been here before, as the only question of a step: the kind of step that goes on by itself.
ONE_CHOICE = StepSpec(
    "status",
    "steps.start",
    (
        FieldSpec(
            "patient_status",
            FieldKind.CHOICE,
            "fields.patient_status",
            tuple(Option(str(status), f"options.{status}") for status in PatientStatus),
        ),
    ),
)
NAME = StepSpec("name", "steps.name", (FieldSpec("first_name", FieldKind.TEXT, "fields.first_name"),))


def option(window: KioskWindow, name: str) -> TouchButton:
    button = window.form.findChild(TouchButton, name)
    assert button is not None and really_visible(button), name
    return button


def test_the_forms_have_fewer_steps_than_before(qtbot: QtBot, window: KioskWindow) -> None:
    start(qtbot, window, "appointment")
    assert window.form.draft is not None
    assert len(window.form.draft.steps) <= 4  # was 7 (issue 19 asks for 5 at most)
    start(qtbot, window, "follow_up")
    assert window.form.draft is not None
    assert len(window.form.draft.steps) <= 6  # was 11 (issue 19 asks for 6 at most)


def test_the_progress_bar_fills_one_segment_per_step_done_and_says_where_in_words(
    qtbot: QtBot, window: KioskWindow
) -> None:
    start(qtbot, window, "appointment")
    form = window.form
    assert form.draft is not None
    count = len(form.draft.steps)
    bar = form.progress_bar
    assert really_visible(bar) and len(bar.segments) == count
    for step in range(count):
        form.go_to_step(step)
        states = [segment.property("state") for segment in bar.segments]
        assert states == ["done"] * step + ["current"] + ["todo"] * (count - step - 1)
        assert form.progress.text() == f"Step {step + 1} of {count}"
        assert bar.accessibleName() == form.progress.text()  # the bar is named by its words
    assert form.progress.property("role") == "field-label"  # bold body type, not the small grey line it was


def test_an_answer_wears_an_empty_mark_until_chosen_then_a_filled_one(qtbot: QtBot, window: KioskWindow) -> None:
    start(qtbot, window, "appointment")
    new, existing = option(window, "option-patient_status-new"), option(window, "option-patient_status-existing")
    assert [b.words()[:3] for b in (new, existing)] == [RADIO_MARKS[False]] * 2
    choose(qtbot, window, "patient_status", "new")
    assert new.isChecked() and new.words().startswith(RADIO_MARKS[True])
    assert existing.words().startswith(RADIO_MARKS[False])
    assert window.form.draft is not None
    window.form.go_to_step(len(window.form.draft.steps) - 1)  # the days that suit, asked with when to call
    monday = option(window, "option-preferred_days-monday")
    assert monday.words().startswith(BOX_MARKS[False])
    choose(qtbot, window, "preferred_days", "monday")
    assert monday.words().startswith(BOX_MARKS[True])
    window.form.go_to_step(0)
    assert new.accessibleName() == "No, I am a new patient"  # the mark is for the eye only
    assert form_next_differs(window)


def form_next_differs(window: KioskWindow) -> bool:
    """Answers are drawn as answers, not as the form's Next: another role, and their words lead with a mark."""
    answer = option(window, "option-patient_status-new")
    return bool(answer.property("role") != window.form.next.property("role"))


def test_a_step_of_one_choice_goes_on_by_itself_after_a_tap_showing_the_choice_first(
    qtbot: QtBot, window: KioskWindow
) -> None:
    window.navigator.home()
    click(qtbot, window.home.choices["appointment"])
    form = window.form
    form.start(RequestKind.APPOINTMENT, [ONE_CHOICE, NAME, REVIEW])
    assert form.draft is not None
    chosen = option(window, "option-patient_status-existing")
    click(qtbot, chosen)
    # Shown chosen (filled, with its mark) while the step waits a moment, then the next step.
    assert form.draft.step == 0 and form.moving_on
    assert chosen.isChecked() and chosen.words().startswith(RADIO_MARKS[True])
    qtbot.waitUntil(lambda: form.draft is not None and form.draft.step == 1)
    assert form.step_title.text() == "Your name"
    # Back reaches the step again, with the answer kept; it does not move on again by itself.
    click(qtbot, window.top_bar.back)
    assert form.draft.step == 0 and option(window, "option-patient_status-existing").isChecked()
    assert not form.moving_on


def test_arrowing_along_the_answers_never_moves_the_step_on_but_enter_does(qtbot: QtBot, window: KioskWindow) -> None:
    window.navigator.home()
    click(qtbot, window.home.choices["appointment"])
    form = window.form
    form.start(RequestKind.APPOINTMENT, [ONE_CHOICE, NAME, REVIEW])
    assert form.draft is not None
    window.activateWindow()
    first = option(window, "option-patient_status-new")
    first.setChecked(True)  # answered before (arrows move the choice only in a group that has one)
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_Right)  # a keypad or screen-reader user listening to the answers
    second = option(window, "option-patient_status-existing")
    assert second.isChecked() and second.hasFocus()
    assert not form.moving_on and form.draft.step == 0
    qtbot.keyClick(second, Qt.Key.Key_Return)  # Enter: this one
    assert form.moving_on
    qtbot.waitUntil(lambda: form.draft is not None and form.draft.step == 1)


def test_a_step_with_more_than_one_question_waits_for_next(qtbot: QtBot, window: KioskWindow) -> None:
    start(qtbot, window, "appointment")
    form = window.form
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "si-joint-injection")
    assert not form.moving_on
    assert form.draft is not None and form.draft.step == 0


def test_while_typing_the_steps_choices_show_what_is_chosen_and_a_tap_brings_the_answers_back(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window((1280, 800))  # beside the keyboard, at the largest text, the step would scroll
    window.presentation.apply(Look(TextSize.EXTRA_LARGE))
    start(qtbot, window, "appointment")
    choose(qtbot, window, "reason", "other")
    form = window.form
    box = form.findChild(QLineEdit, "field-reason_other")
    assert box is not None
    click(qtbot, box)  # the keyboard opens for "tell us in a few words"
    assert form.keyboard.isVisible()
    reason = form.findChild(TouchButton, "chosen-reason")
    status = form.findChild(TouchButton, "chosen-patient_status")
    assert reason is not None and really_visible(reason) and reason.words() == RADIO_MARKS[True] + "Something else"
    assert status is not None and really_visible(status) and status.words() == "Not answered"
    other = form.findChild(TouchButton, "option-reason-other")
    assert other is not None and not other.isVisible()  # the answers wait, one line each
    assert form.notice is not None and not form.notice.isVisible()  # read as the step opened; back with the answers
    click(qtbot, status)
    assert not form.keyboard.isVisible()
    assert really_visible(option(window, "option-patient_status-new")) and form.notice.isVisible()


def test_a_clinic_with_one_procedure_has_it_chosen_and_leaving_untouched_asks_nothing(
    qtbot: QtBot, window: KioskWindow
) -> None:
    start(qtbot, window, "follow_up")
    only = option(window, "option-procedure-si-joint-injection")
    assert only.isChecked() and only.words().startswith(RADIO_MARKS[True])
    click(qtbot, window.top_bar.home)  # nothing the patient answered would be lost
    assert not window.leave_prompt.isVisible()
    assert window.navigator.current.screen is Screen.HOME


def test_while_typing_a_step_that_fits_keeps_its_answers_shown(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window((1080, 1920))  # upright, the keyboard under the step leaves room for all of it
    start(qtbot, window, "appointment")
    choose(qtbot, window, "reason", "other")
    box = window.form.findChild(QLineEdit, "field-reason_other")
    assert box is not None
    click(qtbot, box)
    assert window.form.keyboard.isVisible()
    assert really_visible(option(window, "option-patient_status-new"))
    assert window.form.notice is not None and window.form.notice.isVisible()


def test_the_warning_signs_are_a_checklist_with_an_exclusive_none_of_these_and_nothing_chosen_for_the_patient(
    qtbot: QtBot, window: KioskWindow
) -> None:
    fill_follow_up_to_warning_signs(qtbot, window)
    form = window.form
    assert form.draft is not None and form.draft.current.id == "warning_signs"
    signs = ["bladder_or_bowel_changes", "leg_weakness_or_numbness", "fever", "site_redness_or_swelling", "none"]
    boxes = [option(window, f"option-warning_signs-{sign}") for sign in signs]
    assert [box.isChecked() for box in boxes] == [False] * 5  # most serious first, nothing chosen for the patient
    assert all(box.label.text().startswith(BOX_MARKS[0]) for box in boxes)

    click(qtbot, form.next)  # nothing tapped: the step waits, and says what to do under its question
    error = next(field.error for field in form.fields[form.draft.step] if field.spec.key == "warning_signs")
    assert form.draft.current.id == "warning_signs" and error.isVisible()
    assert window.texts.t("errors.red_flag_unanswered") in error.text()

    choose(qtbot, window, "warning_signs", "fever")
    choose(qtbot, window, "warning_signs", "none")  # "None of these" clears the sign tapped before it
    assert [box.isChecked() for box in boxes] == [False, False, False, False, True]
    choose(qtbot, window, "warning_signs", "leg_weakness_or_numbness")  # and a sign clears "None of these"
    assert [box.isChecked() for box in boxes] == [False, True, False, False, False]
    assert boxes[1].label.text().startswith(BOX_MARKS[1])
    click(qtbot, form.next)
    # Each sign keeps its own yes/no answer, as when each was a question of its own.
    answers = form.draft.answers
    assert answers["red_flag_leg_weakness_or_numbness"] == "yes"
    assert {answers[f"red_flag_{sign}"] for sign in signs[:4] if sign != "leg_weakness_or_numbness"} == {"no"}
    assert form.draft.on_review
    read_back = form.review.findChild(QLabel, "answer-warning_signs")
    assert read_back is not None and read_back.text() == window.texts.t("fields.red_flag_leg_weakness_or_numbness")
