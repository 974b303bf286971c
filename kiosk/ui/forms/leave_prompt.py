"""Asks before Home or Back leaves a form with answers in it: "Leave without sending?", "Keep going" first."""

from __future__ import annotations

from kiosk.qt import (
    QAccessible,
    QAccessibleEvent,
    QHBoxLayout,
    QSizePolicy,
    QWidget,
    Signal,
)

from kiosk.ui.texts import UiTexts
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.widgets.card_overlay import CardOverlay


class LeaveFormPrompt(CardOverlay):
    """A card over the dimmed form, inside the kiosk window (no window of its own to lose behind the kiosk).

    A QDialog, as the idle warning is, so a screen reader says "dialog" and its question; "Keep going" takes the
    focus and is the default, so Enter or a stray second tap never erases a half-filled form.
    """

    leave = Signal()

    def __init__(self, texts: UiTexts, parent: QWidget) -> None:
        super().__init__(parent, "LeaveBackdrop", "LeaveCard")
        self._texts = texts
        self.keep_going = TouchButton("primary")
        self.keep_going.setObjectName("KeepGoing")
        self.keep_going.setDefault(True)
        self.keep_going.clicked.connect(self.hide)
        self.leave_button = TouchButton()
        self.leave_button.setObjectName("LeaveForm")
        self.leave_button.clicked.connect(self._leave)
        for button in (self.keep_going, self.leave_button):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        buttons = QHBoxLayout()
        # The safe answer first in reading order and on the left, where the eye lands after the question.
        buttons.addWidget(self.keep_going)
        buttons.addWidget(self.leave_button)
        self._buttons = buttons
        self._card_layout.addWidget(self.title)
        self._card_layout.addWidget(self.body)
        self._card_layout.addLayout(buttons)
        texts.language_changed.connect(self._language_changed)
        self.retranslate()
        self.hide()

    def ask(self) -> None:
        """Show the question over the whole window, the focus on "Keep going"."""
        self.retranslate()
        self.cover(self.keep_going)
        QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))

    def _leave(self) -> None:
        self._focus_before = None  # the next screen takes the focus
        self.hide()
        self.leave.emit()

    def reject(self) -> None:
        # Escape is "Keep going": the safe answer.
        self.hide()

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 (Qt's name)
        # The form behind is covered: Tab moves between the two answers only.
        (self.leave_button if self.keep_going.hasFocus() else self.keep_going).setFocus()
        return True

    def _language_changed(self, _language: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        t = self._texts.t
        self.title.setText(t("form.leave_title"))
        self.body.setText(t("form.leave_body"))
        self.setAccessibleName(self.title.text())
        self.setAccessibleDescription(self.body.text())
        self.keep_going.set_words(t("form.keep_going"))
        self.leave_button.set_words(t("form.leave"))
        self._fit_card()

    def relayout(self, metrics: Metrics, width: int) -> None:
        self._size_card(metrics, width)
        self._buttons.setSpacing(metrics.px("pad"))
        for button in (self.keep_going, self.leave_button):
            button.apply_metrics(metrics)
        self._fit_card()
