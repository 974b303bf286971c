"""A patient's taps through the real kiosk window, each timed from the touch to the next painted frame."""

from __future__ import annotations

import random
import time

from kiosk.qt import (
    QApplication,
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

from kiosk.bench.loop import Steps
from kiosk.qt_filters import teardown_safe
from kiosk.services.navigation import ATTRACT
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.widgets.card_overlay import CardOverlay
from kiosk.ui.window import KioskWindow

NO_FRAME_S = 1.0


class PaintWatch(QObject):
    """Counts the frames a top-level window draws (Qt paints a window's dirty widgets on one UpdateRequest)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.frames = 0
        self.unchanged = 0  # taps after which nothing was drawn
        window.installEventFilter(self)

    @teardown_safe
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


def timed_tap(watch: PaintWatch, target: QWidget, times: list[float]) -> Steps:
    """Touch the target, wait for the next frame to be drawn, and add the seconds in between to `times`.

    A tap that changes nothing on screen (a key with no field to type into) draws no frame: after
    NO_FRAME_S it counts in `watch.unchanged` instead of in `times`.
    """
    frames = watch.frames
    started = time.perf_counter()
    touch(target)
    yield lambda: watch.frames > frames or time.perf_counter() - started > NO_FRAME_S
    if watch.frames > frames:
        times.append(time.perf_counter() - started)
    else:
        watch.unchanged += 1


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
        # A card over the window (the idle warning, the leave question) is all a finger can reach: not what it covers.
        cards = [card for card in window.findChildren(CardOverlay) if card.isVisible()]
        buttons = visible_buttons(cards[-1] if cards else window)
        return self._rng.choice(buttons) if buttons else window.attract

    def taps(self, count: int, times: list[float]) -> Steps:
        for _ in range(count):
            yield from timed_tap(self.watch, self._next_target(), times)

    def quick_taps(self, count: int) -> Steps:
        """Taps one pass of the event loop apart, untimed (the soak): a tap that changes nothing costs no wait."""
        for _ in range(count):
            touch(self._next_target())
            yield None


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

    def taps(self, count: int, times: list[float]) -> Steps:
        for _ in range(count):
            yield from timed_tap(self.watch, self.buttons[self.stack.currentIndex()], times)
