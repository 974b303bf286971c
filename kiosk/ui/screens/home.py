"""Home: three large choices; the language switch sits in the top bar above it."""

from __future__ import annotations

from kiosk.qt import QBoxLayout, QObject, QVBoxLayout, Signal

from kiosk.paths import resources_dir
from kiosk.services.navigation import Route, Screen
from kiosk.ui.screens.base import KioskScreen, text_label
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import ChoiceButton

CHOICES = (
    ("learn", Route(Screen.PROCEDURES), "learn.svg"),
    ("appointment", Route(Screen.APPOINTMENT), "appointment.svg"),
    ("follow_up", Route(Screen.FOLLOW_UP), "follow-up.svg"),
)


class HomeScreen(KioskScreen):
    navigate = Signal(object)

    def __init__(self, texts: UiTexts) -> None:
        super().__init__(texts)
        self.title = text_label("title")
        self.subtitle = text_label("subtitle")
        self.choices: dict[str, ChoiceButton] = {}
        self._routes: dict[QObject, Route] = {}  # each choice button's route, for _chosen
        self._choices_box = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        for key, route, icon in CHOICES:
            button = ChoiceButton(icon=resources_dir() / "images" / "icons" / icon)
            button.setObjectName(f"choice-{key}")
            button.clicked.connect(self._chosen)
            self._routes[button] = route
            self.choices[key] = button
            self._choices_box.addWidget(button, 1)
        self._outer = QVBoxLayout(self)
        self._outer.addWidget(self.title)
        self._outer.addWidget(self.subtitle)
        self._outer.addLayout(self._choices_box, 1)
        self.retranslate()

    def _chosen(self) -> None:
        # The button that was clicked, found by sender(): a lambda per button would hold the screen in a reference
        # cycle (see kiosk/ui/window.py), and a QButtonGroup would make the arrow keys move between the choices.
        route = self._routes.get(self.sender())
        if route is not None:
            self.navigate.emit(route)

    def retranslate(self) -> None:
        t = self.texts.t
        self.title.setText(t("home.title"))
        self.subtitle.setText(t("home.subtitle"))
        self.setAccessibleName(t("home.title"))  # what a screen reader says as the screen opens
        for key, button in self.choices.items():
            button.set_words(t(f"home.{key}"), t(f"home.{key}_hint"))

    def arrange(self) -> None:
        direction = QBoxLayout.Direction.TopToBottom if self.portrait else QBoxLayout.Direction.LeftToRight
        self._choices_box.setDirection(direction)
        margin = self.metrics.px("pad2")
        self._outer.setContentsMargins(margin, margin, margin, margin)
        self._outer.setSpacing(self.metrics.px("pad"))
        self._choices_box.setSpacing(self.metrics.px("pad2"))
