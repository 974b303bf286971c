"""A patient's taps through the real kiosk window, each timed from the touch to the next painted frame."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from kiosk.qt import (
    QApplication,
    QCoreApplication,
    QEvent,
    QLabel,
    QMouseEvent,
    QObject,
    QPointF,
    QPushButton,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.navigation import ATTRACT
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.window import KioskWindow

PAINT_TIMEOUT_S = 2.0


class PaintWatch(QObject):
    """Counts the frames a top-level window draws (Qt paints a window's dirty widgets on one UpdateRequest)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.frames = 0
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.UpdateRequest:
            self.frames += 1
        return False


def touch(widget: QWidget) -> None:
    """A finger down and up in the middle of the widget, as real mouse events through Qt's event delivery."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    screen = QPointF(widget.mapToGlobal(centre.toPoint()))
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    plain = Qt.KeyboardModifier.NoModifier
    for kind, buttons in ((QEvent.Type.MouseButtonPress, left), (QEvent.Type.MouseButtonRelease, none)):
        QApplication.sendEvent(widget, QMouseEvent(kind, centre, screen, left, buttons, plain))


def settle() -> None:
    """Handle what is pending as the kiosk's running event loop would, deleteLater() included.

    processEvents() alone never deletes: without app.exec() running, every widget a reset let go would
    stay, and the bench would measure a leak the kiosk does not have.
    """
    QApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def timed(watch: PaintWatch, action: Callable[[], None]) -> float:
    """Seconds from the action to the end of the next frame drawn (the event loop handles the repaint)."""
    frames = watch.frames
    started = time.perf_counter()
    action()
    while watch.frames == frames and time.perf_counter() - started < PAINT_TIMEOUT_S:
        settle()
    return time.perf_counter() - started


def visible_buttons(root: QWidget) -> list[TouchButton]:
    return [
        button
        for button in root.findChildren(TouchButton)
        if button.isVisible() and button.isEnabled() and button.width() > 0
    ]


class PatientWalk:
    """Random taps on whatever a patient could tap next (seeded): the attract screen, choices, pages, keys, Back."""

    def __init__(self, window: KioskWindow, seed: int = 0) -> None:
        self.window = window
        self.watch = PaintWatch(window)
        self._rng = random.Random(seed)

    def _next_target(self) -> QWidget:
        window = self.window
        if window.navigator.current == ATTRACT:
            return window.attract
        buttons = visible_buttons(window)
        return self._rng.choice(buttons) if buttons else window.attract

    def tap(self) -> float:
        target = self._next_target()
        return timed(self.watch, lambda: touch(target))


class BareStack(QWidget):
    """The floor for a tap: two plain pages in a stack, no style sheet; a button flips between them."""

    def __init__(self) -> None:
        super().__init__()
        self.stack = QStackedWidget()
        self.buttons: list[QPushButton] = []
        for number in (1, 2):
            page = QWidget()
            layout = QVBoxLayout(page)
            layout.addWidget(QLabel(f"Page {number}"))
            button = QPushButton("Next")
            button.clicked.connect(lambda: self.stack.setCurrentIndex(1 - self.stack.currentIndex()))
            layout.addWidget(button)
            self.buttons.append(button)
            self.stack.addWidget(page)
        QVBoxLayout(self).addWidget(self.stack)
        self.watch = PaintWatch(self)

    def tap(self) -> float:
        button = self.buttons[self.stack.currentIndex()]
        return timed(self.watch, lambda: touch(button))
