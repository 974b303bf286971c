"""The end screens speak one visual language: the out-of-service notice shows the front desk (where to go now) and
the closed screen a clock, each drawn over its words in both looks, as the confirmation shows its success mark."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QImage, QLabel

from kiosk.services.navigation import Route, Screen
from kiosk.ui.presentation import ThemeName
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import ORIENTATIONS, MakeWindow
from tests.ui.helpers import really_visible


def _drawn_over(window: KioskWindow, picture: QLabel, words: QLabel) -> None:
    assert really_visible(picture)
    image: QImage = picture.pixmap().toImage()
    assert window.metrics is not None
    assert not image.isNull() and image.width() >= window.metrics.px("target")
    # Light lines on the black page, dark ones on the light page (the icon is white edged in black).
    page = window.current_screen.palette().color(window.current_screen.backgroundRole())
    lines = [
        image.pixelColor(x, y)
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
        if image.pixelColor(x, y).alpha() > 200
    ]
    assert any(abs(colour.lightness() - page.lightness()) > 150 for colour in lines)
    # Above the words it goes with, so it is seen first.
    assert picture.geometry().bottom() < words.geometry().top()


@pytest.mark.parametrize("theme", [ThemeName.NORMAL, ThemeName.HIGH_CONTRAST])
@pytest.mark.parametrize("orientation", sorted(ORIENTATIONS))
def test_out_of_service_shows_the_front_desk_over_its_words(
    qtbot: QtBot, make_window: MakeWindow, theme: ThemeName, orientation: str
) -> None:
    window = make_window(ORIENTATIONS[orientation])
    window.presentation.set_theme(theme)
    window.set_out_of_service("test: database damaged")
    window.go(Route(Screen.APPOINTMENT))
    assert window.current_screen is window.out_of_service
    _drawn_over(window, window.out_of_service.picture, window.out_of_service.title)


@pytest.mark.parametrize("theme", [ThemeName.NORMAL, ThemeName.HIGH_CONTRAST])
@pytest.mark.parametrize("orientation", sorted(ORIENTATIONS))
def test_the_closed_screen_shows_a_clock_over_its_words(
    qtbot: QtBot, make_window: MakeWindow, theme: ThemeName, orientation: str
) -> None:
    window = make_window(ORIENTATIONS[orientation])
    window.presentation.set_theme(theme)
    window.set_clinic_closed(True)
    window.reset_for_next_patient()
    qtbot.waitUntil(lambda: window.current_screen is window.closed_screen)
    _drawn_over(window, window.closed_screen.picture, window.closed_screen.clinic)
