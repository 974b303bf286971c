"""Create the Qt application and the kiosk window; nothing here decides what to show."""

from __future__ import annotations

import logging
import os
import sys
import threading

from kiosk.qt import QApplication, QFont, QGuiApplication, QObject, Qt, QTimer

from kiosk.services.startup import KioskContext
from kiosk.ui.qt_log import route_qt_messages_to_log
from kiosk.ui.window import KioskWindow

log = logging.getLogger(__name__)
BACKUP_CHECK_MS = 60 * 60 * 1000  # hourly: the first check of a new day takes that day's backup
FIRST_BACKUP_CHECK_MS = 2 * 60 * 1000  # soon after start, so a kiosk switched on daily still backs up

# Families tried in order: all cover Latin, Spanish and Vietnamese letters.
FONT_FAMILIES = ["Noto Sans", "Segoe UI", "DejaVu Sans", "Arial"]


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


def build_window(context: KioskContext, width: int, height: int) -> KioskWindow:
    window = KioskWindow(context)
    window.resize(width, height)
    window.apply_size(width, height)
    return window


def render_screen(context: KioskContext, name: str, width: int, height: int, language: str) -> KioskWindow:
    """Build a window showing one named screen, laid out and painted, for a screenshot."""
    from kiosk.ui.previews import open_screen

    window = build_window(context, width, height)
    window.texts.set_language(language)
    window.show()
    if name != "attract":
        open_screen(window, name)
    QApplication.processEvents()
    return window


def schedule_backups(owner: QObject, context: KioskContext) -> QTimer | None:
    """Check hourly (and once soon after start) whether today's backup exists, and take it if not.

    The copy runs on a worker thread, so the screen never freezes for it; SQLite's WAL mode lets
    kiosks keep committing meanwhile. A failed backup is logged and retried at the next check.
    """
    database = context.database
    if database is None or database.engine.dialect.name != "sqlite":
        return None
    from kiosk.storage.backup import run_scheduled_backup
    from kiosk.storage.database import DatabaseError

    running = threading.Lock()

    def work() -> None:
        try:
            saved = run_scheduled_backup(database, context.settings)
            if saved is not None:
                log.info("daily backup saved to %s", saved)
        except (DatabaseError, OSError) as exc:
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
