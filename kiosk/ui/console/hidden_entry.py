"""The staff way in from the patient kiosk: a press held 5 seconds in the window's top-left corner.

Patients never find it by chance (nothing is drawn there and a tap does nothing), and what it opens is
only the console's sign-in page: the staff account's password is the real lock.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.qt import QApplication, QEvent, QMouseEvent, QObject, QPointF, QRect, QTimer, QTouchEvent, QWidget, Signal

from kiosk.services.startup import KioskContext
from kiosk.services.workstations import this_workstation_name

CORNER_PX = 80
HOLD_MS = 5000
_PRESS = {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin}
_RELEASE = {QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel}
_MOVE = {QEvent.Type.MouseMove, QEvent.Type.TouchUpdate}


class CornerHold(QObject):
    """Emits `held()` when a press inside the top-left corner of `window` lasts HOLD_MS without leaving it."""

    held = Signal()

    def __init__(self, window: QWidget, hold_ms: int = HOLD_MS) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(hold_ms)
        self.timer.timeout.connect(self.held)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def in_corner(self, global_position: QPointF) -> bool:
        local = self.window.mapFromGlobal(global_position.toPoint())
        return QRect(0, 0, CORNER_PX, CORNER_PX).contains(local)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind not in _PRESS and kind not in _RELEASE and kind not in _MOVE:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if kind in _RELEASE:
            self.timer.stop()
            return False
        position = _global_position(event)
        inside = position is not None and self.in_corner(position)
        if kind in _PRESS and inside and not self.timer.isActive():
            self.timer.start()
        elif kind in _MOVE and not inside:
            self.timer.stop()
        return False


def _global_position(event: QEvent) -> QPointF | None:
    if isinstance(event, QMouseEvent):
        return event.globalPosition()
    if isinstance(event, QTouchEvent) and event.points():
        return event.points()[0].globalPosition()
    return None


class StaffEntry(QObject):
    """Opens the console (its sign-in page) when the corner is held; `on_return` resets the patient kiosk.

    The kiosk is reset both when the console opens (nothing a patient typed waits behind it) and when it
    closes after sign-out (the next patient finds the attract loop).
    """

    def __init__(self, window: QWidget, kiosk: KioskContext, on_return: Callable[[], None]) -> None:
        super().__init__(window)
        self.kiosk = kiosk
        self.on_return = on_return
        self.console: QWidget | None = None
        self.corner = CornerHold(window)
        self.corner.held.connect(self.open)

    def open(self) -> None:
        if self.console is not None:
            self.console.raise_()
            self.console.activateWindow()
            return
        self.on_return()
        self.console = open_console(self.kiosk, self._closed)

    def _closed(self) -> None:
        self.console = None
        self.on_return()


def open_console(kiosk: KioskContext, on_closed: Callable[[], None]) -> QWidget:
    """A console on the kiosk's own database, maximized over the patient screen, at its sign-in page.

    Signing out closes it, and so does a sign-in page or session left untouched (see ConsoleWindow's
    on_kiosk); `on_closed` runs once it has closed.
    """
    from kiosk.qt import Qt

    from kiosk.ui.console.context import ConsoleContext
    from kiosk.ui.console.window import ConsoleWindow

    window = ConsoleWindow(ConsoleContext.from_kiosk(kiosk, this_workstation_name()), on_kiosk=True)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.signed_out.connect(window.close)
    window.closed.connect(on_closed)
    window.showMaximized()
    window.raise_()
    window.activateWindow()
    return window
