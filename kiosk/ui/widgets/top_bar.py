"""The bar above every patient screen but the attract loop: Back, Home, languages."""

from __future__ import annotations

from kiosk.qt import QFrame, QHBoxLayout, QLabel, QSizePolicy, QWidget, Signal

from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.widgets.language_bar import LanguageBar


class TopBar(QFrame):
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, texts: UiTexts, clinic_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TopBar")
        self._texts = texts
        layout = QHBoxLayout(self)
        self.back = TouchButton()
        self.back.setObjectName("BackButton")
        self.home = TouchButton()
        self.home.setObjectName("HomeButton")
        for button in (self.back, self.home):
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            layout.addWidget(button)
        # Shown on home, where Back and Home are not: says whose kiosk this is.
        self.clinic = QLabel(clinic_name)
        self.clinic.setObjectName("TopBarClinic")
        layout.addWidget(self.clinic)
        layout.addStretch(1)
        self.languages = LanguageBar(texts)
        layout.addWidget(self.languages)
        self.back.clicked.connect(self.back_requested)
        self.home.clicked.connect(self.home_requested)
        texts.language_changed.connect(self.retranslate)
        self.retranslate()

    def set_margins(self, margin: int) -> None:
        layout = self.layout()
        assert layout is not None
        layout.setContentsMargins(margin, margin // 2, margin, margin // 2)
        layout.setSpacing(margin // 2)

    def retranslate(self) -> None:
        t = self._texts.t
        self.back.set_words("←  " + t("nav.back"), t("nav.back_hint"))
        self.back.setAccessibleName(t("nav.back"))
        self.home.set_words("⌂  " + t("nav.home"), t("nav.home_hint"))
        self.home.setAccessibleName(t("nav.home"))
