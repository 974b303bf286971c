"""One button per enabled language, each labelled in its own language."""

from __future__ import annotations

from kiosk.qt import QButtonGroup, QHBoxLayout, QSizePolicy, QWidget

from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import CHECKED_MARK, TouchButton


class LanguageBar(QWidget):
    def __init__(self, texts: UiTexts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = texts
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._group = QButtonGroup(self)
        self._buttons: dict[str, TouchButton] = {}
        for language in texts.languages:
            button = TouchButton("language")
            button.setCheckable(True)
            button.set_single_line()
            button.setAutoExclusive(True)  # read as a radio button: one of the languages, arrow keys move
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            # Each button speaks its own language, so a reader finds theirs in any state.
            button.setObjectName(f"language-{language}")
            # `toggled`, not `clicked`: a screen reader's or switch's Toggle action checks the button without a
            # click, and must change the words as a tap does.
            self._group.addButton(button)
            layout.addWidget(button)
            self._buttons[language] = button
        self._group.buttonToggled.connect(self._button_toggled)  # the group says which: no lambda per button
        texts.language_changed.connect(self._sync)
        self._sync(texts.language)
        self.setAccessibleName(texts.t("nav.languages"))
        self.setVisible(len(texts.languages) > 1)

    def _button_toggled(self, button: object, checked: bool) -> None:
        for language, known in self._buttons.items():
            if known is button:
                self._chosen(language, checked)

    def _chosen(self, language: str, checked: bool) -> None:
        if checked:  # the button left unchecked by the choice says nothing
            self._texts.set_language(language)

    def _sync(self, language: str) -> None:
        self._buttons[language].setChecked(True)
        strings = self._texts.strings
        for code, button in self._buttons.items():
            name = strings.language_name(code)
            # The current language is shown by a mark as well as by the fill colour.
            button.set_words(
                (CHECKED_MARK if code == language else "") + name, strings.text(code, "language.switch_to")
            )
            button.setAccessibleName(name)
        self.setAccessibleName(self._texts.t("nav.languages"))
