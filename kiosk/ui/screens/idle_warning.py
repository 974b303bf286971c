"""The time-out warning laid over any patient screen: countdown and "I need more time"."""

from __future__ import annotations

from kiosk.qt import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAccessibleEvent,
    QApplication,
    QDialog,
    QFrame,
    QHideEvent,
    QLabel,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.ui.texts import UiTexts
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets.buttons import TouchButton


class IdleWarning(QDialog):
    """Covers the whole window; the page stays visible, dimmed, behind the card.

    A QDialog laid inside the window rather than a window of its own: Qt gives a QDialog the accessible role
    Dialog (it takes a widget's role from its class), so a screen reader says "dialog", its question (the name)
    and the countdown (the description), as it would for any alert box.
    """

    more_time = Signal()

    def __init__(self, texts: UiTexts, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Widget)  # an overlay in the kiosk window: no frame, no window to switch to
        self.setObjectName("IdleBackdrop")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._texts = texts
        self.seconds_left = 0
        self.card = QFrame()
        self.card.setObjectName("IdleCard")
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.countdown = QLabel()
        self.countdown.setObjectName("IdleCountdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = QLabel()
        for label in (self.title, self.body):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = TouchButton("primary")
        self.button.setObjectName("MoreTime")
        self.button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.button.clicked.connect(self.more_time)
        card_layout = QVBoxLayout(self.card)
        card_layout.addWidget(self.title)
        card_layout.addWidget(self.countdown)
        card_layout.addWidget(self.body)
        card_layout.addWidget(self.button)
        self._card_layout = card_layout
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        texts.language_changed.connect(self._language_changed)
        self._focus_before: QWidget | None = None
        self.hide()

    def show_countdown(self, seconds: int) -> None:
        self.seconds_left = seconds
        self.retranslate()
        if not self.isVisible():
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
            focused = QApplication.focusWidget()
            self._focus_before = focused if focused is not None and not self.isAncestorOf(focused) else None
            self.show()
            self.raise_()
            self.button.setFocus()
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

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        # A keypad user goes on where they were (a reset moves focus on to the attract screen itself).
        before, self._focus_before = self._focus_before, None
        if before is not None and before.isVisible():
            before.setFocus()
        super().hideEvent(event)

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

    def _fit_card(self) -> None:
        # A centred card gets its plain size hint; ask for the height its wrapped words need.
        self.card.setMinimumHeight(self._card_layout.totalHeightForWidth(self.card.width()))

    def relayout(self, metrics: Metrics, width: int) -> None:
        pad = metrics.px("pad2")
        self._card_layout.setContentsMargins(pad, pad, pad, pad)
        self._card_layout.setSpacing(metrics.px("pad"))
        self.card.setFixedWidth(min(width - 2 * pad, int(metrics.px("target") * 10)))
        self._fit_card()
