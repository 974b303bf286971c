"""The request form builds the review once as the patient reaches it, not again for Send or on the way out.

Issue 22 (a month of visits in an hour or two): a visit filled the review four times where the patient saw it once,
as it was shown, as Send was pressed, as the answer came back and as the form was left, each time making and styling
its widgets anew (most of a visit's cost in the form). The patient sees the same review either way, which is the
point, so these tests count the answer blocks Qt sees added to the review (an event filter on the real page, nothing
stood in for) beside what the review reads back.
"""

from __future__ import annotations

import gc

from pytestqt.qtbot import QtBot

from kiosk.qt import QEvent, QLabel, QObject, QWidget

from kiosk.services.navigation import Screen
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import (
    MARIA,
    agree_to_contact,
    choose,
    click,
    fill_person,
    next_step,
    send,
    start,
)


class BlocksAdded(QObject):
    """Counts the widgets put into the review page (its answer blocks) while it lives."""

    def __init__(self, review: QWidget) -> None:
        super().__init__()
        self.count = 0
        review.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ChildAdded:
            self.count += 1
        return False


def read_back(window: KioskWindow, key: str) -> str:
    # The one in sight: a block rebuilt leaves the old one hidden until deleteLater() runs.
    shown = [label for label in window.form.review.findChildren(QLabel, f"answer-{key}") if label.isVisible()]
    assert len(shown) == 1, f"no answer {key} on the review"
    return shown[0].text()


def change_button(window: KioskWindow, step: str) -> QWidget:
    shown = [button for button in window.form.review.change_buttons if button.objectName() == f"change-{step}"]
    assert len(shown) == 1 and shown[0].isVisible(), f"no Change for {step} on the review"
    return shown[0]


def to_review(qtbot: QtBot, window: KioskWindow) -> BlocksAdded:
    """An appointment answered up to its review, the review's blocks counted from the start."""
    start(qtbot, window, "appointment")
    blocks = BlocksAdded(window.form.review)
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)
    fill_person(qtbot, window, MARIA)
    assert window.form.draft is not None and window.form.draft.on_review
    return blocks


def test_a_whole_visit_builds_the_review_once(qtbot: QtBot, window: KioskWindow) -> None:
    blocks = to_review(qtbot, window)
    once = blocks.count
    assert once == 3  # one block a step read back: the reason, the person, how to reach them
    assert read_back(window, "first_name") == "María José"
    agree_to_contact(qtbot, window)
    review = window.form.review
    shown = list(review.change_buttons)

    send(qtbot, window)  # "Sending…", then the answer from the worker, then the confirmation
    assert window.navigator.current.screen == Screen.CONFIRMATION
    assert blocks.count == once  # was 4 builds: Send and the answer coming back each rebuilt it, and leaving again
    assert all(button is kept for button, kept in zip(review.change_buttons, shown, strict=True))


def test_change_and_back_rebuilds_the_review_only_when_an_answer_changed(qtbot: QtBot, window: KioskWindow) -> None:
    blocks = to_review(qtbot, window)
    once = blocks.count
    was = read_back(window, "patient_status")

    click(qtbot, change_button(window, "reason"))  # Change, then Next back to the review
    for _ in range(3):
        next_step(qtbot, window)
    assert window.form.draft is not None and window.form.draft.on_review
    assert blocks.count == once  # nothing changed: the same review
    assert read_back(window, "patient_status") == was

    click(qtbot, change_button(window, "reason"))
    choose(qtbot, window, "patient_status", "existing")
    for _ in range(3):
        next_step(qtbot, window)
    assert window.form.draft.on_review
    assert read_back(window, "patient_status") != was  # the new answer is what the review reads back
    assert blocks.count == 2 * once


def test_the_review_reads_back_in_the_language_chosen_on_it(qtbot: QtBot, window: KioskWindow) -> None:
    to_review(qtbot, window)
    window.texts.set_language("es")
    assert change_button(window, "reason").accessibleName() == "Cambiar: Sobre su cita"
    assert read_back(window, "patient_status") == "No, soy paciente nuevo"


def held_by_python(words: str) -> list[str]:
    """Python containers (tuples, lists, dicts) still holding `words` after a collection: where a patient's answer
    would outlive their visit in the kiosk's memory."""
    gc.collect()
    found = []
    for held in gc.get_objects():
        if isinstance(held, tuple | list | dict):
            values = list(held.values() if isinstance(held, dict) else held)  # a copy: a dict may change meanwhile
            if any(isinstance(value, str) and words in value for value in values):
                found.append(f"{type(held).__name__} {held!r}"[:120])
    return found


def test_what_the_review_kept_to_compare_goes_with_the_visit(qtbot: QtBot, window: KioskWindow) -> None:
    to_review(qtbot, window)
    agree_to_contact(qtbot, window)
    send(qtbot, window)
    click(qtbot, window.confirmation.done_button)
    for _ in range(3):
        qtbot.wait(1)  # deleteLater() runs
    assert held_by_python("María José") == []  # the review's read-back stayed until the next patient's form before
