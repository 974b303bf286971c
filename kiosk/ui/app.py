"""Create the Qt application and the kiosk window; nothing here decides what to show."""

from __future__ import annotations

import os
import sys

from kiosk.qt import QApplication, QFont, QGuiApplication, Qt

from kiosk.services.startup import KioskContext
from kiosk.ui.qt_log import route_qt_messages_to_log
from kiosk.ui.window import KioskWindow

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
