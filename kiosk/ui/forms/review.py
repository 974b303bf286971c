"""The review step: every answer in plain words, with a Change button per step."""

from __future__ import annotations

import datetime as dt

from kiosk.qt import QDate, QGridLayout, QLocale, QObject, QVBoxLayout, QWidget, Signal

from kiosk.services.request_form import FieldKind, StepSpec
from kiosk.ui.forms.fields import ChoiceField, ConsentField, FieldWidget, ScaleField, SignsField
from kiosk.ui.screens.base import text_label
from kiosk.ui.texts import UiTexts
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets.buttons import TouchButton, accessible_words


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

    def _change_clicked(self) -> None:
        # Found by sender(), not a lambda per button holding the page in a reference cycle (kiosk/ui/window.py).
        step = self._step_of.get(self.sender())
        if step is not None:
            self.change_requested.emit(step)

    def fill(self, steps: list[tuple[int, StepSpec, list[FieldWidget]]], metrics: Metrics) -> None:
        # The blocks are kept in a list, so the stretch at the end of the layout stays put.
        for old in self._blocks:
            old.hide()
            old.deleteLater()
        self._blocks = []
        self.change_buttons = []
        self._step_of = {}
        t = self.texts.t
        for index, step, fields in steps:
            block = QWidget()
            grid = QGridLayout(block)
            grid.setContentsMargins(0, 0, 0, metrics.px("pad"))
            title = text_label("section-title")
            title.setText(t(step.title_key))
            change = TouchButton()
            change.setObjectName(f"change-{step.id}")
            change.set_words(t("form.change"))
            change.setAccessibleName(f"{t('form.change')}: {t(step.title_key)}")
            change.apply_metrics(metrics)
            change.setMaximumWidth(metrics.px("target") * 3)
            change.clicked.connect(self._change_clicked)
            self._step_of[change] = index
            self.change_buttons.append(change)
            grid.addWidget(title, 0, 0)
            grid.addWidget(change, 0, 1)
            row = 1
            for field in fields:
                label = text_label("caption")
                label.setText(t(field.spec.label_key))
                value = text_label("answer")
                value.setText(answer_words(field, self.texts))
                value.setAccessibleName(accessible_words(value.text()))  # "7, Severe", not "7 middle dot Severe"
                value.setObjectName(f"answer-{field.spec.key}")
                grid.addWidget(label, row, 0, 1, 2)
                grid.addWidget(value, row + 1, 0, 1, 2)
                row += 2
            grid.setColumnStretch(0, 1)
            self._layout.insertWidget(len(self._blocks), block)
            # Shown now, not by the queued show a layout gives a new child: the page's height is then right at once,
            # for a scroll to an error on the review before the next pass of the event loop.
            block.show()
            self._blocks.append(block)
