"""Outside opening hours: a still closed screen in the kiosk's own colours, with the phone and next opening;
keep-awake follows the hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QPoint

from kiosk.services.navigation import ATTRACT, Route, Screen
from kiosk.services.startup import KioskContext, load_context
from kiosk.ui.lockdown import MAX_TIMER_MS
from kiosk.ui.theme import PALETTE
from kiosk.ui.window import KioskWindow
from tests.ui.helpers import visible_texts

SATURDAY_10 = dt.datetime(2026, 11, 28, 10, 0)  # default hours: closed all weekend
MONDAY_8 = dt.datetime(2026, 11, 30, 8, 0)


class RecordingKeepAwake:
    """Stands in for the D-Bus/Windows keep-awake (tested for real in tests/ops/test_keep_awake.py)."""

    def __init__(self) -> None:
        self.held = False
        self.calls: list[str] = []

    def acquire(self) -> None:
        self.held = True
        self.calls.append("acquire")

    def release(self) -> None:
        self.held = False
        self.calls.append("release")


@pytest.fixture
def make_kiosk(qtbot: QtBot, write_settings: Any) -> Iterator[Callable[[str], tuple[KioskWindow, list[dt.datetime]]]]:
    contexts: list[KioskContext] = []

    def make(lockdown: str = "") -> tuple[KioskWindow, list[dt.datetime]]:
        context = load_context(str(write_settings(f"[lockdown]\n{lockdown}\n")), open_database=False)
        contexts.append(context)
        now = [SATURDAY_10]
        window = KioskWindow(context, clock=lambda: now[0])
        window.keep_awake = RecordingKeepAwake()  # type: ignore[assignment]  # a stand-in with the same methods
        qtbot.add_widget(window)
        window.resize(1920, 1080)
        window.apply_size(1920, 1080)
        window.show()
        qtbot.wait_exposed(window)
        return window, now

    yield make
    for context in contexts:
        context.close()


def test_closed_hours_show_the_closed_screen_with_phone_and_next_opening(make_kiosk: Any) -> None:
    window, _now = make_kiosk()
    window.follow_opening_hours()

    assert window.stack.currentWidget() is window.closed_screen
    shown = list(visible_texts(window).values())
    assert "We are closed" in shown
    phone = window.context.settings.clinic.phone.replace(" ", "\u00a0").replace("-", "\u2011")  # one unbroken piece
    assert f"Call us at {phone}" in shown
    assert any(text.startswith("We open Monday at 8") for text in shown), shown
    assert not window.attract._timer.isActive()  # no slides turning at night
    assert not window.top_bar.isVisible()
    assert window.keep_awake.calls == ["release"]  # the display may sleep


def test_one_single_shot_timer_waits_for_the_opening_moment(make_kiosk: Any) -> None:
    window, now = make_kiosk()
    window.follow_opening_hours()
    timer = window.opening_hours.timer
    assert timer.isSingleShot() and timer.isActive()
    until_opening_ms = int((MONDAY_8 - SATURDAY_10).total_seconds() * 1000) + 1000
    assert timer.interval() == min(until_opening_ms, MAX_TIMER_MS)  # over a weekend it wakes once a day to re-check

    now[0] = MONDAY_8
    timer.timeout.emit()  # stands for the wait; the timer's job is only to wake the window then

    assert window.stack.currentWidget() is window.attract
    assert window.keep_awake.calls == ["release", "acquire"]
    assert timer.isActive()  # now waiting for closing time


def test_a_touch_on_the_closed_screen_opens_the_information_pages(qtbot: QtBot, make_kiosk: Any) -> None:
    window, _now = make_kiosk()
    window.follow_opening_hours()
    window.closed_screen.learn.click()
    assert window.navigator.current == Route(Screen.HOME)
    window.reset_for_next_patient()
    assert window.navigator.current == ATTRACT
    assert window.stack.currentWidget() is window.closed_screen


def test_in_spanish_it_says_when_it_opens_in_spanish(make_kiosk: Any) -> None:
    window, _now = make_kiosk()
    window.texts.set_language("es")
    window.follow_opening_hours()
    shown = list(visible_texts(window).values())
    assert "Estamos cerrados" in shown
    assert any(text.startswith("Abrimos el lunes a las 8") for text in shown), shown


def test_with_the_closed_screen_off_the_attract_loop_runs_but_the_screen_may_still_sleep(make_kiosk: Any) -> None:
    window, _now = make_kiosk("closed_screen = false")
    window.follow_opening_hours()
    assert window.stack.currentWidget() is window.attract
    assert window.keep_awake.calls == ["release"]


def test_with_keep_screen_on_off_the_kiosk_never_holds_the_display(make_kiosk: Any) -> None:
    window, now = make_kiosk("keep_screen_on = false")
    now[0] = MONDAY_8
    window.follow_opening_hours()
    assert window.stack.currentWidget() is window.attract
    assert "acquire" not in window.keep_awake.calls


def test_the_closed_screen_has_the_kiosk_s_own_page_colour_not_a_dark_one(make_kiosk: Any) -> None:
    window, _now = make_kiosk()
    window.follow_opening_hours()
    corner = window.grab().toImage().pixelColor(window.closed_screen.mapTo(window, QPoint(4, 4))).name()
    assert corner == PALETTE["background"]
    for label in (window.closed_screen.title, window.closed_screen.call_us, window.closed_screen.opens):
        assert label.palette().color(label.foregroundRole()).name() == PALETTE["text"]  # dark words, not grey
