"""An idle attract screen with the slideshow paused wakes nothing: no Qt timer runs, none of ours and none of Qt's.

Counted, not timed: the idle-CPU figure of `kiosk bench` depends on exactly this.
"""

from __future__ import annotations

import gc
import time

from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QEvent, QObject, QTimer

from kiosk.bench.walk import touch
from kiosk.services.navigation import ATTRACT
from kiosk.ui.window import KioskWindow

WATCH_S = 1.5


def belongs_to(thing: QObject, window: KioskWindow) -> bool:
    """Part of this kiosk window: the window, anything inside it, or one of its parentless helpers (idle monitor)."""
    roots = (window, window.idle)
    node: QObject | None = thing
    while node is not None:
        if any(node is root for root in roots):
            return True
        node = node.parent()
    return False


class TimerEvents(QObject):
    """Every timer event delivered to the window's objects (QTimer, animations, a blinking cursor)."""

    def __init__(self, window: KioskWindow) -> None:
        super().__init__()
        self.window = window
        self.delivered_to: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Timer and belongs_to(watched, self.window):
            self.delivered_to.append(f"{type(watched).__name__} {watched.objectName()!r}")
        return False


def running_timers(window: KioskWindow) -> list[QTimer]:
    """The window's QTimers that are running (earlier tests' windows may still be waiting to be deleted)."""
    gc.collect()
    return [
        thing
        for thing in gc.get_objects()
        if isinstance(thing, QTimer) and thing.isActive() and belongs_to(thing, window)
    ]


def test_a_paused_attract_screen_runs_no_timer(qtbot: QtBot, window: KioskWindow) -> None:
    assert window.navigator.current == ATTRACT
    assert window.attract._timer in running_timers(window)  # the slideshow runs until paused: the check can see it

    touch(window.attract.pause_button)
    QApplication.processEvents()
    assert window.attract.paused
    assert running_timers(window) == []

    events = TimerEvents(window)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(events)
    try:
        started = time.perf_counter()
        while time.perf_counter() - started < WATCH_S:  # no QTimer of the test's own, unlike qtbot.wait
            QApplication.processEvents()
            time.sleep(0.01)
    finally:
        app.removeEventFilter(events)
    assert events.delivered_to == []
