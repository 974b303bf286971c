"""What a form step says aloud: its questions, their choices and any error; never the patient's answers."""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.qt import QLabel, QWidget

from kiosk.ui.forms.fields import FieldWidget, ScaleField
from kiosk.ui.forms.review import ReviewPage
from kiosk.ui.speech.words import Special, layout_words, sentences
from kiosk.ui.widgets.keyboard import OnScreenKeyboard


def step_text(form: QWidget) -> str:
    """Title, "Step 2 of 5", the step's title, notice and questions, a save failure, then Next (the bar is silent)."""
    layout = form.layout()
    return sentences(layout_words(layout, form, _SPECIAL)) if layout is not None else ""


def errors_text(fields: Iterable[FieldWidget]) -> str:
    """Each error shown, after the question it is about ("Phone number. Please type ...")."""
    return " ".join(
        sentences([field.label.text(), field.error.text()])
        for field in fields
        if not field.isHidden() and field.error.isVisibleTo(field)
    )


def _keys(_keyboard: QWidget) -> list[str]:
    return []  # forty key names would bury the question; the keyboard has its own accessible names


def _scale(scale: QWidget) -> list[str]:
    # Its two ends in words ("0, no pain", "10, worst pain"), not eleven numbers; never the number chosen.
    assert isinstance(scale, ScaleField)
    words = [scale.label.text(), scale.low_words.text(), scale.high_words.text()]
    return words + ([scale.error.text()] if scale.error.isVisibleTo(scale) else [])


def _review(review: QWidget) -> list[str]:
    # The review shows every answer: name, date of birth, phone, why they come, red-flag symptoms. In a waiting
    # room those are not read aloud by default (the privacy a patient expects from a paper form held close);
    # we read which steps there are and say that the answers are on the screen and how to change them. A patient
    # who cannot see the screen asks the desk, who can read it with them in private.
    assert isinstance(review, ReviewPage)
    titles = [
        label.text()
        for label in review.findChildren(QLabel)
        if label.property("role") == "section-title" and label.isVisibleTo(review)  # not blocks being deleted
    ]
    return [*titles, review.texts.t("speech.review_private")]


_SPECIAL: Special = {OnScreenKeyboard: _keys, ScaleField: _scale, ReviewPage: _review}
