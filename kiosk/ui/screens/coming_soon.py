"""Requests are the next issue's work; until then these screens send patients to the desk."""

from __future__ import annotations

from kiosk.qt import QLabel, QSizePolicy, QVBoxLayout, Signal

from kiosk.config.settings import Settings
from kiosk.services.navigation import Route, Screen
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import TouchButton


class ComingSoonScreen(KioskScreen):
    """A clear, honest panel: the request cannot be sent here yet; who to ask instead."""

    home_requested = Signal()

    def __init__(self, texts: UiTexts, settings: Settings) -> None:
        super().__init__(texts)
        self._phone = settings.clinic.phone
        self._route = Route(Screen.APPOINTMENT)
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.body = QLabel()
        self.ask_desk = QLabel()
        for label in (self.title, self.body, self.ask_desk):
            label.setWordWrap(True)
        self.home = TouchButton("primary")
        self.home.setObjectName("ComingSoonHome")
        self.home.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.home.clicked.connect(self.home_requested)
        self._outer = QVBoxLayout(self)
        self._outer.addWidget(self.title)
        self._outer.addWidget(self.body)
        self._outer.addWidget(self.ask_desk)
        self._outer.addWidget(self.home)
        self._outer.addStretch(1)
        self.retranslate()

    def show_route(self, route: Route) -> None:
        self._route = route
        self.retranslate()

    def retranslate(self) -> None:
        t = self.texts.t
        key = "follow_up_title" if self._route.screen == Screen.FOLLOW_UP else "appointment_title"
        self.title.setText(t(f"coming_soon.{key}"))
        self.body.setText(t("coming_soon.body"))
        self.ask_desk.setText(t("coming_soon.ask_desk", phone=self._phone))
        self.home.set_words(t("coming_soon.home"))

    def arrange(self) -> None:
        margin = self.metrics.px("pad2")
        self._outer.setContentsMargins(margin, margin, margin, margin)
        self._outer.setSpacing(self.metrics.px("pad2"))
