"""One widget per kind of question: a label, the answer control, and an error line beside it."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.qt import (
    QBoxLayout,
    QButtonGroup,
    QEvent,
    QGridLayout,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QObject,
    QPlainTextEdit,
    QRegularExpression,
    QRegularExpressionValidator,
    QResizeEvent,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.content.catalog import ContentCatalog
from kiosk.domain.red_flags import NO, YES
from kiosk.qt_filters import teardown_safe
from kiosk.services.request_form import NONE_OF_THESE, FieldKind, FieldSpec, Option
from kiosk.ui.focus_order import chain_focus
from kiosk.ui.screens.base import text_label
from kiosk.ui.texts import UiTexts
from kiosk.ui.theme import MIN_TARGET, Metrics
from kiosk.ui.widgets.buttons import TouchButton, accessible_words

Editor = QLineEdit | QPlainTextEdit
CHECKED_MARK = "✓  "  # selection shown by a mark as well as colour
# An answer wears a round mark (one of several) or a square one (any number), empty until chosen, then filled: it
# looks like an answer to choose, not like Back or Next, and a chosen one is filled with its mark as well as coloured.
RADIO_MARKS = ("○  ", "●  ")
BOX_MARKS = ("☐  ", "☑  ")


class FieldWidget(QWidget):
    """A question: its label, the control for the answer, and a plain-words error under it."""

    changed = Signal()

    def __init__(self, spec: FieldSpec, texts: UiTexts) -> None:
        super().__init__()
        self.spec = spec
        self.texts = texts
        self.label = text_label("field-label")
        self.error = text_label("error")
        self.error.hide()
        self._error_key = ""
        self._spacing = 4
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(self.label)

    def finish(self) -> None:
        """Put the error line last, after a subclass added its controls."""
        self.body.addWidget(self.error)
        self.retranslate()

    def answers(self) -> dict[str, object]:
        """This question's answers by key; each kind of field below gives its own."""
        return {}

    def editors(self) -> list[Editor]:
        """Text boxes the on-screen keyboard types into."""
        return []

    def answer_controls(self) -> list[QWidget]:
        """What a screen reader lands on to answer: the text boxes, or the choice buttons."""
        return list(self.editors())

    def set_error(self, code: str) -> None:
        self._error_key = f"errors.{code}" if code else ""
        self._show_error()

    def _show_error(self) -> None:
        if self._error_key:
            sentence = self.texts.t(self._error_key)
            self.error.setText(f"{self.texts.t('form.error_icon')}  {sentence}")
            self.error.setAccessibleName(sentence)  # the sign is for the eye; Orca would say "warning sign"
        self.error.setVisible(bool(self._error_key))
        self._describe()

    def control_description(self) -> str:
        """What a screen reader says after a control's name: the error with its question, else the resting words.

        A label under a box is never read when the box takes focus; its description is, so the error goes there.
        (QWidget.setAccessibleDescription posts the DescriptionChanged event that AT-SPI passes on to Orca.)
        """
        question = self.texts.t(self.spec.label_key)
        if self._error_key:
            return f"{question}: {self.texts.t(self._error_key)}"
        return self._resting_description(question)

    def _resting_description(self, _question: str) -> str:
        return ""  # a text box is already named by its question

    def _describe(self) -> None:
        # The question's container is named by it, so Orca can say which question the focus entered.
        self.setAccessibleName(self.texts.t(self.spec.label_key))
        description = self.control_description()
        self.setAccessibleDescription(description if self._error_key else "")
        for control in self.answer_controls():
            control.setAccessibleDescription(description)

    def retranslate(self) -> None:
        self.label.setText(self.texts.t(self.spec.label_key))
        self._show_error()

    def apply_metrics(self, metrics: Metrics) -> None:
        # A question's words, its answer and its error sit close, the next question further off: they read as one
        # group, and a step of boxes keeps its height beside the keyboard.
        self._spacing = max(4, metrics.px("pad_small") // 2)
        self.body.setSpacing(self._spacing)
        # Buttons made after the window last sized itself get their finger size here.
        for button in self.findChildren(TouchButton):
            button.apply_metrics(metrics)


class TextField(FieldWidget):
    def __init__(self, spec: FieldSpec, texts: UiTexts) -> None:
        super().__init__(spec, texts)
        self.edit = _line_edit(f"field-{spec.key}")
        self.edit.setMaxLength(254)
        self.edit.textChanged.connect(self.changed)
        self.body.addWidget(self.edit)
        self.finish()

    def answers(self) -> dict[str, object]:
        return {self.spec.key: self.edit.text()}

    def editors(self) -> list[Editor]:
        return [self.edit]

    def retranslate(self) -> None:
        super().retranslate()
        self.edit.setAccessibleName(self.texts.t(self.spec.label_key))


class MultilineField(FieldWidget):
    def __init__(self, spec: FieldSpec, texts: UiTexts) -> None:
        super().__init__(spec, texts)
        self.edit = QPlainTextEdit()
        self.edit.setObjectName(f"field-{spec.key}")
        self.edit.setTabChangesFocus(True)
        self.edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)  # no copy or paste
        self.edit.textChanged.connect(self.changed)
        self.body.addWidget(self.edit)
        self.finish()

    def answers(self) -> dict[str, object]:
        return {self.spec.key: self.edit.toPlainText()}

    def editors(self) -> list[Editor]:
        return [self.edit]

    def retranslate(self) -> None:
        super().retranslate()
        self.edit.setAccessibleName(self.texts.t(self.spec.label_key))

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self.edit.setFixedHeight(metrics.px("target") * 2)


class DateField(FieldWidget):
    """Day, month and year as three number boxes, in the order the language writes them."""

    PARTS = ("day", "month", "year")

    def __init__(self, spec: FieldSpec, texts: UiTexts) -> None:
        super().__init__(spec, texts)
        self._keys = dict(zip(self.PARTS, spec.answer_keys, strict=True))
        self.boxes: dict[str, QLineEdit] = {}
        self._row = QHBoxLayout()
        # Owned by the field: setValidator() does not take ownership, so a parentless one outlived every visit.
        digits = QRegularExpressionValidator(QRegularExpression(r"\d{0,4}"), self)
        for part in self.PARTS:
            box = _line_edit(f"field-{self._keys[part]}")
            box.setValidator(digits)
            box.setMaxLength(4 if part == "year" else 2)
            box.textChanged.connect(self.changed)
            self.boxes[part] = box
        self.captions: dict[str, QLabel] = {}
        self._columns: dict[str, QWidget] = {}
        for part in self.PARTS:
            column = QWidget()
            layout = QVBoxLayout(column)
            layout.setContentsMargins(0, 0, 0, 0)
            self.captions[part] = text_label("caption")
            layout.addWidget(self.captions[part])
            layout.addWidget(self.boxes[part])
            self._columns[part] = column
        self.body.addLayout(self._row)
        # A method, not a lambda: Qt drops the connection when this field is deleted with its visit; a lambda
        # would keep every visit's field alive in the long-lived texts object (and run on a deleted layout).
        texts.language_changed.connect(self._language_changed)
        self._order()
        self.finish()

    def _language_changed(self, _language: str) -> None:
        self._order()

    def _parts_in_order(self) -> tuple[str, ...]:
        # US English writes month first; Spanish, Vietnamese (and most of the world) day first.
        return self.texts.date_order()

    def _order(self) -> None:
        for column in self._columns.values():
            self._row.removeWidget(column)
        for part in self._parts_in_order():
            self._row.addWidget(self._columns[part], 2 if part == "year" else 1)
        chain_focus(self.editors())  # Tab follows the boxes as the language writes them

    def answers(self) -> dict[str, object]:
        return {self._keys[part]: box.text() for part, box in self.boxes.items()}

    def editors(self) -> list[Editor]:
        return [self.boxes[part] for part in self._parts_in_order()]

    def retranslate(self) -> None:
        super().retranslate()
        label = self.texts.t(self.spec.label_key)
        for part, box in self.boxes.items():
            self.captions[part].setText(self.texts.t(f"fields.{part}"))
            box.setAccessibleName(f"{label}: {self.texts.t(f'fields.{part}')}")


class ChoiceField(FieldWidget):
    """Large buttons; one (or, for multi-choice, any number) can be chosen."""

    # One answer was chosen by a tap, a press or Enter (not by arrowing along the answers, which a keypad or screen
    # reader user does to hear them): a step with no other question may then go on by itself.
    chosen_by_hand = Signal()
    answers_wanted = Signal()  # the one line shown while typing was tapped: show the answers again
    _HAND_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space, Qt.Key.Key_Select})
    MOST_COLUMNS = 0  # 0: pairs in twos, the rest in threes

    def __init__(self, spec: FieldSpec, texts: UiTexts, page_title: Callable[[str], str]) -> None:
        super().__init__(spec, texts)
        self._page_title = page_title
        self._touched: QObject | None = None  # the button a finger or a key is pressing now
        self.multi = spec.kind in (FieldKind.MULTI_CHOICE, FieldKind.SIGNS)
        self.group = QButtonGroup(self)
        self.group.setExclusive(not self.multi)
        self.buttons: dict[str, TouchButton] = {}
        self._option_of: dict[QObject, Option] = {}  # each button's option, for _option_toggled
        grid = QGridLayout()
        # Pairs stay pairs, the rest in threes, as far as the answers' longest words fit (see _fit_columns).
        self._most_columns = columns = self.MOST_COLUMNS or (2 if len(spec.options) in (1, 2, 4) else 3)
        self._columns_now = columns
        for index, option in enumerate(spec.options):
            button = TouchButton("option")
            button.setCheckable(True)
            button.setObjectName(f"option-{spec.key}-{option.value}")
            button.set_alignment(Qt.AlignmentFlag.AlignLeft)  # the mark leads, as on a paper form
            button.toggled.connect(self._option_toggled)
            button.clicked.connect(self._option_clicked)
            button.installEventFilter(self)
            self._option_of[button] = option
            if not self.multi:
                _join_radio_group(self.group, button)
            self.buttons[option.value] = button
            grid.addWidget(button, index // columns, index % columns)
        for column in range(columns):
            grid.setColumnStretch(column, 1)
        self.body.addLayout(grid)
        self._grid = grid
        # While the keyboard is up on this question's step, its answers give way to one line with what is chosen:
        # the box being typed in, and every question with its error, then fit beside or above the keyboard. A tap
        # on that line asks for the answers back (the form closes the keyboard).
        self.summary = TouchButton("option")
        self.summary.setObjectName(f"chosen-{spec.key}")
        self.summary.set_alignment(Qt.AlignmentFlag.AlignLeft)
        self.summary.clicked.connect(self.answers_wanted)
        self.summary.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self.summary.hide()
        # Compact, the question and what is chosen share a line when the question fits on it whole; else one under
        # the other (a question wrapped a word a line beside its answer was hard to read).
        self._compact_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._compact_row.setContentsMargins(0, 0, 0, 0)
        self._compact_row.addWidget(self.summary, 0, Qt.AlignmentFlag.AlignVCenter)
        self.body.addLayout(self._compact_row)
        self._compact = False
        if spec.preset in self.buttons:
            self.buttons[spec.preset].setChecked(True)
        self.finish()

    def _words(self, option: Option) -> str:
        return self.texts.t(option.label_key) if option.label_key else self._page_title(option.page_id)

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Seen before the button acts on it: a click that follows comes from this press. Arrow keys click the next
        # answer in a radio group too, but they are not a press here, so they never move the step on.
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            self._touched = watched
        elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self._touched = watched if event.key() in self._HAND_KEYS else None
        return False

    def _option_clicked(self, checked: bool) -> None:
        by_hand = self.sender() is self._touched
        self._touched = None
        if by_hand and checked and not self.multi:
            self.chosen_by_hand.emit()

    def _option_toggled(self, _on: bool) -> None:
        # The option found by sender(), not a lambda per button holding the field in a reference cycle
        # (kiosk/ui/window.py); not a QButtonGroup either: a many-answer question's boxes would read as radio buttons.
        button = self.sender()
        option = self._option_of.get(button)
        if isinstance(button, TouchButton) and option is not None:
            self._relabel(button, option)
        if self._compact:
            self._show_summary()
            self._fit_compact_row(self.width())
        self.changed.emit()

    def set_compact(self, compact: bool) -> None:
        """Show the answers, or (compact) only one line with what is chosen, as while the keyboard is up."""
        if compact == self._compact:
            return  # asked at every fit of the step; what is chosen is kept up to date as it changes (_option_toggled)
        if compact:
            self.body.removeWidget(self.label)
            self._compact_row.insertWidget(0, self.label, 1)
        else:
            self._compact_row.removeWidget(self.label)
            self.body.insertWidget(0, self.label)
        self._compact = compact
        # Folded, the question, what is chosen and its error sit as close as one line's leading: one group, and the
        # box being typed in keeps its room (Vietnamese at the largest text on 1280x800 was 30 px short).
        self.body.setSpacing(2 if compact else self._spacing)
        for button in self.buttons.values():
            button.setVisible(not compact)
        self.summary.setVisible(compact)
        if compact:
            self._show_summary()
            self._fit_compact_row(self.width())

    def _fit_compact_row(self, width: int) -> None:
        if not self._compact or width <= 0:
            return
        question = self.label.fontMetrics().horizontalAdvance(self.label.text()) + 2
        spacing = max(0, self._compact_row.spacing())
        beside = question + spacing + self.summary.sizeHint().width() <= width
        direction = QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        if self._compact_row.direction() != direction:
            self._compact_row.setDirection(direction)
            self._compact_row.setAlignment(
                self.summary, Qt.AlignmentFlag.AlignVCenter if beside else Qt.AlignmentFlag.AlignLeft
            )

    def _show_summary(self) -> None:
        chosen = [option for option in self.spec.options if self.buttons[option.value].isChecked()]
        mark = (BOX_MARKS if self.multi else RADIO_MARKS)[1]
        words = ", ".join(self._words(option) for option in chosen) or self.texts.t("form.not_answered")
        self.summary.set_words((mark if chosen else "") + words, description=self.control_description())
        self.summary.setAccessibleName(f"{self.texts.t(self.spec.label_key)}: {accessible_words(words)}")

    def _relabel(self, button: TouchButton, option: Option) -> None:
        # The name is the answer alone ("Yes"), the description its question: Orca says "Yes, radio button, not
        # selected, Fever or chills?", and arrowing along the answers does not repeat the question in every name.
        words = self._words(option)
        mark = (BOX_MARKS if self.multi else RADIO_MARKS)[button.isChecked()]
        button.set_words(mark + words, description=self.control_description())
        button.setAccessibleName(accessible_words(words))

    def answer_controls(self) -> list[QWidget]:
        return [self.summary] if self._compact else list(self.buttons.values())

    def _resting_description(self, question: str) -> str:
        return question

    def answers(self) -> dict[str, object]:
        chosen = [value for value, button in self.buttons.items() if button.isChecked()]
        if self.multi:
            return {self.spec.key: frozenset(chosen)}
        return {self.spec.key: chosen[0]} if chosen else {}

    def option_words(self, value: str) -> str:
        option = next((o for o in self.spec.options if o.value == value), None)
        return self._words(option) if option else value

    def retranslate(self) -> None:
        super().retranslate()
        for option in self.spec.options:
            self._relabel(self.buttons[option.value], option)
        if self._compact:
            self._show_summary()
            self._fit_compact_row(self.width())

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        if self._compact:
            self.body.setSpacing(2)  # still folded (see set_compact)
        self._grid.setSpacing(metrics.px("pad_small"))
        self._fit_columns(self.width())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_columns(event.size().width())
        self._fit_compact_row(event.size().width())

    def _fit_columns(self, width: int) -> None:
        """As many columns (up to three) as keep every answer's longest word, and its mark with the first word,
        whole on a line: at the largest text beside the keyboard or upright, three across cut "electrónico"."""
        if width <= 0:
            return
        spacing = max(0, self._grid.spacing())
        need = max((self._widest_word(button) for button in self.buttons.values()), default=0)
        columns = self._most_columns
        while columns > 1 and (width - (columns - 1) * spacing) / columns < need:
            columns -= 1
        if columns == self._columns_now:
            return
        self._columns_now = columns
        for index, button in enumerate(self.buttons.values()):
            self._grid.addWidget(button, index // columns, index % columns)  # moves it: a widget has one cell
        for column in range(3):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)

    @staticmethod
    def _widest_word(button: TouchButton) -> int:
        label = button.label
        words = label.text().split()
        if not words:
            return 0
        metrics = label.fontMetrics()
        first = f"{words[0]} {words[1]}" if len(words) > 1 and len(words[0]) == 1 else words[0]  # the mark
        widest = max(metrics.horizontalAdvance(word) for word in [first, *words[1:]])
        # What the button adds around its words: its frame, padding and the label's margins.
        around = max(0, button.sizeHint().width() - label.sizeHint().width())
        return widest + around + 2


class SignsField(ChoiceField):
    """The warning signs as a checklist: each sign the patient has had, or "None of these", which clears the signs.

    Nothing is chosen when it opens, so every sign is still answered by the patient: a tapped sign is "yes", and
    an untapped one is "no" only once something was tapped. Each sign's own answer (red_flag_<flag>: yes or no) is
    what the form keeps, as when each sign was a yes/no question.
    """

    MOST_COLUMNS = 1  # placed by its own _fit_columns (below)
    # A sign may take two lines in a column of two, never more: in landscape the four signs then sit two by two and
    # the step, with its optional note, fits a 1920x1080 screen without a scroll; upright or at the largest text a
    # sign would wrap further, and the list stays one column, read down.
    MOST_LINES_IN_TWO = 2
    # Going to two columns needs this much more room than staying there: a scroll bar that a one-column list brings
    # narrows the field by about this much, and without the margin the columns flipped with the bar at every layout.
    TWO_COLUMNS_MARGIN = 64

    def __init__(self, spec: FieldSpec, texts: UiTexts, page_title: Callable[[str], str]) -> None:
        super().__init__(spec, texts, page_title)
        signs = [option.value for option in spec.options if option.value != NONE_OF_THESE]
        self._sign_keys = dict(zip(signs, spec.answer_keys, strict=True))
        for button in self.buttons.values():
            button.toggled.connect(self._keep_exclusive)
        # Its error under the question, above the list (as GOV.UK places a checklist's error): Next shows the sentence
        # beside what it is about, in sight even where the list below it is long.
        self.body.removeWidget(self.error)
        self.body.insertWidget(1, self.error)

    def _keep_exclusive(self, on: bool) -> None:
        # "None of these" and a sign cannot both be true: the latest tap wins, as on a paper form crossed out.
        option = self._option_of.get(self.sender())
        if not on or option is None:
            return
        none = self.buttons[NONE_OF_THESE]
        if option.value == NONE_OF_THESE:
            for value, button in self.buttons.items():
                if value != NONE_OF_THESE:
                    button.setChecked(False)
        else:
            none.setChecked(False)

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        # Rows of a list sit closer than a grid of answers: the five rows stay in sight on an upright screen with the
        # controls low at the largest text, and each is still a whole finger-sized target with its own frame.
        self._grid.setSpacing(max(4, metrics.px("pad_small") // 3))

    def _fit_columns(self, width: int) -> None:
        """The signs two by two, most serious first, where each still reads in two lines at most; "None of these" on a
        row of its own under them, across the whole width, so it is never read as one more sign."""
        if width <= 0:
            return
        signs = [button for value, button in self.buttons.items() if value != NONE_OF_THESE]
        column = (width - max(0, self._grid.spacing())) / 2
        # A tenth more than half the line: words break where they can, not at the half (Spanish at the largest text
        # took a third line in a column of 870 px where half its line was 820 px).
        need = 1.1 * max((self._one_line(button) for button in signs), default=0) / self.MOST_LINES_IN_TWO
        need = max(need, max((self._widest_word(button) for button in signs), default=0))
        if self._columns_now == 1:
            need += self.TWO_COLUMNS_MARGIN
        columns = 2 if column >= need else 1
        if columns == self._columns_now:
            return
        self._columns_now = columns
        for index, button in enumerate(signs):
            self._grid.addWidget(button, index // columns, index % columns)
        self._grid.addWidget(self.buttons[NONE_OF_THESE], (len(signs) + columns - 1) // columns, 0, 1, columns)
        for index in range(3):
            self._grid.setColumnStretch(index, 1 if index < columns else 0)

    @staticmethod
    def _one_line(button: TouchButton) -> int:
        """How wide the button would be with its words on one line, with a few letters' slack for where lines break."""
        label = button.label
        metrics = label.fontMetrics()
        around = max(0, button.sizeHint().width() - label.sizeHint().width())
        return metrics.horizontalAdvance(label.text()) + metrics.horizontalAdvance("M" * 6) + around

    def chosen(self) -> list[Option]:
        return [option for option in self.spec.options if self.buttons[option.value].isChecked()]

    def answers(self) -> dict[str, object]:
        chosen = {option.value for option in self.chosen()}
        if not chosen:
            return dict.fromkeys(self._sign_keys.values())  # not answered yet: never "no"
        return {key: YES if sign in chosen else NO for sign, key in self._sign_keys.items()}


class ScaleField(FieldWidget):
    """0 to 10 (pain) or 0 to 100 % in tens (relief): numbers with words at the ends."""

    def __init__(self, spec: FieldSpec, texts: UiTexts) -> None:
        super().__init__(spec, texts)
        self.percent = spec.kind == FieldKind.PERCENT
        self.group = QButtonGroup(self)
        self.buttons: dict[int, TouchButton] = {}
        row = QHBoxLayout()
        for number in range(11):
            value = number * 10 if self.percent else number
            button = TouchButton("option")
            button.setCheckable(True)
            button.setObjectName(f"option-{spec.key}-{value}")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.toggled.connect(self._number_toggled)
            _join_radio_group(self.group, button)
            self.buttons[value] = button
            row.addWidget(button)
        self._row = row
        ends = QHBoxLayout()
        self.low_words = text_label("caption")
        self.high_words = text_label("caption")
        self.high_words.setAlignment(Qt.AlignmentFlag.AlignRight)
        ends.addWidget(self.low_words)
        ends.addWidget(self.high_words)
        self.choice_words = text_label("caption")
        self.body.addLayout(row)
        self.body.addLayout(ends)
        self.body.addWidget(self.choice_words)
        self.finish()

    def answer_controls(self) -> list[QWidget]:
        return list(self.buttons.values())

    def _resting_description(self, question: str) -> str:
        return question  # the two pain scales differ by their question only ("before" and "now")

    def value(self) -> int | None:
        return next((value for value, button in self.buttons.items() if button.isChecked()), None)

    def answers(self) -> dict[str, object]:
        return {self.spec.key: self.value()}

    def words_for(self, value: int) -> str:
        """The scale's words for a value, so a number is never the only meaning shown."""
        t = self.texts.t
        if self.percent:
            number = t("options.percent", percent=self.texts.number(value))
            if value == 0:
                return f"{number} · {t('scale.relief_0')}"
            return f"{number} · {t('scale.relief_100')}" if value == 100 else number
        words = self.spec.scale_words  # "pain" or "interference": scale.pain_0, scale.interference_0, ...
        if value == 0:
            word = t(f"scale.{words}_0")
        elif value <= 3:
            word = t(f"scale.{words}_low")
        elif value <= 6:
            word = t(f"scale.{words}_mid")
        elif value <= 9:
            word = t(f"scale.{words}_high")
        else:
            word = t(f"scale.{words}_10")
        return f"{self.texts.number(value)} · {word}"

    def _number_toggled(self, _on: bool) -> None:
        self._show_choice()
        self.changed.emit()

    def _show_choice(self) -> None:
        value = self.value()
        self.choice_words.setText(f"{CHECKED_MARK}{self.words_for(value)}" if value is not None else "")
        self.choice_words.setAccessibleName(accessible_words(self.choice_words.text()))
        self.choice_words.setVisible(value is not None)

    def retranslate(self) -> None:
        super().retranslate()
        description = self.control_description()
        for value, button in self.buttons.items():
            button.set_words(self.texts.number(value), description=description)
            button.setAccessibleName(accessible_words(self.words_for(value)))  # "7, Severe": the number has its words
        low, high = (0, 100) if self.percent else (0, 10)
        for label, value in ((self.low_words, low), (self.high_words, high)):
            label.setText(self.words_for(value))
            label.setAccessibleName(accessible_words(label.text()))
        self._show_choice()

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        self._row.setSpacing(max(4, metrics.px("pad_small") // 2))
        for button in self.buttons.values():
            # Eleven in a row must fit a portrait screen: narrower than other buttons, never under 64 px.
            button.setMinimumWidth(MIN_TARGET)


class ConsentField(FieldWidget):
    """A large box the patient touches to agree; it says "agreed" in words, not by colour alone."""

    def __init__(self, spec: FieldSpec, texts: UiTexts) -> None:
        super().__init__(spec, texts)
        self.label.hide()  # the button carries the sentence itself
        self.button = TouchButton("option")
        self.button.setCheckable(True)
        self.button.setObjectName(f"option-{spec.key}")
        self.button.set_alignment(Qt.AlignmentFlag.AlignLeft)
        self.button.toggled.connect(self._toggled)
        self.body.addWidget(self.button)
        self.finish()

    def _toggled(self, _on: bool) -> None:
        self.retranslate()
        self.changed.emit()

    def answers(self) -> dict[str, object]:
        return {self.spec.key: self.button.isChecked()}

    def answer_controls(self) -> list[QWidget]:
        return [self.button]

    def retranslate(self) -> None:
        super().retranslate()
        words = self.texts.t(self.spec.label_key)
        box = "☑" if self.button.isChecked() else "☐"
        self.button.set_words(f"{box}  {words}", description=self.control_description())
        self.button.setAccessibleName(words)


def _join_radio_group(group: QButtonGroup, button: TouchButton) -> None:
    # One answer of several: read as a radio button, one Tab stop, arrow keys move and choose. (Many answers stay
    # out of any group: each box is its own Tab stop and reads as a check box.)
    group.addButton(button)
    button.setAutoExclusive(True)


def _line_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)  # no copy or paste on a kiosk
    return edit


def make_field(spec: FieldSpec, texts: UiTexts, catalog: ContentCatalog) -> FieldWidget:
    def page_title(page_id: str) -> str:
        page = catalog.page(page_id, texts.language)
        return page.title if page else page_id

    if spec.kind == FieldKind.TEXT:
        return TextField(spec, texts)
    if spec.kind == FieldKind.MULTILINE:
        return MultilineField(spec, texts)
    if spec.kind == FieldKind.DATE:
        return DateField(spec, texts)
    if spec.kind in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE):
        return ChoiceField(spec, texts, page_title)
    if spec.kind == FieldKind.SIGNS:
        return SignsField(spec, texts, page_title)
    if spec.kind in (FieldKind.SCALE, FieldKind.PERCENT):
        return ScaleField(spec, texts)
    return ConsentField(spec, texts)
