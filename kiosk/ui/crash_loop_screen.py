"""What patients see while `kiosk supervise` waits to start a kiosk that keeps failing: calm words, not a black screen.

Its own small process (`kiosk supervise --out-of-service-screen`), built from the settings and the strings only:
no database, no content pages, nothing a kiosk that cannot start could break again. When the settings cannot
be read (a common reason for a crash loop) the built-in defaults stand in. The supervisor ends it once a kiosk
is ready again; the kiosk's own window, mapped later, is already on top of it.
"""

from __future__ import annotations

import logging

from kiosk.qt import QApplication, QCloseEvent, QFont, QKeyEvent, QLabel, Qt, QVBoxLayout, QWidget

from kiosk.config.errors import SettingsError
from kiosk.config.settings import Settings
from kiosk.i18n.strings import StringCatalog, available_languages
from kiosk.ui.fonts import FONT_FAMILIES
from kiosk.ui.full_screen import FullScreenKeeper
from kiosk.ui.screens.base import text_label
from kiosk.ui.theme import Metrics, stylesheet

log = logging.getLogger(__name__)
TITLE = "Clinic kiosk: out of service"


def load_settings_or_defaults(config: str | None) -> Settings:
    from kiosk.config.loader import load_settings

    try:
        return load_settings(config, available_languages())[0]
    except SettingsError:
        return Settings()  # the kiosk's own log says what is wrong with the file; patients need only calm words


class CrashLoopWindow(QWidget):
    """The clinic's name, the out-of-service words in every enabled language (the default first), the phone."""

    def __init__(self, settings: Settings, strings: StringCatalog, metrics: Metrics) -> None:
        super().__init__()
        self.setStyleSheet(stylesheet(metrics))
        # The closed screen's dim, still look (kiosk.qss styles #Closed): calm, and kind to the display.
        self.setObjectName("Closed")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(TITLE)
        languages = settings.languages
        ordered = [languages.default, *(code for code in languages.enabled if code != languages.default)]
        first = ordered[0]
        gap = metrics.px("pad2")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(gap, gap, gap, gap)
        layout.setSpacing(metrics.px("pad") // 2)
        layout.addStretch(2)
        self.labels: list[QLabel] = []

        def add(role: str, name: str, words: str) -> None:
            label = text_label(role, name)
            label.setText(words)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
            self.labels.append(label)

        add("section-title", "CrashLoopClinic", settings.clinic.name)
        for code in ordered:
            layout.addSpacing(gap)
            add("title" if code == first else "subtitle", "CrashLoopTitle", strings.text(code, "out_of_service.title"))
            add("subtitle" if code == first else "note", "CrashLoopBody", strings.text(code, "out_of_service.body"))
            # The phone in each language's own words: a patient who reads only Vietnamese still learns to call.
            phone = strings.text(code, "crash.call_us", phone=settings.clinic.phone)
            add("subtitle" if code == first else "note", "CrashLoopPhone", phone)
        layout.addStretch(3)
        self.setAccessibleName(strings.text(first, "out_of_service.title"))
        if settings.lockdown.enabled and settings.lockdown.hide_cursor:
            self.setCursor(Qt.CursorShape.BlankCursor)
        self.keeper = FullScreenKeeper(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        event.accept()  # nothing to do here, and no key may reach what is behind the screen

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        event.ignore()  # only the supervisor ends this screen


def show(config: str | None) -> int:
    """Run the screen until the supervisor ends the process."""
    settings = load_settings_or_defaults(config)
    strings = StringCatalog.load(settings.languages.enabled, settings.languages.default)
    app = QApplication.instance() or QApplication(["kiosk"])
    assert isinstance(app, QApplication)
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPixelSize(28)
    app.setFont(font)
    screen = app.primaryScreen()
    size = screen.geometry() if screen is not None else None
    metrics = Metrics.for_size(size.width(), size.height()) if size is not None else Metrics(1.0)
    window = CrashLoopWindow(settings, strings, metrics)
    window.keeper.start()
    log.info("out-of-service screen shown while the kiosk cannot start")
    return app.exec()
