"""Inactivity: a warning with a countdown and "I need more time", then a clean start.

The real timers run; only the length of a "second" is shortened so the 120 s wait
and the 30 s countdown pass in well under a second of test time.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import Qt

from kiosk.services.navigation import ATTRACT, Route, Screen
from kiosk.ui.window import KioskWindow

FAST_SECOND_MS = 5


def _on_a_spanish_page(window: KioskWindow) -> None:
    window.idle.set_second_ms(FAST_SECOND_MS)
    window.navigator.home()
    window.texts.set_language("es")
    window.go(Route(Screen.PROCEDURE, "si-joint-injection", 2))


def test_warning_counts_down_then_returns_to_attract_in_default_language(qtbot: QtBot, window: KioskWindow) -> None:
    _on_a_spanish_page(window)
    warning = window.idle_warning
    with qtbot.wait_signal(window.idle.warning_started, timeout=3_000):
        pass
    assert warning.isVisible()
    assert warning.countdown.text() == "30"  # the default 30 s warning, at least WCAG's 20 s
    assert warning.title.text() == "¿Sigue ahí?"  # in the patient's language
    assert warning.button.words() == "Necesito más tiempo"

    with qtbot.wait_signal(window.idle.countdown, timeout=3_000) as tick:
        pass
    assert tick.args == [29]
    assert warning.countdown.text() == "29"

    with qtbot.wait_signal(window.idle.expired, timeout=3_000):
        pass
    assert not warning.isVisible()
    assert window.navigator.current == ATTRACT
    assert window.current_screen is window.attract
    assert window.texts.language == "en"
    assert window.attract.touch_to_begin.text().startswith("Touch anywhere to begin")
    assert not window.navigator.can_go_back


def test_i_need_more_time_keeps_the_page(qtbot: QtBot, window: KioskWindow) -> None:
    _on_a_spanish_page(window)
    route = window.navigator.current
    with qtbot.wait_signal(window.idle.warning_started, timeout=3_000):
        pass
    qtbot.mouseClick(window.idle_warning.button, Qt.MouseButton.LeftButton)
    assert not window.idle_warning.isVisible()
    assert window.navigator.current == route
    assert window.texts.language == "es"
    # The wait starts over: a full time-out passes before the next warning.
    with qtbot.assert_not_emitted(window.idle.expired, wait=100):
        pass
    assert window.navigator.current == route


def test_touching_the_page_postpones_the_warning(qtbot: QtBot, window: KioskWindow) -> None:
    window.idle.set_second_ms(FAST_SECOND_MS)  # time-out: 120 x 5 ms = 0.6 s
    window.navigator.home()
    for _ in range(6):
        qtbot.wait(250)
        qtbot.mouseClick(window.home.title, Qt.MouseButton.LeftButton)
    assert not window.idle.warning  # 1.5 s passed, but never 0.6 s without a touch
    assert window.current_screen is window.home


def test_no_countdown_runs_on_the_attract_loop(qtbot: QtBot, window: KioskWindow) -> None:
    window.idle.set_second_ms(FAST_SECOND_MS)
    assert window.current_screen is window.attract
    with qtbot.assert_not_emitted(window.idle.warning_started, wait=1_000):
        pass
