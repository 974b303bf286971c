"""Asks before Home or Back leaves a form with answers in it: "Leave without sending?", "Keep going" first."""

from __future__ import annotations

from kiosk.qt import (
    QAccessible,
    QAccessibleEvent,
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
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


class LeaveFormPrompt(QDialog):
    """A card over the dimmed form, inside the kiosk window (no window of its own to lose behind the kiosk).

    A QDialog, as the idle warning is, so a screen reader says "dialog" and its question; "Keep going" takes the
    focus and is the default, so Enter or a stray second tap never erases a half-filled form.
    """

    leave = Signal()

    def __init__(self, texts: UiTexts, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Widget)
        self.setObjectName("LeaveBackdrop")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._texts = texts
        self.card = QFrame()
        self.card.setObjectName("LeaveCard")
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.body = QLabel()
        for label in (self.title, self.body):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
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
        card_layout = QVBoxLayout(self.card)
        card_layout.addWidget(self.title)
        card_layout.addWidget(self.body)
        card_layout.addLayout(buttons)
        self._card_layout = card_layout
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        texts.language_changed.connect(self._language_changed)
        self._focus_before: QWidget | None = None
        self.retranslate()
        self.hide()

    def ask(self) -> None:
        """Show the question over the whole window, the focus on "Keep going"."""
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        focused = QApplication.focusWidget()
        self._focus_before = focused if focused is not None and not self.isAncestorOf(focused) else None
        self.retranslate()
        self.show()
        self.raise_()
        self.keep_going.setFocus()
        QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))

    def _leave(self) -> None:
        self._focus_before = None  # the next screen takes the focus
        self.hide()
        self.leave.emit()

    def reject(self) -> None:
        # Escape is "Keep going": the safe answer.
        self.hide()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        before, self._focus_before = self._focus_before, None
        if before is not None and before.isVisible():
            before.setFocus()
        super().hideEvent(event)

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

    def _fit_card(self) -> None:
        # A centred card gets its plain size hint; ask for the height its wrapped words need.
        self.card.setMinimumHeight(self._card_layout.totalHeightForWidth(self.card.width()))

    def relayout(self, metrics: Metrics, width: int) -> None:
        pad = metrics.px("pad2")
        self._card_layout.setContentsMargins(pad, pad, pad, pad)
        self._card_layout.setSpacing(metrics.px("pad"))
        self._buttons.setSpacing(metrics.px("pad"))
        self.card.setFixedWidth(min(width - 2 * pad, int(metrics.px("target") * 10)))
        for button in (self.keep_going, self.leave_button):
            button.apply_metrics(metrics)
        self._fit_card()
