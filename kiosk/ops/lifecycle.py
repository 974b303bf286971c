"""Tie the service manager to Qt's event loop: READY after the first frame, pings while it turns, stop on SIGTERM."""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
from types import FrameType

from kiosk.qt import QCoreApplication, QEvent, QObject, QSocketNotifier, QTimer, QWidget

from kiosk.ops.exit_codes import EXIT_OK
from kiosk.ops.watchdog import ServiceWatchdog
from kiosk.qt_filters import teardown_safe

log = logging.getLogger(__name__)


class WatchdogPinger(QObject):
    """Says READY once the kiosk window has painted its first frame, then pings from a timer.

    The window is watched rather than one screen, so READY comes whichever screen is first (attract, or
    closed outside opening hours); Qt paints a window before its children in one pass, and READY is queued
    behind that pass.

    A timer only fires while the event loop turns, so a kiosk stuck in a slot stops pinging and
    systemd (or `kiosk supervise`) kills and restarts it: that is the point of the watchdog.
    """

    def __init__(self, window: QWidget, watchdog: ServiceWatchdog) -> None:
        super().__init__(window)
        self._window = window
        self._watchdog = watchdog
        self._timer = QTimer(self)
        self._timer.timeout.connect(watchdog.ping)
        window.installEventFilter(self)

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._window and event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            # Queued, so READY goes out after this paint has reached the screen, not before it.
            QTimer.singleShot(0, self, self._ready)
        return False

    def _ready(self) -> None:
        self._watchdog.ready()
        interval = self._watchdog.interval_seconds
        if interval is not None:
            self._timer.start(max(100, int(interval * 1000)))
        log.info("kiosk ready%s", f"; watchdog ping every {interval:g} s" if interval is not None else "")

    def stop(self) -> None:
        self._timer.stop()
        self._watchdog.stopping()


def stop_signals() -> list[signal.Signals]:
    """The signals that ask the kiosk to stop: SIGTERM (systemd, the supervisor), SIGINT (Ctrl+C), and SIGHUP, which
    xinit sends its client's process group when the X server ends (the kiosk then closes its database too)."""
    return [signal.SIGTERM, signal.SIGINT] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])


class StopOnSignal(QObject):
    """SIGTERM, SIGINT or SIGHUP ends the event loop cleanly, so `kiosk run` exits 0 and closes its database.

    Python runs signal handlers only between bytecodes, and Qt's event loop is C++: without help a
    signal would wait for the next Python slot. signal.set_wakeup_fd writes a byte to a socket that
    a QSocketNotifier watches, so the loop wakes at once; no idle timer polls for it.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.requested = False
        self.signal_name: str | None = None  # which signal asked, for the "stopped: ..." log line
        self._receiver, self._sender = socket.socketpair()
        self._receiver.setblocking(False)
        self._sender.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._sender.fileno(), warn_on_full_buffer=False)
        self._notifier = QSocketNotifier(self._receiver.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._previous = {signum: signal.signal(signum, self._handle) for signum in stop_signals()}

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        # No logging (or any I/O) here: the handler runs between two bytecodes of whatever Python was doing, maybe
        # in the middle of writing a log line to stderr, and a second write there raises "reentrant call", which
        # would end the handler before it asks the loop to stop (the kiosk then ran on). Said in close() instead.
        self.requested = True
        self.signal_name = signal.Signals(signum).name
        # exit(), not quit(): quit() asks each window to close first, and a locked-down window refuses.
        QCoreApplication.exit(EXIT_OK)

    def _drain(self) -> None:
        with contextlib.suppress(OSError):  # nothing left to read: the handler has already run
            self._receiver.recv(512)

    def close(self) -> None:
        if self.signal_name is not None:
            log.info("stopping: %s received", self.signal_name)
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        self._receiver.close()
        self._sender.close()
