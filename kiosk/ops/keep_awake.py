"""Keep the screen on while the clinic is open: a screen-saver inhibit on Linux, the execution state on Windows.

Both are held by this process, so they end with it: a crashed or closed kiosk never leaves a PC unable to sleep.
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.ScreenSaver"
PATH = "/org/freedesktop/ScreenSaver"
APP_NAME = "Clinic kiosk"
REASON = "showing patient information during opening hours"
LINUX_FIX = (
    "the screen may blank during opening hours: no org.freedesktop.ScreenSaver service on the session bus;"
    " turn off screen blanking in the kiosk session (for example `xset s off -dpms`, or the desktop's power settings)"
)

# Windows SetThreadExecutionState flags (winbase.h).
ES_CONTINUOUS = 0x80000000
ES_SYSTEM_REQUIRED = 0x00000001
ES_DISPLAY_REQUIRED = 0x00000002


class KeepAwake:
    """`acquire()` stops the screen saver and display sleep, `release()` allows them again; never raises."""

    def __init__(self) -> None:
        self.held = False
        self._cookie: int | None = None
        self._warned = False

    def acquire(self) -> None:
        if self.held:
            return
        if sys.platform == "win32":
            self.held = _set_windows_state(ES_CONTINUOUS | ES_DISPLAY_REQUIRED | ES_SYSTEM_REQUIRED)
        else:
            self._cookie = self._inhibit()
            self.held = self._cookie is not None
        if self.held:
            log.info("screen kept on (opening hours)")

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        if sys.platform == "win32":
            _set_windows_state(ES_CONTINUOUS)
        elif self._cookie is not None:
            self._uninhibit(self._cookie)
            self._cookie = None
        log.info("screen may sleep again (clinic closed)")

    # -- Linux: the freedesktop screen-saver interface on the session bus ---------------------------------
    def _inhibit(self) -> int | None:
        from kiosk.qt import QDBusConnection, QDBusInterface

        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            self._warn("no D-Bus session bus")
            return None
        screensaver = QDBusInterface(SERVICE, PATH, SERVICE, bus)
        if not screensaver.isValid():
            self._warn("no screen-saver service")
            return None
        reply = screensaver.call("Inhibit", APP_NAME, REASON)
        arguments = reply.arguments()
        if reply.errorMessage() or not arguments or not isinstance(arguments[0], int):
            self._warn("the screen-saver service refused")
            return None
        return arguments[0]

    def _uninhibit(self, cookie: int) -> None:
        from kiosk.qt import Q_ARG, QDBusConnection, QDBusInterface, QMetaObject, Qt

        screensaver = QDBusInterface(SERVICE, PATH, SERVICE, QDBusConnection.sessionBus())
        # Called through the introspected interface so the cookie goes out as the D-Bus uint the method
        # takes: a plain call() would send a Python int as a signed int and the service would not match it.
        ok = screensaver.isValid() and QMetaObject.invokeMethod(
            screensaver, "UnInhibit", Qt.ConnectionType.DirectConnection, Q_ARG("uint", cookie)
        )
        if not ok:
            log.warning("could not lift the screen-saver inhibit; it ends when the kiosk exits")

    def _warn(self, what: str) -> None:
        if not self._warned:  # once: the kiosk tries again at every opening
            self._warned = True
            log.warning("%s: %s", what, LINUX_FIX)


def _set_windows_state(flags: int) -> bool:
    if sys.platform != "win32":  # also tells mypy that windll exists below
        return False
    import ctypes

    try:
        previous = ctypes.windll.kernel32.SetThreadExecutionState(flags)
    except OSError:
        previous = 0
    if not previous:
        log.warning("Windows refused to keep the screen on; set the power plan's display timeout to Never")
    return bool(previous)
