"""The staff way in from the patient kiosk: a press held in one corner of the window ([lockdown] exit_corner, 5 s).

Patients never find it by chance (nothing is drawn there and a tap does nothing), and what it opens is
only the console's sign-in page: the staff account's password is the real lock.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.qt import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QEvent,
    QLineEdit,
    QMouseEvent,
    QObject,
    QPlainTextEdit,
    QPointF,
    QRect,
    QScreen,
    Qt,
    QTabBar,
    QTextEdit,
    QTimer,
    QTouchEvent,
    QWidget,
    Signal,
)

from kiosk.qt_filters import teardown_safe
from kiosk.services.startup import KioskContext

CORNER_PX = 80
HOLD_MS = 5000
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")
_PRESS = {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin}
_RELEASE = {QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel}
_MOVE = {QEvent.Type.MouseMove, QEvent.Type.TouchUpdate}
# A press on one of these is a patient using the screen (a long press on Back, in pain, is common), never the
# staff way in: the hold counts only on the corner's bare background.
_CONTROLS = (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
)


class CornerHold(QObject):
    """Emits `held()` when a press inside `corner` of `window` lasts `hold_ms` without leaving it."""

    held = Signal()

    def __init__(self, window: QWidget, hold_ms: int = HOLD_MS, corner: str = "top-left") -> None:
        super().__init__(window)
        if corner not in CORNERS:
            raise ValueError(f"exit corner must be one of {', '.join(CORNERS)}")
        self.window = window
        self.corner = corner
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(hold_ms)
        self.timer.timeout.connect(self.held)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def in_corner(self, global_position: QPointF) -> bool:
        local = self.window.mapFromGlobal(global_position.toPoint())
        return self.corner_rect().contains(local)

    def corner_rect(self) -> QRect:
        # Measured from the window's current size, so it follows full-screen and rotation.
        left = self.corner.endswith("left")
        top = self.corner.startswith("top")
        x = 0 if left else max(0, self.window.width() - CORNER_PX)
        y = 0 if top else max(0, self.window.height() - CORNER_PX)
        return QRect(x, y, CORNER_PX, CORNER_PX)

    def _on_a_control(self, widget: QWidget) -> bool:
        corner = self.corner_rect()
        current: QWidget | None = widget
        while current is not None and current is not self.window:
            if isinstance(current, _CONTROLS):
                # A control that fills the whole corner is a backdrop (the attract screen's tap-anywhere
                # surface), not something a patient aims at: there the corner stays the staff's way in.
                top_left = current.mapTo(self.window, current.rect().topLeft())
                return not QRect(top_left, current.size()).contains(corner)
            current = current.parentWidget()
        return False

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # Every event of the application passes here (~2,000 a tap while a page is built): the Python class is
        # checked first because asking a plain event its type() makes a Python enum, ~4 us each, 10% of the soak.
        if not isinstance(event, QMouseEvent | QTouchEvent):
            return False
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
        if kind in _PRESS and inside and not self.timer.isActive() and not self._on_a_control(watched):
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
    closes after sign-out (the next patient finds the attract loop). `console_open(bool)` follows the console.
    """

    console_open = Signal(bool)

    def __init__(
        self,
        window: QWidget,
        kiosk: KioskContext,
        on_return: Callable[[], None],
        corner: str = "top-left",
        hold_ms: int = HOLD_MS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.kiosk = kiosk
        self.on_return = on_return
        self.console: QWidget | None = None
        self.corner = CornerHold(window, hold_ms, corner)
        self.corner.held.connect(self.open)

    def open(self) -> None:
        if self.console is not None:
            self.console.raise_()
            self.console.activateWindow()
            return
        self.on_return()
        # Over a locked-down kiosk (which stays on top) the console must stay on top too, or it opens behind.
        on_top = bool(self.window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint)
        self.console = open_console(self.kiosk, self._closed, on_top=on_top, screen=self.window.screen())
        self.console_open.emit(True)

    def _closed(self) -> None:
        self.console = None
        self.console_open.emit(False)
        self.on_return()


def open_console(
    kiosk: KioskContext, on_closed: Callable[[], None], *, on_top: bool = False, screen: QScreen | None = None
) -> QWidget:
    """A console on the kiosk's own database, maximized over the patient screen, at its sign-in page.

    Signing out closes it, and so does a sign-in page or session left untouched (see ConsoleWindow's
    on_kiosk); `on_closed` runs once it has closed. An admin signed in there may close the kiosk app.
    """
    # Here, not at the top: it loads SQLAlchemy, which the kiosk's first frame must not wait for.
    from kiosk.services.workstations import this_workstation_name
    from kiosk.ui.console.context import ConsoleContext
    from kiosk.ui.console.window import ConsoleWindow

    window = ConsoleWindow(ConsoleContext.from_kiosk(kiosk, this_workstation_name()), on_kiosk=True)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_top:
        window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
    window.signed_out.connect(window.close)
    window.closed.connect(on_closed)
    if screen is not None:
        # Maximizing is a window manager's job: with none (bare X) the console would open at its default size in
        # a corner, the kiosk showing around it. On the kiosk's screen, sized to it, it covers it either way.
        window.setGeometry(screen.availableGeometry())
    window.showMaximized()
    window.raise_()
    window.activateWindow()
    return window
