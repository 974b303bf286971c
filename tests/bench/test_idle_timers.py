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


class TimerEvents(QObject):
    """Every timer event delivered to any object of the GUI thread (QTimer, animations, a blinking cursor)."""

    def __init__(self) -> None:
        super().__init__()
        self.receivers: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Timer:
            self.receivers.append(f"{type(watched).__name__} {watched.objectName()!r}")
        return False


def running_timers() -> list[QTimer]:
    gc.collect()
    return [thing for thing in gc.get_objects() if isinstance(thing, QTimer) and thing.isActive()]


def test_a_paused_attract_screen_runs_no_timer(qtbot: QtBot, window: KioskWindow) -> None:
    assert window.navigator.current == ATTRACT
    assert window.attract._timer in running_timers()  # the slideshow runs until paused: the check can see it

    touch(window.attract.pause_button)
    QApplication.processEvents()
    assert window.attract.paused
    assert running_timers() == []

    events = TimerEvents()
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
    assert events.receivers == []
