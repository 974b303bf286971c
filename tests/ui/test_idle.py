"""Inactivity: a warning with a countdown and "I need more time", then a clean start.

The real timers run; only the length of a "second" is shortened so the 120 s wait
and the 30 s countdown pass in well under a second of test time.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import (
    QApplication,
    QEvent,
    QFocusEvent,
    QInputMethodEvent,
    QKeyEvent,
    QMouseEvent,
    QPoint,
    QPointF,
    QPushButton,
    QResizeEvent,
    QSize,
    Qt,
    QTouchEvent,
    QWheelEvent,
    QWidget,
)

from kiosk.services.navigation import ATTRACT, Route, Screen
from kiosk.ui.idle import IdleMonitor
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import restarts_the_idle_wait

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
    window.navigator.home()
    for _ in range(3):
        touch = functools.partial(qtbot.mouseClick, window.home.title, Qt.MouseButton.LeftButton)
        assert restarts_the_idle_wait(window.idle, touch)
    assert not window.idle.warning
    assert window.current_screen is window.home


def test_no_countdown_runs_on_the_attract_loop(qtbot: QtBot, window: KioskWindow) -> None:
    window.idle.set_second_ms(FAST_SECOND_MS)
    assert window.current_screen is window.attract
    with qtbot.assert_not_emitted(window.idle.warning_started, wait=1_000):
        pass


@pytest.fixture
def watching(qtbot: QtBot) -> Iterator[tuple[IdleMonitor, QWidget]]:
    """A monitor counting a long wait on a page with one widget; the wait is then made longer, so a wait that
    starts over after an event has more time left than the first could have."""
    monitor = IdleMonitor(timeout_seconds=100, warning_seconds=30)
    page = QWidget()
    page.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)  # as a scrolling page does (elsewhere: mouse events)
    qtbot.add_widget(page)
    monitor.watch(True)
    monitor.timeout_seconds = 1_000
    yield monitor, page
    monitor.release()


def _wait_started_over(monitor: IdleMonitor) -> bool:
    # The first wait was 100 s and a restart gives 1,000 s; half-way between, as Qt's coarse timers run a little over.
    return monitor._wait.remainingTime() > 500 * monitor.second_ms


def _activity_events() -> dict[str, QEvent]:
    point = QPointF(5, 5)
    return {
        "touch": QTouchEvent(QEvent.Type.TouchBegin),
        "press": QMouseEvent(
            QEvent.Type.MouseButtonPress,
            point,
            point,
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        ),
        "key": QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier),
        "wheel": QWheelEvent(
            point,
            point,
            QPoint(0, 0),
            QPoint(0, 120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        ),
        "focus": QFocusEvent(QEvent.Type.FocusIn),
        "input method": QInputMethodEvent(),
    }


@pytest.mark.parametrize("kind", list(_activity_events()))
def test_every_kind_of_input_counts_as_someone_at_the_screen(watching: tuple[IdleMonitor, QWidget], kind: str) -> None:
    monitor, page = watching
    assert not _wait_started_over(monitor)
    QApplication.sendEvent(page, _activity_events()[kind])
    assert _wait_started_over(monitor)


def test_events_that_are_no_one_at_the_screen_leave_the_wait_alone(watching: tuple[IdleMonitor, QWidget]) -> None:
    monitor, page = watching
    resize = QResizeEvent(QSize(9, 9), QSize(8, 8))
    for event in (QEvent(QEvent.Type.LayoutRequest), QEvent(QEvent.Type.Polish), resize):
        QApplication.sendEvent(page, event)
    assert not _wait_started_over(monitor)


def test_a_button_made_after_the_monitor_counts_a_screen_readers_press(
    qtbot: QtBot, watching: tuple[IdleMonitor, QWidget]
) -> None:
    monitor, page = watching
    button = QPushButton("Later", page)  # as a form step or a page's links are made long after the window
    page.show()  # Qt polishes it before it first shows: the monitor follows it then
    qtbot.wait_exposed(page)
    button.click()  # a screen reader's Press action: no input event at all, only the click
    assert _wait_started_over(monitor)
