"""One button per enabled language, each labelled in its own language."""

from __future__ import annotations

from kiosk.qt import QButtonGroup, QHBoxLayout, QSizePolicy, QWidget

from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import TouchButton


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
            button.setAutoExclusive(True)  # read as a radio button: one of the languages, arrow keys move
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            # Each button speaks its own language, so a reader finds theirs in any state.
            name = texts.strings.language_name(language)
            button.set_words(name, texts.strings.text(language, "language.switch_to"))
            button.setObjectName(f"language-{language}")
            button.clicked.connect(lambda _=False, code=language: texts.set_language(code))
            self._group.addButton(button)
            layout.addWidget(button)
            self._buttons[language] = button
        texts.language_changed.connect(self._sync)
        self._sync(texts.language)
        self.setAccessibleName(texts.t("nav.languages"))
        self.setVisible(len(texts.languages) > 1)

    def _sync(self, language: str) -> None:
        self._buttons[language].setChecked(True)
        self.setAccessibleName(self._texts.t("nav.languages"))
