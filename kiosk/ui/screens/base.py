"""What every screen does: follow the language, the orientation and the route."""

from __future__ import annotations

from kiosk.qt import QLabel, QSizePolicy, Qt, QWidget

from kiosk.services.navigation import Route
from kiosk.ui.texts import UiTexts
from kiosk.ui.theme import Metrics


class KioskScreen(QWidget):
    def __init__(self, texts: UiTexts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.texts = texts
        self.portrait = False
        self.metrics = Metrics(1.0)
        # The screen itself takes focus on arrival, so no button shows a focus ring until
        # a keypad user presses Tab.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # The window is the screen: a screen takes the size it is given rather than growing the window past the
        # display (word-wrapped labels report their minimum height at a tiny width, which would do that). Whether
        # every screen fits at every text size is what tests/ui/test_touch_and_layout.py checks.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        texts.language_changed.connect(lambda _language: self.retranslate())

    def show_route(self, route: Route) -> None:
        """Fill the screen for this route (page id, section)."""

    def retranslate(self) -> None:
        """Put every visible string in the current language."""

    def relayout(self, portrait: bool, metrics: Metrics) -> None:
        self.portrait = portrait
        self.metrics = metrics
        self.arrange()

    def arrange(self) -> None:
        """Rearrange for the orientation and sizes; the default layout needs nothing."""


def text_label(role: str = "", object_name: str = "") -> QLabel:
    """A word-wrapping label styled by role (title, subtitle, section-title, note)."""
    label = QLabel()
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    if object_name:
        label.setObjectName(object_name)
    return label
