"""Touch buttons: big, word-wrapping, named for screen readers, styled by role."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kiosk.qt import QKeyEvent, QLabel, QPushButton, QResizeEvent, QSize, QSizePolicy, Qt, QVBoxLayout, QWidget

from kiosk.ui.qt_lifetimes import repolish
from kiosk.ui.speech.words import speakable
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets.drawing import drawn

# Put before the words of a chosen option or setting: selection is shown by a mark as well as colour.
CHECKED_MARK = "✓  "
# Roles whose face is dark: their words are drawn light (see kiosk.qss).
_DARK_ROLES = {"primary", "choice", "on-dark"}


def accessible_words(text: str) -> str:
    """Shown words as a screen reader should say them: no arrows, ticks or boxes ("✓  Yes" is "Yes").

    Orca reads each glyph aloud ("check mark Yes", "left arrow Previous step"); the checked state says it already.
    """
    return speakable(text).replace(" ,", ",")  # "7 · Severe" reads "7, Severe"


class TouchButton(QPushButton):
    """A push button that wraps long words onto more lines instead of clipping them.

    QPushButton draws one line only; translated labels (Spanish runs ~30% longer)
    would be cut, so the words live in a word-wrapping label inside the button.
    """

    def __init__(self, role: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", role or "plain")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.label = _button_label("ButtonText")
        # The hint line under the words is made only for a button that shows one (cards, not options or keys):
        # every label costs a style-sheet polish when its page first shows.
        self.hint: QLabel | None = None
        layout = QVBoxLayout(self)
        # Stretch on both sides keeps title and hint together in the middle of a tall card.
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addStretch(1)
        self._alignment = Qt.AlignmentFlag.AlignCenter
        self.set_alignment(self._alignment)
        self.toggled.connect(self._toggled)
        self.toggled.connect(self._take_tab_stop)
        self._update_tone()

    def set_alignment(self, alignment: Qt.AlignmentFlag) -> None:
        self._alignment = alignment
        for label in self._labels():
            label.setAlignment(alignment | Qt.AlignmentFlag.AlignVCenter)

    def forget_heights(self) -> None:
        """Let the words be measured again at the next width (a card moved to a wider column keeps no old floor)."""
        for label in self._labels():
            label.setMinimumHeight(0)

    def _labels(self) -> list[QLabel]:
        return [self.label] if self.hint is None else [self.label, self.hint]

    def _hint_label(self) -> QLabel:
        if self.hint is None:
            self.hint = _button_label("ButtonHint")
            self.hint.setAlignment(self._alignment | Qt.AlignmentFlag.AlignVCenter)
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(layout.indexOf(self.label) + 1, self.hint)
            self._update_tone()
        return self.hint

    def apply_metrics(self, metrics: Metrics) -> None:
        """At least a finger's width in both directions, with room around the words."""
        target = metrics.px("target")
        self.setMinimumSize(target, target)
        # One-line bar buttons sit many to a row: a narrower margin lets the row fit more often.
        single_line = not self.label.wordWrap()
        horizontal = metrics.px("pad2" if self.property("role") == "choice" else "pad_small" if single_line else "pad")
        vertical = metrics.px("pad_small")
        layout = self.layout()
        assert layout is not None
        layout.setContentsMargins(horizontal, vertical, horizontal, vertical)
        layout.setSpacing(vertical // 2)
        self.updateGeometry()

    def set_single_line(self) -> None:
        """Words on one line that the button grows to hold (bar buttons), so a row can tell when it is too full."""
        self.label.setWordWrap(False)

    def set_words(self, text: str, hint: str = "", show_hint: bool = False, description: str | None = None) -> None:
        """Set the visible words, the accessible name and description (the hint, unless given) in one call."""
        self.label.setText(text)
        self.label.setMinimumHeight(0)  # the next resize measures the new words (see resizeEvent)
        if show_hint and hint:
            self._hint_label().setText(hint)
            self._hint_label().show()
        elif self.hint is not None:
            self.hint.setText(hint)
            self.hint.hide()
        name = accessible_words(text)
        self.setAccessibleName(name)
        # The words and the picture are the button's children in the accessibility tree: named as the button is,
        # never a glyph or an unnamed image. (Qt has no way to leave a child widget out of that tree.)
        self.label.setAccessibleName(name)
        for picture in self.findChildren(ButtonPicture):
            picture.setAccessibleName(name)
        self.setAccessibleDescription(hint if description is None else description)
        self.setToolTip(hint)
        self.updateGeometry()

    def words(self) -> str:
        return self.label.text()

    def _toggled(self, _checked: bool) -> None:
        self._update_tone()

    def _take_tab_stop(self, checked: bool) -> None:
        # Tab reaches one button of a radio group (arrow keys the others): the chosen one, as in any radio group.
        group = self.group()
        if checked and group is not None and group.exclusive():
            for button in group.buttons():
                button.setFocusPolicy(Qt.FocusPolicy.StrongFocus if button is self else Qt.FocusPolicy.ClickFocus)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        # Enter presses the focused button, as on every keypad; QPushButton does that only inside a dialog.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.isAutoRepeat():
            self.click()
            return
        super().keyPressEvent(event)

    def _update_tone(self) -> None:
        dark = self.property("role") in _DARK_ROLES or self.isChecked()
        tone = "light" if dark else "dark"
        for label in self._labels():
            if label.property("tone") != tone:
                label.setProperty("tone", tone)
                # A label not yet polished picks the property up when it is; only a polished one needs it again.
                if label.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
                    repolish(label)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        # Qt's box layout can hand a word-wrapped label a height measured for other words or another font (seen
        # after a language and text-size change); the words' own height at the real width is the floor.
        super().resizeEvent(event)
        layout = self.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        width = event.size().width() - margins.left() - margins.right()
        for label in self._labels():
            if label.wordWrap() and label.isVisibleTo(self):
                floor = label.minimumHeight()
                # QLabel never answers heightForWidth under its own minimum: measured with the floor in place, words
                # that wrapped once at a narrower width would keep two lines' height on one line for good.
                if floor > 0:
                    label.setMinimumHeight(0)
                needed = label.heightForWidth(width)
                label.setMinimumHeight(needed if needed > 0 else floor)

    # The inner layout knows how much room the wrapped words need; QPushButton does not.
    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        layout = self.layout()
        assert layout is not None
        return layout.sizeHint().expandedTo(self.minimumSize())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        layout = self.layout()
        assert layout is not None
        return layout.minimumSize().expandedTo(self.minimumSize())

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        layout = self.layout()
        assert layout is not None
        return max(layout.totalHeightForWidth(width), self.minimumHeight())


def _button_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
    return label


class ButtonPicture(QLabel):
    """A button's icon, drawn at the size the button's scale asks for."""

    def __init__(self, icon: Path | None) -> None:
        super().__init__()
        self.setObjectName("ButtonIcon")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self._icon = icon
        self._side = 0
        # Only hidden, never shown here: shown before its button takes it in, a parentless label is a window of its
        # own for a moment, which took the keyboard focus from the kiosk window for every screen built after it.
        if icon is None:
            self.hide()

    def draw(self, side: int) -> None:
        # Asked again only for a new size: the window sizes every button on each text-size or contrast change.
        if self._icon is not None and side != self._side:
            self._side = side
            self.setPixmap(drawn(self._icon, QSize(side, side)))


class ChoiceButton(TouchButton):
    """A large card: an optional picture, a title and the hint line under it."""

    def __init__(self, parent: QWidget | None = None, icon: Path | None = None) -> None:
        super().__init__("choice", parent)
        self.set_alignment(Qt.AlignmentFlag.AlignLeft)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.picture = ButtonPicture(icon)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.picture)

    def apply_metrics(self, metrics: Metrics) -> None:
        super().apply_metrics(metrics)
        # Pictures beside words help people who read little or read another language.
        self.picture.draw(metrics.px("target") * 3 // 2)

    def set_words(self, text: str, hint: str = "", show_hint: bool = True, description: str | None = None) -> None:
        super().set_words(text, hint, show_hint, description)


class ButtonSet:
    """A list of buttons that each lead to a target, reused when only their words change.

    Reusing keeps keypad focus and screen-reader order steady across a language switch;
    only a change in how many buttons there are creates or removes any.
    """

    def __init__(self, make: Callable[[], TouchButton], on_click: Callable[[object], None]) -> None:
        self._make = make
        self._on_click = on_click
        self.buttons: list[TouchButton] = []
        self.targets: list[object] = []

    def ensure(self, targets: list[object]) -> list[TouchButton]:
        while len(self.buttons) > len(targets):
            button = self.buttons.pop()
            button.hide()
            button.deleteLater()
        while len(self.buttons) < len(targets):
            button = self._make()
            index = len(self.buttons)
            # A checkable button (a section tab) answers its toggle: a screen reader's Toggle action checks it
            # without a click, and must open the section as a tap does. Any other button answers its click.
            button.clicked.connect(lambda _=False, b=button, i=index: None if b.isCheckable() else self._pick(i))
            button.toggled.connect(lambda checked, i=index: self._pick(i) if checked else None)
            self.buttons.append(button)
        self.targets = list(targets)
        return self.buttons

    def _pick(self, index: int) -> None:
        if index < len(self.targets):
            self._on_click(self.targets[index])
