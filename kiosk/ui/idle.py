"""Inactivity: warn with a countdown and "I need more time", then reset for the next patient."""

from __future__ import annotations

from kiosk.qt import QApplication, QEvent, QObject, QTimer, Signal

# Events that mean a person is at the screen.
_ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
}


class IdleMonitor(QObject):
    """Two single-shot timers and a one-second tick only while warning: idle costs nothing.

    `warning_started(seconds)` then `countdown(seconds_left)` each second, and
    `expired()` at zero; any touch before the warning restarts the wait, but
    once the warning shows, only "I need more time" (`extend()`) keeps the page.
    `hold(seconds)` instead counts a fixed time that no touch changes and no warning interrupts.
    """

    warning_started = Signal(int)
    countdown = Signal(int)
    warning_cancelled = Signal()
    expired = Signal()

    def __init__(self, timeout_seconds: int, warning_seconds: int, second_ms: int = 1000) -> None:
        super().__init__()
        # Tests shorten the second to run the real timers quickly; the kiosk never does.
        self.second_ms = second_ms
        self.timeout_seconds = timeout_seconds
        self.warning_seconds = warning_seconds
        self.seconds_left = warning_seconds
        self.warning = False
        self._active = False
        self._wait = QTimer(self)
        self._wait.setSingleShot(True)
        self._wait.timeout.connect(self._start_warning)
        self._tick = QTimer(self)
        self._tick.setInterval(second_ms)
        self._tick.timeout.connect(self._on_tick)
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.timeout.connect(self.expired)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_second_ms(self, second_ms: int) -> None:
        self.second_ms = second_ms
        self._tick.setInterval(second_ms)

    def watch(self, active: bool) -> None:
        """Count inactivity only while a patient screen (not the attract loop) shows."""
        self._active = active
        self._hold.stop()
        self._stop_warning(cancelled=self.warning)
        if active:
            self._wait.start(self.timeout_seconds * self.second_ms)
        else:
            self._wait.stop()

    def hold(self, seconds: int) -> None:
        """Expire after exactly `seconds`, whatever is touched meanwhile, with no "are you still there?" first."""
        self.watch(False)
        self._hold.start(seconds * self.second_ms)

    @property
    def holding(self) -> bool:
        return self._hold.isActive()

    def release(self) -> None:
        """The window is gone: no more counting and no more filtering (a monitor outliving its window would end
        the visit of a window that no longer exists)."""
        self.watch(False)
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def extend(self) -> None:
        if self._active:
            self.watch(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Restarting a timer on each touch is cheap and keeps the loop free of polling.
        if self._active and not self.warning and event.type() in _ACTIVITY:
            self._wait.start(self.timeout_seconds * self.second_ms)
        return False

    def _start_warning(self) -> None:
        self.warning = True
        self.seconds_left = self.warning_seconds
        self._tick.start()
        self.warning_started.emit(self.seconds_left)

    def _on_tick(self) -> None:
        self.seconds_left -= 1
        if self.seconds_left > 0:
            self.countdown.emit(self.seconds_left)
            return
        self._stop_warning(cancelled=False)
        self._active = False
        self.expired.emit()

    def _stop_warning(self, cancelled: bool) -> None:
        self._tick.stop()
        if self.warning:
            self.warning = False
            if cancelled:
                self.warning_cancelled.emit()
