"""The review step: every answer in plain words, with a Change button per step."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from kiosk.qt import QDate, QGridLayout, QLocale, QObject, QVBoxLayout, QWidget, Signal

from kiosk.services.request_form import FieldKind, StepSpec
from kiosk.ui.forms.fields import ChoiceField, ConsentField, FieldWidget, ScaleField, SignsField
from kiosk.ui.screens.base import text_label
from kiosk.ui.texts import UiTexts
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets.buttons import TouchButton, accessible_words


class AnswerReadBack(NamedTuple):
    key: str
    question: str
    words: str


class StepReadBack(NamedTuple):
    """One step's block on the review, in words: what it shows is all that decides whether it is built again."""

    step: int  # its place in the form, for its Change button
    id: str
    title: str
    change: str
    answers: tuple[AnswerReadBack, ...]


def answer_words(field: FieldWidget, texts: UiTexts) -> str:
    """How an answer reads back to the patient, in their language."""
    answers = field.answers()
    spec = field.spec
    missing = texts.t("form.not_answered")
    if isinstance(field, SignsField):
        return ", ".join(field.option_words(option.value) for option in field.chosen()) or missing
    if isinstance(field, ChoiceField):
        value = answers.get(spec.key)
        if isinstance(value, frozenset):
            return ", ".join(field.option_words(v) for v in sorted(value)) or missing
        return field.option_words(str(value)) if value else missing
    if isinstance(field, ScaleField):
        number = field.value()
        return field.words_for(number) if number is not None else missing
    if isinstance(field, ConsentField):
        return texts.t("options.yes") if answers.get(spec.key) else texts.t("options.no")
    if spec.kind == FieldKind.DATE:
        day, month, year = (str(answers.get(key, "")) for key in spec.answer_keys)
        try:
            date = dt.date(int(year), int(month), int(day))
        except ValueError:
            return " / ".join(part for part in (day, month, year) if part) or missing
        return texts.locale.toString(QDate(date.year, date.month, date.day), QLocale.FormatType.LongFormat)
    text = " ".join(str(value) for value in answers.values()).strip()
    return text or missing


class ReviewPage(QWidget):
    change_requested = Signal(int)

    def __init__(self, texts: UiTexts) -> None:
        super().__init__()
        self.texts = texts
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.change_buttons: list[TouchButton] = []
        self._step_of: dict[QObject, int] = {}  # each Change button's step, for _change_clicked
        self._blocks: list[QWidget] = []
        self._layout.addStretch(1)
        # What the blocks say now (and at which sizes), to leave them be when nothing changed.
        self._shown: tuple[Metrics, tuple[StepReadBack, ...]] | None = None

    def _change_clicked(self) -> None:
        # Found by sender(), not a lambda per button holding the page in a reference cycle (kiosk/ui/window.py).
        step = self._step_of.get(self.sender())
        if step is not None:
            self.change_requested.emit(step)

    def fill(self, steps: list[tuple[int, StepSpec, list[FieldWidget]]], metrics: Metrics) -> None:
        """Every answer read back, a block per step; blocks that would say the same again are left as they are.

        Send, a failed save, or Change and back with nothing changed rebuilt the same blocks: their widgets made and
        styled anew, four times a visit, where the patient saw one review.
        """
        read_back = (metrics, tuple(self._read_back(index, step, fields) for index, step, fields in steps))
        if read_back == self._shown:
            return
        self._shown = read_back
        # The blocks are kept in a list, so the stretch at the end of the layout stays put.
        for old in self._blocks:
            old.hide()
            old.deleteLater()
        self._blocks = []
        self.change_buttons = []
        self._step_of = {}
        for step in read_back[1]:
            block = self._block(step, metrics)
            self._layout.insertWidget(len(self._blocks), block)
            # Shown now, not by the queued show a layout gives a new child: the page's height is then right at once,
            # for a scroll to an error on the review before the next pass of the event loop.
            block.show()
            self._blocks.append(block)

    def forget(self) -> None:
        """The visit is over: the words kept to compare (names, a date of birth) go with it."""
        self._shown = None

    def _read_back(self, index: int, step: StepSpec, fields: list[FieldWidget]) -> StepReadBack:
        t = self.texts.t
        answers = tuple(AnswerReadBack(f.spec.key, t(f.spec.label_key), answer_words(f, self.texts)) for f in fields)
        return StepReadBack(index, step.id, t(step.title_key), t("form.change"), answers)

    def _block(self, step: StepReadBack, metrics: Metrics) -> QWidget:
        block = QWidget()
        grid = QGridLayout(block)
        grid.setContentsMargins(0, 0, 0, metrics.px("pad"))
        title = text_label("section-title")
        title.setText(step.title)
        change = TouchButton()
        change.setObjectName(f"change-{step.id}")
        change.set_words(step.change)
        change.setAccessibleName(f"{step.change}: {step.title}")
        change.apply_metrics(metrics)
        change.setMaximumWidth(metrics.px("target") * 3)
        change.clicked.connect(self._change_clicked)
        self._step_of[change] = step.step
        self.change_buttons.append(change)
        grid.addWidget(title, 0, 0)
        grid.addWidget(change, 0, 1)
        row = 1
        for answer in step.answers:
            label = text_label("caption")
            label.setText(answer.question)
            value = text_label("answer")
            value.setText(answer.words)
            value.setAccessibleName(accessible_words(answer.words))  # "7, Severe", not "7 middle dot Severe"
            value.setObjectName(f"answer-{answer.key}")
            grid.addWidget(label, row, 0, 1, 2)
            grid.addWidget(value, row + 1, 0, 1, 2)
            row += 2
        grid.setColumnStretch(0, 1)
        return block
