"""One step of a request form as one object: its page of questions, their words, their errors and its review lines."""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.qt import QLabel, QVBoxLayout, QWidget

from kiosk.content.catalog import ContentCatalog
from kiosk.services.request_form import StepSpec
from kiosk.ui.forms.fields import ChoiceField, Editor, FieldWidget, make_field
from kiosk.ui.screens.base import text_label
from kiosk.ui.texts import UiTexts
from kiosk.ui.theme import Metrics


class StepView(QWidget):
    """A step's page: its notice and intro, a widget per question, and what the step says on the review.

    The form (RequestFormScreen) only sequences these: which one is shown, Next and Back, the keyboard and sending.
    Everything that belongs to one step's questions (their words in the language shown, their errors, folding while
    typing, which of them apply, how they read back) is asked of the step itself.
    """

    def __init__(
        self,
        spec: StepSpec,
        texts: UiTexts,
        catalog: ContentCatalog,
        metrics: Metrics,
        after: QWidget | None = None,
    ) -> None:
        super().__init__()
        self.spec = spec
        self.texts = texts
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(metrics.px("pad2"))  # air between questions
        self._words: list[tuple[QLabel, str]] = []  # the notice and the intro, with their string keys
        # The notice and the intro scroll with the questions, so the keyboard always has room.
        for role, key in (("notice", spec.notice_key), ("subtitle", spec.intro_key)):
            if key:
                label = text_label(role, "EmergencyNotice" if role == "notice" else "")
                label.setText(texts.t(key))
                self._layout.addWidget(label)
                self._words.append((label, key))
        self.fields: list[FieldWidget] = [make_field(field, texts, catalog) for field in spec.fields]
        for widget in self.fields:
            widget.apply_metrics(metrics)
            self._layout.addWidget(widget)
        if after is not None:
            self._layout.addWidget(after)  # the review's answers read back, under its own questions
        self._layout.addStretch(1)

    @property
    def notice(self) -> QLabel | None:
        """The emergency notice, if the step has one."""
        return self.findChild(QLabel, "EmergencyNotice")

    def answers(self) -> dict[str, object]:
        """Every answer on the step, by answer key, as its controls hold it now."""
        found: dict[str, object] = {}
        for widget in self.fields:
            found.update(widget.answers())
        return found

    def editors(self) -> list[Editor]:
        """The step's text boxes, in the order Next box visits them."""
        return [editor for widget in self.fields for editor in widget.editors()]

    def field_of(self, editor: QWidget) -> FieldWidget | None:
        return next((widget for widget in self.fields if editor in widget.editors()), None)

    def asked(self, answers: Mapping[str, object]) -> list[FieldWidget]:
        """The questions that apply to these answers (a follow-on question only once it applies)."""
        return [widget for widget in self.fields if widget.spec.applies(answers)]

    def show_applicable(self, answers: Mapping[str, object]) -> None:
        # Only a follow-on question comes and goes; the others always apply and show with their step. (Set shown on
        # every tap and key, each step's every question cost more than the rest of a keystroke.)
        for widget in self.fields:
            if widget.spec.shown_when is not None:
                widget.setVisible(widget.spec.applies(answers))

    def show_problems(self, codes: Mapping[str, str]) -> FieldWidget | None:
        """Each question's problem under it (or none); the first question with one, to take the focus."""
        first: FieldWidget | None = None
        for widget in self.fields:
            code = next((codes[key] for key in widget.spec.answer_keys if key in codes), "")
            widget.set_error(code)
            if code and first is None:
                first = widget
        return first

    def fold(self, typing: bool) -> None:
        """Choices show one line with what is chosen, and the notice steps aside, while typing; all come back after."""
        for widget in self.fields:
            if isinstance(widget, ChoiceField):
                widget.set_compact(typing)
        notice = self.notice
        if notice is not None:
            notice.setVisible(not typing)

    def review_fields(self, answers: Mapping[str, object]) -> list[FieldWidget]:
        """What the review reads back for this step: every question that applies, with its answer."""
        return self.asked(answers)

    def retranslate(self) -> None:
        for label, key in self._words:
            label.setText(self.texts.t(key))
        for widget in self.fields:
            widget.retranslate()

    def apply_metrics(self, metrics: Metrics) -> None:
        for widget in self.fields:
            widget.apply_metrics(metrics)
