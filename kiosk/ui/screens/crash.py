"""Shown for a few seconds after the kiosk hit an unexpected error: calm words, the desk, the phone; never details."""

from __future__ import annotations

from kiosk.qt import QHBoxLayout, Qt, QVBoxLayout, Signal

from kiosk.ui.screens.base import KioskScreen, text_label
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import TouchButton


class CrashScreen(KioskScreen):
    """`done()` when the patient touches Start again; the window also returns to attract on its own after a delay."""

    done = Signal()

    def __init__(self, texts: UiTexts, phone: str) -> None:
        super().__init__(texts)
        self.setObjectName("Crash")
        self.phone = phone
        self.title = text_label("title", "CrashTitle")
        self.body = text_label("subtitle", "CrashBody")
        self.call_us = text_label("subtitle", "CrashCallUs")
        for label in (self.title, self.body, self.call_us):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.start_again = TouchButton("primary")
        self.start_again.setObjectName("CrashStartAgain")
        self.start_again.clicked.connect(self.done)  # signal to signal: Qt drops clicked's argument
        self._outer = QVBoxLayout(self)
        self._outer.addStretch(2)
        self._outer.addWidget(self.title)
        self._outer.addWidget(self.body)
        self._outer.addWidget(self.call_us)
        self._outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.start_again, 2)
        row.addStretch(1)
        self._outer.addLayout(row)
        self._outer.addStretch(2)
        self.retranslate()

    def retranslate(self) -> None:
        t = self.texts.t
        self.title.setText(t("crash.title"))
        self.body.setText(t("crash.body"))
        self.call_us.setText(t("crash.call_us", phone=self.phone))
        self.start_again.set_words(t("crash.start_again"), t("crash.start_again_hint"))
        self.setAccessibleName(t("crash.title"))

    def arrange(self) -> None:
        margin = self.metrics.px("pad2")
        self._outer.setContentsMargins(margin, margin, margin, margin)
        self._outer.setSpacing(self.metrics.px("pad"))
