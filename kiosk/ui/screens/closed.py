"""Outside opening hours, in place of the attract loop: still words in the kiosk's colours, phone, next opening."""

from __future__ import annotations

from kiosk.qt import QHBoxLayout, QKeyEvent, QMouseEvent, Qt, QTime, QVBoxLayout, Signal

from kiosk.paths import resources_dir
from kiosk.services.opening_hours import NextOpening, OpensWhen
from kiosk.ui.screens.attract import BEGIN_KEYS
from kiosk.ui.screens.base import KioskScreen, text_label
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import ButtonPicture, TouchButton

_WORDS = {OpensWhen.TODAY: "closed.opens_today", OpensWhen.TOMORROW: "closed.opens_tomorrow"}


class ClosedScreen(KioskScreen):
    """No animation and no timer of its own (the window schedules the next opening); a touch opens the home page."""

    begin = Signal()

    def __init__(self, texts: UiTexts, clinic_name: str, phone: str) -> None:
        super().__init__(texts)
        self.setObjectName("Closed")
        self.phone = phone
        self.opening: NextOpening | None = None
        # A clock over the words, drawn as the other end screens' marks are: the screen says "not now", calmly.
        self.picture = ButtonPicture(resources_dir() / "images" / "icons" / "clock.svg")
        self.picture.setObjectName("ClosedIcon")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.clinic = text_label("section-title", "ClosedClinic")
        self.clinic.setText(clinic_name)
        self.title = text_label("title", "ClosedTitle")
        self.call_us = text_label("section-title", "ClosedCallUs")
        self.opens = text_label("", "ClosedOpens")  # body text, not the muted grey of a subtitle
        for label in (self.clinic, self.title, self.call_us, self.opens):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The same calm page as the rest of the kiosk (not a dark one of its own); nothing moves, so it may sleep.
        self.learn = TouchButton("primary")
        self.learn.setObjectName("ClosedLearn")
        self.learn.clicked.connect(self.begin)  # signal to signal: Qt drops clicked's argument
        self._outer = QVBoxLayout(self)
        self._outer.addStretch(2)
        self._outer.addWidget(self.picture)
        self._outer.addWidget(self.clinic)
        self._outer.addWidget(self.title)
        self._outer.addWidget(self.call_us)
        self._outer.addWidget(self.opens)
        self._outer.addStretch(2)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.learn, 2)
        row.addStretch(1)
        self._outer.addLayout(row)
        self._outer.addStretch(1)
        self.retranslate()

    def show_next_opening(self, opening: NextOpening | None) -> None:
        self.opening = opening
        self.retranslate()

    def retranslate(self) -> None:
        t = self.texts.t
        self.title.setText(t("closed.title"))
        # A phone number is read in one piece: it never breaks across lines at its space or hyphen.
        self.call_us.setText(t("closed.call_us", phone=self.phone.replace(" ", "\u00a0").replace("-", "\u2011")))
        self.opens.setText(self._opens_words())
        self.opens.setVisible(self.opening is not None)
        self.learn.set_words(t("closed.learn"), t("closed.learn_hint"))
        self.setAccessibleName(t("closed.title"))

    def _opens_words(self) -> str:
        if self.opening is None:
            return ""
        locale = self.texts.locale
        at = self.opening.at
        time = locale.toString(QTime(at.hour, at.minute), locale.timeFormat(locale.FormatType.ShortFormat))
        key = _WORDS.get(self.opening.when)
        if key is not None:
            return self.texts.t(key, time=time)
        weekday = locale.dayName(self.opening.weekday, locale.FormatType.LongFormat)
        return self.texts.t("closed.opens_on", weekday=weekday, time=time)

    def arrange(self) -> None:
        margin = self.metrics.px("pad2")
        self._outer.setContentsMargins(margin, margin, margin, margin)
        self._outer.setSpacing(self.metrics.px("pad"))
        self.picture.draw(self.metrics.px("target") * 3 // 2)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        self.begin.emit()  # anywhere on the screen, as on the attract loop

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in BEGIN_KEYS:  # a keypad starts here as a touch does
            self.begin.emit()
        else:
            super().keyPressEvent(event)
