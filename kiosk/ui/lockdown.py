"""Lock-down for the patient window: keys, close requests and menus go nowhere; opening hours switch the screen.

What an app cannot do itself (stop the OS from switching windows, or a session from offering other apps) is
the kiosk user's session's job: see docs/it/install.md, "Lock-down" (cage on Linux, Assigned Access on Windows).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from kiosk.qt import QApplication, QCursor, QEvent, QKeyEvent, QObject, Qt, QTimer, QWidget, Signal

from kiosk.config.settings import OpeningHours
from kiosk.qt_filters import teardown_safe
from kiosk.services.opening_hours import NextOpening, is_open, next_change, next_opening

log = logging.getLogger(__name__)

_KEY_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride}
_SWALLOWED = {*_KEY_EVENTS, QEvent.Type.ContextMenu}
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
)
# Keys that leave, switch, close or open something; typing, Tab, Enter and arrows stay for keypad users.
_BLOCKED_KEYS = {
    Qt.Key.Key_Escape,
    Qt.Key.Key_Close,
    Qt.Key.Key_Menu,
    Qt.Key.Key_Meta,
    Qt.Key.Key_Super_L,
    Qt.Key.Key_Super_R,
    Qt.Key.Key_Alt,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_Back,
    Qt.Key.Key_Forward,
    Qt.Key.Key_HomePage,
    Qt.Key.Key_Print,
    Qt.Key.Key_SysReq,
}
MAX_TIMER_MS = 24 * 60 * 60 * 1000  # a timer wakes at least daily, so a clock change is caught within a day


def is_blocked_key(event: QKeyEvent) -> bool:
    key = event.key()
    if key in _BLOCKED_KEYS or Qt.Key.Key_F1.value <= key <= Qt.Key.Key_F35.value:
        return True
    modifiers = event.modifiers() & _COMMAND_MODIFIERS
    if not modifiers:
        return False
    if not modifiers & Qt.KeyboardModifier.AltModifier or modifiers & Qt.KeyboardModifier.MetaModifier:
        return True  # Ctrl+W, Ctrl+Q, Ctrl+A, the Windows key...
    # Alt or Ctrl+Alt: AltGr arrives as Ctrl+Alt on Windows and types "@" on a Spanish keyboard, so a printable
    # character still goes through; Alt+F4 and Alt+Tab carry none.
    text = event.text()
    return not (text and text.isprintable())


class LockdownGuard(QObject):
    """An application event filter that swallows escape keys and context menus aimed at the kiosk window.

    Other windows (the staff console opened over the kiosk) are left alone: staff type passwords there.
    """

    def __init__(self, window: QWidget, *, hide_cursor: bool) -> None:
        super().__init__(window)
        self.window = window
        self.hide_cursor = hide_cursor
        self._cursor_hidden = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.set_cursor_hidden(hide_cursor)

    def set_cursor_hidden(self, hidden: bool) -> None:
        """Hide the pointer over the kiosk (lockdown.hide_cursor); shown again while the staff console is open."""
        hidden = hidden and self.hide_cursor
        if hidden and not self._cursor_hidden:
            QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
        elif not hidden and self._cursor_hidden:
            QApplication.restoreOverrideCursor()
        self._cursor_hidden = hidden

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind not in _SWALLOWED:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if kind == QEvent.Type.ContextMenu:
            return True  # right-click and touch long-press menus (copy, paste, select all) stay shut
        return isinstance(event, QKeyEvent) and is_blocked_key(event)


class OpeningHoursWatch(QObject):
    """Says whether the clinic is open now and wakes once at the next opening or closing: no polling.

    `changed(open, next_opening)` after `start()` and at each change; `next_opening` is a NextOpening or None.
    """

    changed = Signal(bool, object)

    def __init__(
        self, hours: OpeningHours, parent: QObject | None = None, clock: Callable[[], dt.datetime] = dt.datetime.now
    ) -> None:
        super().__init__(parent)
        self.hours = hours
        self.clock = clock
        self.open: bool | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.open = None
        self.check()

    def check(self) -> None:
        now = self.clock()
        open_now = is_open(self.hours, now)
        upcoming: NextOpening | None = None if open_now else next_opening(self.hours, now)
        if open_now != self.open:
            self.open = open_now
            log.info("clinic %s", "open: screen kept on" if open_now else "closed")
            self.changed.emit(open_now, upcoming)
        change = next_change(self.hours, now)
        if change is None:
            self.timer.stop()
            return
        # A wake-up that comes early (clock changes, DST) finds nothing changed and simply sleeps again.
        delay_ms = int((change - now).total_seconds() * 1000) + 1000
        self.timer.start(max(1000, min(delay_ms, MAX_TIMER_MS)))
