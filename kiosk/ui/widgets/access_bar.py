"""The access controls above every patient screen but attract: text size, high contrast, controls low.

They sit beside Back and Home rather than behind a menu: a patient who cannot read small print must be able
to find the control that makes it bigger without reading anything first.
"""

from __future__ import annotations

from kiosk.qt import QButtonGroup, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui.presentation import Presentation, TextSize, ThemeName
from kiosk.ui.qt_lifetimes import empty_layout
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import CHECKED_MARK, TouchButton

TEXT_SIZE_WORDS = {
    TextSize.NORMAL: "access.text_normal",
    TextSize.LARGE: "access.text_large",
    TextSize.EXTRA_LARGE: "access.text_extra_large",
}


class AccessBar(QWidget):
    def __init__(self, texts: UiTexts, presentation: Presentation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AccessBar")
        self._texts = texts
        self._presentation = presentation
        # One line beside the other controls, or two lines of their own on a narrow screen (see TopBar.fit).
        lines = QVBoxLayout(self)
        lines.setContentsMargins(0, 0, 0, 0)
        self._lines = (QHBoxLayout(), QHBoxLayout())
        for line in self._lines:
            lines.addLayout(line)
        self._two_lines = False
        # Three "A"s in three sizes: the picture says "text size" in every language, and the label says it in words
        # for a patient who does not read the picture that way.
        self.text_size_label = QLabel(self)
        self.text_size_label.setObjectName("TextSizeLabel")
        self._size_group = QButtonGroup(self)
        self.text_sizes: dict[TextSize, TouchButton] = {}
        for size in TextSize:
            button = _small_button(checkable=True)
            button.setObjectName(f"text-size-{size}")
            button.setProperty("textsize", str(size))
            button.setAutoExclusive(True)  # read as radio buttons: one of three sizes, arrow keys move
            self._size_group.addButton(button)
            self.text_sizes[size] = button
        # `toggled`, not `clicked`, for every control here: a screen reader's or switch's Toggle action checks
        # the button without a click, and must change the screen as a tap does (sync's own setChecked is a no-op
        # for the presentation, which ignores a choice it already has). The group says which size's button it was.
        self._size_group.buttonToggled.connect(self._size_toggled)
        self.contrast = _small_button(checkable=True)
        self.contrast.setObjectName("HighContrast")
        self.contrast.toggled.connect(self._contrast_chosen)
        self.low = _small_button(checkable=True)
        self.low.setObjectName("LowPosition")
        self.low.toggled.connect(presentation.set_low_position)
        # Reading order; on two lines, the second starts after High contrast.
        self._controls: list[TouchButton] = [*self.text_sizes.values(), self.contrast, self.low]
        self._arrange()
        texts.language_changed.connect(self._language_changed)
        presentation.changed.connect(self.sync)
        self.sync()

    def add_control(self, button: TouchButton) -> None:
        """Another access control (read aloud) joins the bar, before Controls low."""
        button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        button.set_single_line()
        hidden = button.isHidden()  # a new parent hides a widget; keep what its owner decided
        button.setParent(self)
        button.setHidden(hidden)
        self._controls.insert(self._controls.index(self.low), button)
        self._arrange()

    def controls(self) -> list[TouchButton]:
        """The controls in reading order (a control added later sits where it is read, not at the end)."""
        return list(self._controls)

    def set_two_lines(self, two: bool) -> None:
        if two != self._two_lines:
            self._two_lines = two
            self._arrange()

    def set_spacing(self, spacing: int) -> None:
        layout = self.layout()
        assert layout is not None
        layout.setSpacing(spacing)
        for line in self._lines:
            line.setSpacing(spacing)

    def _arrange(self) -> None:
        for line in self._lines:
            empty_layout(line)
        split = self._controls.index(self.contrast) + 1 if self._two_lines else len(self._controls)
        first, second = self._lines
        for index, control in enumerate(self._controls):
            line = first if index < split else second
            if control is self.text_sizes[TextSize.NORMAL]:
                line.addWidget(self.text_size_label)
            line.addWidget(control)
        # Two lines are right-aligned like the one line they replace.
        first.insertStretch(0, 1)
        second.insertStretch(0, 1)
        # The top bar measures this bar right after asking for one or two lines (TopBar.fit): drop the cached size
        # now, not when Qt's queued layout request arrives, or it measures the arrangement before this one.
        outer = self.layout()
        assert outer is not None
        outer.invalidate()
        self.updateGeometry()

    def _size_toggled(self, button: object, checked: bool) -> None:
        for size, known in self.text_sizes.items():
            if known is button:
                self._size_chosen(size, checked)

    def _size_chosen(self, size: TextSize, checked: bool) -> None:
        if checked:  # the size left unchecked by the choice says nothing
            self._presentation.set_text_size(size)

    def _contrast_chosen(self, high: bool) -> None:
        self._presentation.set_theme(ThemeName.HIGH_CONTRAST if high else ThemeName.NORMAL)

    def _language_changed(self, _language: str) -> None:
        self.sync()

    def sync(self) -> None:
        """Words and checked state follow the language and the patient's choices."""
        t = self._texts.t
        presentation = self._presentation
        self.text_size_label.setText(t("access.text_size"))
        for size, button in self.text_sizes.items():
            chosen = presentation.text_size is size
            button.setChecked(chosen)
            # Chosen is said by a mark too, not only by the fill colour.
            button.set_words((CHECKED_MARK if chosen else "") + "A", t("access.text_size_hint"))
            button.setAccessibleName(t(TEXT_SIZE_WORDS[size]))
        high = presentation.theme is ThemeName.HIGH_CONTRAST
        self.contrast.setChecked(high)
        self.contrast.set_words((CHECKED_MARK if high else "◐  ") + t("access.contrast"), t("access.contrast_hint"))
        self.contrast.setAccessibleName(t("access.contrast"))
        low = presentation.low_position
        self.low.setChecked(low)
        self.low.set_words((CHECKED_MARK if low else "↓  ") + t("access.low"), t("access.low_hint"))
        self.low.setAccessibleName(t("access.low"))


def _small_button(checkable: bool) -> TouchButton:
    button = TouchButton()
    button.setCheckable(checkable)
    button.set_single_line()
    button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
    return button
