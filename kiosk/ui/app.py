"""Create the Qt application and the kiosk window; nothing here decides what to show."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from types import TracebackType

from kiosk.qt import QApplication, QCoreApplication, QEvent, QFont, QGuiApplication, QObject, Qt, QTimer, QWidget

# Any non-zero code but EXIT_STAFF_QUIT: the supervisor or systemd restarts the kiosk.
from kiosk.ops.exit_codes import EXIT_CRASHED
from kiosk.qt_filters import teardown_safe
from kiosk.services.startup import KioskContext
from kiosk.ui.fonts import FONT_FAMILIES
from kiosk.ui.presentation import Look
from kiosk.ui.qt_log import route_qt_messages_to_log
from kiosk.ui.window import KioskWindow

log = logging.getLogger(__name__)
BACKUP_CHECK_MS = 60 * 60 * 1000  # hourly: the first check of a new day takes that day's backup
FIRST_BACKUP_CHECK_MS = 2 * 60 * 1000  # soon after start, so a kiosk switched on daily still backs up

# A window that is never painted (no compositor, a screen that stays off) still opens its database after this long.
FIRST_FRAME_FALLBACK_MS = 10_000

CRASHES_BEFORE_RESTART = 3  # this many uncaught errors within CRASH_WINDOW_S: start afresh instead
CRASH_WINDOW_S = 60.0


def has_display() -> bool:
    """False on a Linux machine with no X11 or Wayland screen to draw on."""
    if os.environ.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    route_qt_messages_to_log()
    app = QApplication(["kiosk"])
    app.setApplicationName("Clinic kiosk")
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPixelSize(28)
    app.setFont(font)
    return app


def build_window(context: KioskContext, width: int, height: int, *, all_screens: bool = True) -> KioskWindow:
    """The kiosk window at this size. `kiosk run` passes all_screens=False and builds the screens after attract
    once its first frame is up (KioskWindow.build_all_screens); they are built on first use until then."""
    window = KioskWindow(context)
    window.resize(width, height)
    window.apply_size(width, height)
    if all_screens:
        window.build_all_screens()
    return window


class AfterFirstFrame(QObject):
    """Calls `then` once, right after `widget`'s first frame is painted, or after `fallback_ms` if none comes.

    The call is queued behind that paint, so the frame is on the display before slow work starts. `kiosk run`
    opens its database this way: a patient sees the attract loop while SQLAlchemy, SQLCipher and the migration
    check load, and the loop is busy with them before it can read a tap.
    """

    def __init__(self, widget: QWidget, then: Callable[[], None], fallback_ms: int = FIRST_FRAME_FALLBACK_MS) -> None:
        super().__init__(widget)
        self._widget = widget
        self._then = then
        self.done = False
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(fallback_ms)
        self._fallback.timeout.connect(self._run)
        self._fallback.start()
        widget.installEventFilter(self)

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        if self.done:
            return
        self.done = True
        self._fallback.stop()  # no timer left running on the idle attract loop
        self._widget.removeEventFilter(self)
        self._then()


def render_screen(
    context: KioskContext,
    name: str,
    width: int,
    height: int,
    language: str,
    look: Look | None = None,
) -> KioskWindow:
    """Build a window showing one named screen, laid out and painted, for a screenshot."""
    from kiosk.ui.previews import open_screen

    window = build_window(context, width, height)
    window.texts.set_language(language)
    if look is not None:
        window.presentation.apply(look)
    window.show()
    if name != "attract":
        open_screen(window, name)
    # A few turns: wrapped words that need more height ask for a second layout pass, as they would on screen.
    for _ in range(3):
        QApplication.processEvents()
    return window


def schedule_backups(owner: QObject, context: KioskContext) -> QTimer | None:
    """Check hourly (and once soon after start) whether today's backup exists, and take it if not.

    The copy runs on a worker thread, so the screen never freezes for it; SQLite's WAL mode lets
    kiosks keep committing meanwhile. A failed backup is logged and retried at the next check.
    """
    database = context.database
    from kiosk.services.daily_backup import BackupFailedError, take_daily_backup, takes_daily_backups

    if database is None or not takes_daily_backups(database):
        return None

    running = threading.Lock()

    def work() -> None:
        try:
            saved = take_daily_backup(database, context.settings)
            if saved is not None:
                log.info("daily backup saved to %s", saved)
        except BackupFailedError as exc:
            log.error("daily backup failed: %s", exc)
        finally:
            running.release()

    def check() -> None:
        if running.acquire(blocking=False):  # one at a time, even if a copy takes longer than an hour
            threading.Thread(target=work, name="daily-backup", daemon=True).start()

    timer = QTimer(owner)
    timer.setInterval(BACKUP_CHECK_MS)
    timer.timeout.connect(check)
    timer.start()
    QTimer.singleShot(FIRST_BACKUP_CHECK_MS, owner, check)
    return timer


def describe_exception(kind: type[BaseException], tb: TracebackType | None) -> str:
    """The exception's type and where it happened (file, line, function), for the log.

    Never the exception's message, its arguments or any local value: those can carry what a patient
    typed (a name in a ValueError, a phone number in a database error), and the log must not.
    """
    frames = traceback.extract_tb(tb)
    lines = [f"{kind.__module__}.{kind.__qualname__}"]
    lines += [f"  {frame.filename}:{frame.lineno} in {frame.name}" for frame in frames]
    return "\n".join(lines)


class CrashHandler:
    """Uncaught exceptions: details to the log, the calm crash screen to the patient, then the attract loop.

    Errors that keep coming (CRASHES_BEFORE_RESTART within CRASH_WINDOW_S) mean the kiosk is in a bad state:
    it exits with EXIT_CRASHED so its supervisor starts a clean one.
    """

    def __init__(
        self,
        window: KioskWindow,
        *,
        clock: Callable[[], float] = time.monotonic,
        quit_application: Callable[[int], None] = QCoreApplication.exit,
    ) -> None:
        self.window = window
        self.clock = clock
        self.quit_application = quit_application
        self.recent: list[float] = []
        self._previous_hooks = (sys.excepthook, threading.excepthook)

    def install(self) -> None:
        sys.excepthook = self.on_exception
        threading.excepthook = self.on_thread_exception

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous_hooks

    def on_exception(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):  # Ctrl+C in a terminal: someone wants it to stop, not a crash
            self.quit_application(0)
            return
        log.error("uncaught error in the kiosk: %s", describe_exception(kind, tb))
        now = self.clock()
        self.recent = [at for at in self.recent if now - at < CRASH_WINDOW_S] + [now]
        if len(self.recent) >= CRASHES_BEFORE_RESTART:
            log.critical(
                "%d uncaught errors within %d s: exiting with code %d so the kiosk restarts clean",
                len(self.recent),
                CRASH_WINDOW_S,
                EXIT_CRASHED,
            )
            self.quit_application(EXIT_CRASHED)
            return
        try:
            self.window.show_crash_screen()
        except Exception as failed:  # the window itself is broken: only a restart helps
            log.critical("the crash screen failed too (%s): exiting to restart", type(failed).__name__)
            self.quit_application(EXIT_CRASHED)

    def on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        # Worker threads never touch the screen (see schedule_backups): log only, the kiosk carries on.
        name = args.thread.name if args.thread is not None else "?"
        log.error("uncaught error in thread %s: %s", name, describe_exception(args.exc_type, args.exc_traceback))


def install_crash_handler(window: KioskWindow, *, crash_screen_ms: int | None = None) -> CrashHandler:
    """No traceback ever reaches the patient: see CrashHandler. `crash_screen_ms` shortens the screen for tests."""
    if crash_screen_ms is not None:
        window.crash_timer.setInterval(crash_screen_ms)
    handler = CrashHandler(window)
    handler.install()
    return handler
