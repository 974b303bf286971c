"""Shown instead of a request form when the database cannot store requests: ask at the desk, or call the clinic."""

from __future__ import annotations

from kiosk.qt import QHBoxLayout, Qt, QVBoxLayout, Signal

from kiosk.paths import resources_dir
from kiosk.services.navigation import Route, Screen
from kiosk.ui.screens.base import KioskScreen, text_label
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import ButtonPicture, TouchButton


class OutOfServiceScreen(KioskScreen):
    """Calm words for the patient, the clinic's phone, and a way to the information pages.

    A request typed here could not be stored, so the kiosk does not ask for one;
    reading about procedures needs no database and stays available. The technical reason is for staff
    only: the window logs it and `kiosk doctor` reports the database; a patient never sees it.
    """

    navigate = Signal(object)

    def __init__(self, texts: UiTexts, phone: str) -> None:
        super().__init__(texts)
        self.phone = phone
        self.setObjectName("OutOfService")
        # The front desk, as on home's "Feeling unwell?" strip: where to go now. Its words say it, so it has no name.
        self.picture = ButtonPicture(resources_dir() / "images" / "icons" / "front-desk.svg")
        self.picture.setObjectName("OutOfServiceIcon")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = text_label("title", "OutOfServiceTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = text_label("subtitle", "OutOfServiceBody")
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.call_us = text_label("section-title", "OutOfServiceCallUs")
        self.call_us.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.learn = TouchButton("primary")
        self.learn.setObjectName("OutOfServiceLearn")
        self.learn.clicked.connect(self._learn_more)
        self._outer = QVBoxLayout(self)
        self._outer.addStretch(2)
        self._outer.addWidget(self.picture)
        self._outer.addWidget(self.title)
        self._outer.addWidget(self.body)
        self._outer.addWidget(self.call_us)
        self._outer.addStretch(1)
        # The button takes the middle half of the width (the window sets its minimum size on resize).
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.learn, 2)
        row.addStretch(1)
        self._outer.addLayout(row)
        self._outer.addStretch(3)
        self.retranslate()

    def _learn_more(self) -> None:
        self.navigate.emit(Route(Screen.PROCEDURES))

    def retranslate(self) -> None:
        t = self.texts.t
        self.title.setText(t("out_of_service.title"))
        self.body.setText(t("out_of_service.body"))
        self.learn.set_words(t("out_of_service.learn"), t("out_of_service.learn_hint"))
        # A phone number is read in one piece: it never breaks across lines at its space or hyphen.
        self.call_us.setText(t("crash.call_us", phone=self.phone.replace(" ", "\u00a0").replace("-", "\u2011")))
        self.setAccessibleName(t("out_of_service.title"))

    def arrange(self) -> None:
        margin = self.metrics.px("pad2")
        self._outer.setContentsMargins(margin, margin, margin, margin)
        self._outer.setSpacing(self.metrics.px("pad"))
        self.picture.draw(self.metrics.px("target") * 3 // 2)
