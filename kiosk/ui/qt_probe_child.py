"""The child's side of the doctor's Qt probe (`kiosk doctor --qt-probe`): what Qt finds, printed as one JSON line.

In ui, not ops: it uses the kiosk's own fonts and full-screen placement, so the doctor tests what the kiosk
will really do. The parent's side and the checks built on it are in kiosk.ops.qt_probe.
"""

from __future__ import annotations

import json
import os
import time
from typing import TYPE_CHECKING, Any

from kiosk.ops.qt_probe import FULL_SCREEN_WAIT_S, SAMPLE_LETTERS

if TYPE_CHECKING:
    from kiosk.qt import QGuiApplication, QRect, QScreen


def run_probe() -> int:
    """Print what Qt finds as one JSON line; the parent turns it into checks."""
    print(json.dumps(_probe()))
    return 0


def _probe() -> dict[str, Any]:
    from kiosk.qt import QCoreApplication, QFont, QFontDatabase, QFontMetrics, QGuiApplication, qVersion

    from kiosk.ui.fonts import FONT_FAMILIES

    app = QGuiApplication([])
    screen = app.primaryScreen()
    size = screen.geometry().size() if screen is not None else None
    families = QFontDatabase.families()
    vietnamese = [f for f in families if QFontDatabase.WritingSystem.Vietnamese in QFontDatabase.writingSystems(f)]
    kiosk_font = next((family for family in FONT_FAMILIES if family in families), "")
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    metrics = QFontMetrics(font)
    contexts = [os.path.join(folder, "platforminputcontexts") for folder in QCoreApplication.libraryPaths()]
    speech_error, speech_locales = _speech()
    sound_error, audio_outputs = _sound()
    measured = screen is not None and app.platformName() != "offscreen"
    return {
        "platform": app.platformName(),
        "qt_version": qVersion(),
        "screen": [size.width(), size.height()] if size is not None else None,
        "screen_area": _rect(screen.geometry()) if screen is not None else None,
        "full_screen_area": _full_screen_area(app, screen) if measured and screen is not None else None,
        "kiosk_font": kiosk_font,
        "kiosk_font_covers": bool(kiosk_font) and all(metrics.inFontUcs4(ord(c)) for c in SAMPLE_LETTERS),
        "fonts_with_vietnamese": vietnamese[:5],
        "keyboard_plugin": any(
            "virtualkeyboard" in name for folder in contexts if os.path.isdir(folder) for name in os.listdir(folder)
        ),
        "speech_error": speech_error,
        "speech_locales": speech_locales,
        "sound_error": sound_error,
        "audio_outputs": audio_outputs,
    }


def _rect(rect: QRect) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


def _full_screen_area(app: QGuiApplication, screen: QScreen) -> list[int]:
    """Where a window made full-screen as the kiosk makes its own really lands, as the window system says.

    Shown for a moment: the platform (or a window manager) may move, shrink or refuse it, which is what IT needs
    to know before a patient sees a kiosk cut off at the screen's edge.
    """
    from kiosk.qt import QPoint, QWindow

    from kiosk.ui.full_screen import fill_screen

    window = QWindow(screen)
    window.setTitle("Clinic kiosk doctor")
    fill_screen(window, screen)
    wanted = screen.geometry()
    deadline = time.monotonic() + FULL_SCREEN_WAIT_S
    while time.monotonic() < deadline and not (window.isExposed() and window.geometry() == wanted):
        app.processEvents()
        time.sleep(0.01)
    settle = time.monotonic() + 0.2  # a window manager's own answer can follow the first placement
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.01)
    # The top-left corner from the window system itself (on X11 a round trip to the server), not Qt's cache.
    corner = window.mapToGlobal(QPoint(0, 0))
    area = [corner.x(), corner.y(), window.width(), window.height()]
    window.destroy()
    return area


def _sound() -> tuple[str, list[str]]:
    """The outputs the console's urgent chime could play through (Qt Multimedia loads only here, on use)."""
    try:
        from kiosk.qt import QMediaDevices
    except ImportError as exc:  # Qt Multimedia needs libpulse on Linux
        return str(exc)[:300], []
    return "", [device.description() for device in QMediaDevices.audioOutputs()]


def _speech() -> tuple[str, dict[str, list[str]]]:
    import importlib

    try:
        # Imported by name, not through kiosk.qt: the module needs libpulse, which many kiosk PCs lack,
        # and a failed import in kiosk.qt would stop every verb instead of this one check.
        speech = importlib.import_module("PySide6.QtTextToSpeech")
    except ImportError as exc:
        return str(exc)[:300], {}
    locales: dict[str, list[str]] = {}
    for engine in speech.QTextToSpeech.availableEngines():
        if engine == "mock":  # Qt's engine for its own tests: it makes no sound
            continue
        voice = speech.QTextToSpeech(engine)
        locales[engine] = sorted({locale.name() for locale in voice.availableLocales()})
    return "", locales
