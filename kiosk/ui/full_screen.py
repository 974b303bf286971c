"""Keeps the kiosk window covering the whole screen it is on, with or without a window manager.

`showFullScreen()` only asks a window manager for full-screen (`_NET_WM_STATE_FULLSCREEN` on X11). With none
(bare X under xinit, the set-up the docs recommend) nobody answers and the window keeps its size, so the kiosk
also sets its own geometry to its screen's, and again whenever that screen changes: a new resolution, a
rotation, a monitor plugged in or out. The staff exit corner is measured from the window (CornerHold), so it
then sits at the screen's corner too.
"""

from __future__ import annotations

import logging

from kiosk.qt import QGuiApplication, QObject, QRect, QScreen, Qt, QTimer, QWidget, QWindow

log = logging.getLogger(__name__)


def places_itself(platform: str) -> bool:
    """Whether the kiosk sets its own position and size on this Qt platform.

    Not on Wayland: there the compositor alone places and sizes windows (cage makes every window full-screen),
    a client's position is ignored and a size it picks only fights the compositor's.
    """
    return not platform.startswith("wayland")


def kiosk_screen(current: QScreen | None) -> QScreen | None:
    """The screen to fill: the window's own while it is connected and has an area, else the primary one."""
    if current is not None and current in QGuiApplication.screens() and not current.geometry().isEmpty():
        return current
    return QGuiApplication.primaryScreen()


def describe(rect: QRect) -> str:
    return f"{rect.width()}x{rect.height()}+{rect.x()}+{rect.y()}"


def fill_screen(window: QWidget | QWindow, screen: QScreen) -> bool:
    """Make `window` full-screen on `screen`, with its geometry set too; True if anything had to change."""
    geometry = screen.geometry()
    changed = False
    if places_itself(QGuiApplication.platformName()) and window.geometry() != geometry:
        # Before showFullScreen on the first show, so the window is created at the screen's size and place.
        window.setGeometry(geometry)
        changed = True
    if not (window.isVisible() and window.windowState() & Qt.WindowState.WindowFullScreen):
        window.showFullScreen()
        changed = True
    return changed


class FullScreenKeeper(QObject):
    """Fills the window's screen now and after every change of screens (`kiosk run` without --windowed).

    Changes are followed through every signal Qt gives for them, and each only schedules one fit: a rotation
    or a monitor plugged in sends several in a row, and fitting is cheap and idempotent anyway.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.started = False
        self._again = QTimer(self)
        self._again.setSingleShot(True)
        self._again.setInterval(0)
        self._again.timeout.connect(self.fit)

    def start(self) -> None:
        if self.started:
            self.fit()
            return
        self.started = True
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        app.screenAdded.connect(self._screen_added)
        app.screenRemoved.connect(self.refit)
        app.primaryScreenChanged.connect(self.refit)
        for screen in QGuiApplication.screens():
            screen.geometryChanged.connect(self.refit)
        self.fit()
        handle = self.window.windowHandle()
        if handle is not None:  # made by the first show, in fit()
            handle.screenChanged.connect(self.refit)

    def _screen_added(self, screen: QScreen) -> None:
        screen.geometryChanged.connect(self.refit)
        self.refit()

    def refit(self, *_changed: object) -> None:
        self._again.start()

    def fit(self) -> None:
        screen = kiosk_screen(self.window.screen())
        if screen is None:
            log.warning("full-screen: no screen is connected; the window keeps its size until one is")
            return
        if fill_screen(self.window, screen):
            log.info("full-screen on screen %r, %s", screen.name(), describe(screen.geometry()))
