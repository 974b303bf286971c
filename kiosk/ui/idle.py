"""Inactivity: warn with a countdown and "I need more time", then reset for the next patient."""

from __future__ import annotations

from kiosk.qt import (
    QAbstractButton,
    QApplication,
    QEvent,
    QFocusEvent,
    QInputMethodEvent,
    QKeyEvent,
    QLineEdit,
    QMouseEvent,
    QObject,
    QPlainTextEdit,
    QTextEdit,
    QTimer,
    QTouchEvent,
    QWheelEvent,
    Signal,
)

from kiosk.qt_filters import teardown_safe

# Events that mean a person is at the screen. A screen reader's SetFocus action and a switch moving on send
# focus events; typing through an input method sends InputMethod, not KeyPress.
_ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
    QEvent.Type.FocusIn,
    QEvent.Type.FocusOut,
    QEvent.Type.InputMethod,
}
# Their classes. Every event of the application passes through the filter (some 10,000 while a window is built,
# most of them plain QEvents and child or property events), and `event.type()` makes a Python enum each time (about
# 1 µs): the event's class, a set look-up, rules out most events before that call.
_ACTIVITY_CLASSES = frozenset((QMouseEvent, QTouchEvent, QKeyEvent, QWheelEvent, QFocusEvent, QInputMethodEvent))
# Widgets whose signals count as activity: only they need their Polish event looked at.
_FOLLOWABLE = (QAbstractButton, QLineEdit, QTextEdit, QPlainTextEdit)
# Marks a widget whose signals already count as activity, so it is followed once.
_FOLLOWED = "idleFollowed"


class IdleMonitor(QObject):
    """Two single-shot timers and a one-second tick only while warning: idle costs nothing.

    `warning_started(seconds)` then `countdown(seconds_left)` each second, and
    `expired()` at zero; any touch before the warning restarts the wait, but
    once the warning shows, only "I need more time" (`extend()`) keeps the page.
    `hold(seconds)` instead counts a fixed time that no touch changes and no warning interrupts.

    Assistive technology acts without input events: a Press or Toggle action calls click() or toggle(), and
    text set through the accessible interface calls setText(). So every button's clicked and toggled, and every
    text field's textChanged, count as a touch too (`follow`); a widget is followed when Qt first polishes it.
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

    def note_activity(self) -> None:
        """Someone did something (however it reached us): the wait starts over, as for a touch."""
        if self._active and not self.warning:
            self._wait.start(self.timeout_seconds * self.second_ms)

    def follow(self, root: QObject) -> None:
        """Count the clicks, toggles and text changes of `root` and every widget under it as activity."""
        for widget in (root, *root.findChildren(QObject)):
            self._follow_one(widget)

    def _follow_one(self, widget: QObject) -> None:
        if widget.property(_FOLLOWED):
            return
        if isinstance(widget, QAbstractButton):
            widget.clicked.connect(self.note_activity)
            widget.toggled.connect(self.note_activity)
        elif isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit)):
            widget.textChanged.connect(self.note_activity)
        else:
            return
        widget.setProperty(_FOLLOWED, True)

    def extend(self) -> None:
        if self._active:
            self.watch(True)

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Restarting a timer on each touch is cheap and keeps the loop free of polling.
        kind = type(event)
        if kind in _ACTIVITY_CLASSES:
            if event.type() in _ACTIVITY:
                self.note_activity()
        elif kind is QEvent and isinstance(watched, _FOLLOWABLE) and event.type() == QEvent.Type.Polish:
            # Polish is sent once per widget, before it first shows: widgets of screens built later are followed too.
            self._follow_one(watched)
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
