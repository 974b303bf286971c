"""Home: three choices sized to their words, and a strip telling a patient who feels unwell to go to the desk."""

from __future__ import annotations

from kiosk.qt import QBoxLayout, QFrame, QHBoxLayout, QObject, QSizePolicy, Qt, QVBoxLayout, Signal

from kiosk.paths import resources_dir
from kiosk.services.navigation import Route, Screen
from kiosk.ui.screens.base import KioskScreen, text_label
from kiosk.ui.texts import UiTexts
from kiosk.ui.widgets.buttons import ButtonPicture, ChoiceButton

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
            # As tall as its picture and words (the stretch under the cards takes the rest of the height): a card
            # of mostly empty colour reads as unfinished.
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            self._routes[button] = route
            self.choices[key] = button
            self._choices_box.addWidget(button, 1)
        # Not a button: a patient who feels unwell should walk to the desk, not tap through the kiosk.
        self.unwell = QFrame()
        self.unwell.setObjectName("UnwellStrip")
        # The pictogram stands beside the words and says the same: it has no name of its own, or a screen reader
        # and read-aloud would say the sentence twice.
        self.unwell_picture = ButtonPicture(resources_dir() / "images" / "icons" / "front-desk.svg")
        self.unwell_picture.setObjectName("UnwellIcon")  # not a button's icon: nothing to be named after
        self.unwell_words = text_label("section-title", "UnwellWords")
        self.unwell_hint = text_label("", "UnwellHint")
        words = QVBoxLayout()
        words.setContentsMargins(0, 0, 0, 0)
        words.addWidget(self.unwell_words)
        words.addWidget(self.unwell_hint)
        self._unwell_layout = QHBoxLayout(self.unwell)
        self._unwell_layout.addWidget(self.unwell_picture, 0, Qt.AlignmentFlag.AlignVCenter)
        self._unwell_layout.addLayout(words, 1)
        self._outer = QVBoxLayout(self)
        self._outer.addWidget(self.title)
        self._outer.addWidget(self.subtitle)
        self._outer.addLayout(self._choices_box)
        self._outer.addStretch(1)
        self._outer.addWidget(self.unwell)
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
        self.unwell_words.setText(t("home.unwell"))
        self.unwell_hint.setText(t("home.unwell_hint"))
        self.unwell.setAccessibleName(t("home.unwell"))
        self.unwell.setAccessibleDescription(t("home.unwell_hint"))

    def arrange(self) -> None:
        direction = QBoxLayout.Direction.TopToBottom if self.portrait else QBoxLayout.Direction.LeftToRight
        self._choices_box.setDirection(direction)
        margin = self.metrics.px("pad2")
        self._outer.setContentsMargins(margin, margin, margin, margin)
        self._outer.setSpacing(self.metrics.px("pad"))
        self._choices_box.setSpacing(self.metrics.px("pad2"))
        pad = self.metrics.px("pad")
        self._unwell_layout.setContentsMargins(pad, pad, pad, pad)
        self._unwell_layout.setSpacing(pad)
        self.unwell_picture.draw(self.metrics.px("target"))
