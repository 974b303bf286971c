"""The bar and the cards over the screens follow a new text size or contrast chosen while they were hidden.

The window restyles only what is in sight (each restyle re-polishes every widget under it); the bar, hidden on
the attract loop, and the idle and leave cards, hidden most of the visit, catch up as they are shown.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.qt import QColor, QWidget

from kiosk.services.navigation import ATTRACT
from kiosk.ui.presentation import TextSize, ThemeName
from kiosk.ui.theme import HIGH_CONTRAST, PALETTE
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import click
from tests.ui.helpers import StyleChanges


def _colour_at_centre(window: KioskWindow, widget: QWidget) -> str:
    """The colour painted at the middle of the top of `widget` (inside its card), as the patient sees it."""
    image = window.grab().toImage()
    point = widget.mapTo(window, widget.rect().topLeft())
    return QColor(image.pixel(point.x() + widget.width() // 2, point.y() + 4)).name()


def test_a_card_shown_after_a_new_look_has_it(qtbot: QtBot, window: KioskWindow) -> None:
    window.navigator.home()
    card = window.idle_warning
    card.show_countdown(30)
    words = card.button.label.fontInfo().pixelSize()
    card.hide()
    with StyleChanges(card) as restyles:
        click(qtbot, window.access_bar.contrast)
        click(qtbot, window.access_bar.text_sizes[TextSize.EXTRA_LARGE])
        assert restyles.count == 0  # hidden: left as it was by the taps
        card.show_countdown(30)
    assert card.isVisible()
    assert card.button.label.fontInfo().pixelSize() >= 1.4 * words
    assert _colour_at_centre(window, card.card) == HIGH_CONTRAST["background"]


def _colour_at_corner(window: KioskWindow, widget: QWidget) -> str:
    image = window.grab().toImage()
    point = widget.mapTo(window, widget.rect().topLeft())
    return QColor(image.pixel(point.x() + 4, point.y() + 4)).name()


def test_the_bar_comes_back_in_the_look_chosen_while_it_was_hidden(window: KioskWindow) -> None:
    window.navigator.home()
    assert _colour_at_corner(window, window.top_bar) == PALETTE["surface"]
    window.navigator.reset()
    assert window.navigator.current == ATTRACT and not window.top_bar.isVisible()
    window.presentation.set_theme(ThemeName.HIGH_CONTRAST)
    window.navigator.home()
    assert window.top_bar.isVisible()
    assert _colour_at_corner(window, window.top_bar) == HIGH_CONTRAST["surface"]


def test_the_next_patient_sees_the_clinic_look_on_the_bar_and_the_screens(qtbot: QtBot, window: KioskWindow) -> None:
    window.navigator.home()
    click(qtbot, window.access_bar.text_sizes[TextSize.EXTRA_LARGE])
    click(qtbot, window.access_bar.contrast)
    assert _colour_at_corner(window, window.top_bar) == HIGH_CONTRAST["surface"]
    window.reset_for_next_patient()
    window.navigator.home()
    assert _colour_at_corner(window, window.top_bar) == PALETTE["surface"]
    assert _colour_at_corner(window, window.current_screen) == PALETTE["background"]
