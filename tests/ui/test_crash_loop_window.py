"""The out-of-service screen the supervisor shows while a kiosk cannot start: every enabled language, with the phone."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.config.settings import ClinicSettings, LanguageSettings, Settings
from kiosk.i18n.strings import StringCatalog
from kiosk.ui.crash_loop_screen import CrashLoopWindow
from kiosk.ui.theme import Metrics


def test_each_language_says_out_of_service_and_how_to_call_in_its_own_words(qtbot: QtBot) -> None:
    settings = Settings(
        clinic=ClinicSettings(name="Bayou Pain Clinic", phone="(504) 555-0100"),
        languages=LanguageSettings(enabled=("en", "es", "vi"), default="es"),
    )
    strings = StringCatalog.load(settings.languages.enabled, settings.languages.default)
    window = CrashLoopWindow(settings, strings, Metrics.for_size(1920, 1080))
    qtbot.addWidget(window)
    shown = [label.text() for label in window.labels]

    assert shown[0] == "Bayou Pain Clinic"
    assert shown[1] == strings.text("es", "out_of_service.title")  # the clinic's default language first
    for code in ("en", "es", "vi"):
        assert strings.text(code, "out_of_service.body") in shown
        assert strings.text(code, "crash.call_us", phone="(504) 555-0100") in shown
    assert "Hoặc gọi cho chúng tôi số (504) 555-0100" in shown
