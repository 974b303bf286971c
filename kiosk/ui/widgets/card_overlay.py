"""A card laid over the whole kiosk window, the screen behind dimmed: the idle warning and the leave question.

A QDialog laid inside the window rather than a window of its own: Qt gives a QDialog the accessible role Dialog,
so a screen reader says "dialog" and its question, and there is no window to lose behind the kiosk. The focus
returns, when it hides, to where a keypad user was.
"""

from __future__ import annotations

import contextlib

from kiosk.qt import QApplication, QDialog, QFrame, QHideEvent, QLabel, Qt, QVBoxLayout, QWidget

from kiosk.ui.theme import Metrics


class CardOverlay(QDialog):
    """The backdrop, its centred card (`card_layout` for the words and buttons) and the title and body labels."""

    def __init__(self, parent: QWidget, backdrop_name: str, card_name: str) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Widget)  # an overlay in the kiosk window: no frame, no window to switch to
        self.setObjectName(backdrop_name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.card = QFrame()
        self.card.setObjectName(card_name)
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.body = QLabel()
        for label in (self.title, self.body):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._card_layout = QVBoxLayout(self.card)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self._focus_before: QWidget | None = None

    def cover(self, focus: QWidget) -> None:
        """Show over the whole window, remembering the focus to give back and moving it to `focus`."""
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        focused = QApplication.focusWidget()
        self._focus_before = focused if focused is not None and not self.isAncestorOf(focused) else None
        self.show()
        self.raise_()
        focus.setFocus()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        # A keypad user goes on where they were (a reset or a new screen moves the focus on by itself).
        before, self._focus_before = self._focus_before, None
        # The widget may be gone (a crash screen wiped the visit under the card): an error raised in this Qt
        # override takes the whole process down (PySide6 6.11), so a deleted widget is simply not refocused.
        with contextlib.suppress(RuntimeError):
            if before is not None and before.isVisible():
                before.setFocus()
        super().hideEvent(event)

    def _fit_card(self) -> None:
        # A centred card gets its plain size hint; ask for the height its wrapped words need.
        self.card.setMinimumHeight(self._card_layout.totalHeightForWidth(self.card.width()))

    def _size_card(self, metrics: Metrics, width: int) -> None:
        pad = metrics.px("pad2")
        self._card_layout.setContentsMargins(pad, pad, pad, pad)
        self._card_layout.setSpacing(metrics.px("pad"))
        self.card.setFixedWidth(min(width - 2 * pad, int(metrics.px("target") * 10)))
