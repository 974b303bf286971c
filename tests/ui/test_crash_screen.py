"""An uncaught error never shows a traceback: calm words for the patient, type and frames for the log, then attract."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QTimer

from kiosk.ops.exit_codes import EXIT_CRASHED
from kiosk.services.navigation import ATTRACT, Route, Screen
from kiosk.ui.app import CrashHandler, install_crash_handler
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import MakeWindow
from tests.ui.helpers import visible_texts

# What a failing slot might carry in its message: it must reach neither the screen nor the log.
PATIENT_TEXT = "Maria Quintero 504-555-0142"


def _fail_in_a_slot() -> None:
    QTimer.singleShot(0, _raise)


def _raise() -> None:
    raise ValueError(f"could not save {PATIENT_TEXT}")


@pytest.fixture
def handled(make_window: MakeWindow) -> Iterator[tuple[KioskWindow, CrashHandler]]:
    window = make_window()
    handler = install_crash_handler(window, crash_screen_ms=200)  # the real screen stays 8 s
    yield window, handler
    handler.uninstall()


def test_an_error_in_a_slot_shows_the_crash_screen_then_the_attract_loop(
    qtbot: QtBot, handled: tuple[KioskWindow, CrashHandler], caplog: pytest.LogCaptureFixture
) -> None:
    window, _handler = handled
    window.go(Route(Screen.HOME))
    with caplog.at_level(logging.ERROR):
        _fail_in_a_slot()
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.crash_screen, timeout=5000)

    shown = " ".join(visible_texts(window).values())
    assert "Sorry, something went wrong." in shown
    assert "Please see the front desk" in shown
    assert window.context.settings.clinic.phone in shown
    assert "Traceback" not in shown and "ValueError" not in shown and PATIENT_TEXT not in shown
    assert not window.top_bar.isVisible()

    logged = caplog.text
    assert "builtins.ValueError" in logged
    assert "test_crash_screen.py" in logged and "in _raise" in logged  # where it happened
    assert PATIENT_TEXT not in logged and "could not save" not in logged  # never the message

    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract, timeout=5000)
    assert window.navigator.current == ATTRACT


def test_the_crash_screen_speaks_the_patients_language_and_start_again_goes_home_at_once(
    qtbot: QtBot, handled: tuple[KioskWindow, CrashHandler]
) -> None:
    window, _handler = handled
    window.crash_timer.setInterval(60_000)  # the button, not the timer, ends this one
    window.texts.set_language("es")
    _fail_in_a_slot()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.crash_screen, timeout=5000)
    assert "Lo sentimos, algo salió mal." in visible_texts(window).values()

    window.crash_screen.start_again.click()
    assert window.stack.currentWidget() is window.attract
    assert window.texts.language == "en"  # the next patient starts in the default language
    assert not window.crash_timer.isActive()


def test_repeated_errors_exit_with_a_crash_code_so_the_supervisor_restarts_clean(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    now = [100.0]
    quits: list[int] = []
    handler = CrashHandler(window, clock=lambda: now[0], quit_application=quits.append)
    handler.install()
    try:
        for seconds in (0.0, 70.0, 80.0):  # the first is over a minute before the third: only two count
            now[0] = 100.0 + seconds
            _fail_in_a_slot()
            qtbot.waitUntil(lambda: window.stack.currentWidget() is window.crash_screen, timeout=5000)
            window.reset_for_next_patient()
        assert quits == []
        now[0] = 185.0
        _fail_in_a_slot()
        qtbot.waitUntil(lambda: quits == [EXIT_CRASHED], timeout=5000)
    finally:
        handler.uninstall()
    assert EXIT_CRASHED not in (0, 3)  # never the normal or the staff-quit code


def test_an_error_in_a_worker_thread_is_logged_and_leaves_the_screen_alone(
    handled: tuple[KioskWindow, CrashHandler], caplog: pytest.LogCaptureFixture
) -> None:
    window, _handler = handled
    with caplog.at_level(logging.ERROR):
        worker = threading.Thread(target=_raise, name="daily-backup")
        worker.start()
        worker.join()
        QApplication.processEvents()
    assert window.stack.currentWidget() is window.attract
    assert "uncaught error in thread daily-backup" in caplog.text and "builtins.ValueError" in caplog.text
    assert PATIENT_TEXT not in caplog.text
