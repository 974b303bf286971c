"""What every screen does: follow the language, the orientation and the route."""

from __future__ import annotations

from kiosk.qt import QLabel, QSizePolicy, Qt, QWidget

from kiosk.services.navigation import Route
from kiosk.ui.speech.words import layout_words, sentences
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
        texts.language_changed.connect(self._language_changed)  # bound, not a lambda on self: see kiosk/ui/window.py

    def show_route(self, route: Route) -> None:
        """Fill the screen for this route (page id, section)."""

    def retranslate(self) -> None:
        """Put every visible string in the current language."""

    def _language_changed(self, _language: str) -> None:
        self.retranslate()  # the subclass's own

    def relayout(self, portrait: bool, metrics: Metrics) -> None:
        self.portrait = portrait
        self.metrics = metrics
        self.arrange()

    def arrange(self) -> None:
        """Rearrange for the orientation and sizes; the default layout needs nothing."""

    def spoken_text(self) -> str:
        """The words read aloud for the screen as it is now: what is visible, in reading order.

        Titles, labels, the text of a page and the names of buttons (a card's hint too); never what a patient
        typed. Screens whose layout order is not their reading order, or that show more than should be read,
        say so in their own spoken_text.
        """
        layout = self.layout()
        return sentences(layout_words(layout, self)) if layout is not None else ""


def text_label(role: str = "", object_name: str = "") -> QLabel:
    """A word-wrapping label styled by role (title, subtitle, section-title, note)."""
    label = QLabel()
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    if object_name:
        label.setObjectName(object_name)
    return label
