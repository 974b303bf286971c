"""The time-out warning laid over any patient screen: countdown and "I need more time"."""

from __future__ import annotations

from kiosk.qt import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAccessibleEvent,
    QLabel,
    QSizePolicy,
    Qt,
    QWidget,
    Signal,
)

from kiosk.ui.texts import UiTexts
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.widgets.card_overlay import CardOverlay


class IdleWarning(CardOverlay):
    """Covers the whole window; the page stays visible, dimmed, behind the card.

    A QDialog laid inside the window rather than a window of its own: Qt gives a QDialog the accessible role
    Dialog (it takes a widget's role from its class), so a screen reader says "dialog", its question (the name)
    and the countdown (the description), as it would for any alert box.
    """

    more_time = Signal()

    def __init__(self, texts: UiTexts, parent: QWidget) -> None:
        super().__init__(parent, "IdleBackdrop", "IdleCard")
        self._texts = texts
        self.seconds_left = 0
        self.countdown = QLabel()
        self.countdown.setObjectName("IdleCountdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = TouchButton("primary")
        self.button.setObjectName("MoreTime")
        self.button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.button.clicked.connect(self.more_time)
        for widget in (self.title, self.countdown, self.body, self.button):
            self._card_layout.addWidget(widget)
        texts.language_changed.connect(self._language_changed)
        self.hide()

    def show_countdown(self, seconds: int) -> None:
        self.seconds_left = seconds
        self.retranslate()
        if not self.isVisible():
            self.cover(self.button)
            self._announce()

    def _announce(self) -> None:
        # Focus on the button alone would be read as "I need more time, button": the alert says the question and
        # the countdown first, and at once, as the page is about to end.
        QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))
        words = f"{self.accessibleName()} {self.accessibleDescription()}"
        announcement = QAccessibleAnnouncementEvent(self, words)
        announcement.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
        QAccessible.updateAccessibility(announcement)

    def reject(self) -> None:
        # Escape would hide the card while the countdown went on: only "I need more time" or the end closes it.
        pass

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 (Qt's name)
        # While the card is up, Tab stays on it: the page behind is covered and cannot be used.
        self.button.setFocus()
        return True

    def _language_changed(self, _language: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        t = self._texts.t
        self.title.setText(t("idle.title"))
        seconds = self._texts.number(self.seconds_left)
        self.countdown.setText(seconds)
        self.countdown.setAccessibleName(t("idle.body", seconds=seconds))
        self.body.setText(t("idle.body", seconds=seconds))
        # Changing the description each second is what lets a screen reader follow the countdown.
        self.setAccessibleName(self.title.text())
        self.setAccessibleDescription(self.body.text())
        self.button.set_words(t("idle.more_time"), t("idle.more_time_hint"))
        self._fit_card()

    def relayout(self, metrics: Metrics, width: int) -> None:
        self._size_card(metrics, width)
        self._fit_card()
