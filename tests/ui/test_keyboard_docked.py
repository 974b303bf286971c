"""Beside the questions (landscape), the keyboard is docked to the bottom of the screen, its keys using the height.

It used to be as short as the keyboard under the questions upright, ending well above the screen's bottom: small
keys over a band of empty screen (150-300 px at 1280x800 and 1920x1080). Now its rows sit at the bottom, where a
tablet's keyboard is, and grow into the column's height within a finger's reach; upright it keeps its compact height.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QWidget

from kiosk.services.navigation import Route, Screen
from kiosk.ui.presentation import Look, TextSize, ThemeName
from kiosk.ui.widgets.keyboard import KeyButton
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import click
from tests.ui.conftest import MakeWindow
from tests.ui.test_form_keyboard_fit import rect_in_window, settle, typing_steps

LANDSCAPE = {"landscape": (1920, 1080), "tablet": (1280, 800)}
LOOKS = [Look(TextSize.NORMAL), Look(TextSize.EXTRA_LARGE, ThemeName.HIGH_CONTRAST)]


def _open_keyboard(qtbot: QtBot, window: KioskWindow, field_key: str) -> list[QWidget]:
    """Touch the box `field_key` on its step; the keys of the keyboard that opens, as shown."""
    form = window.form
    for step in typing_steps(window, mixed=False):
        form.go_to_step(step)
        box = form.findChild(QWidget, f"field-{field_key}")
        if box is not None and box.isVisible():
            click(qtbot, box)
            settle(window)
            assert form.keyboard.isVisible()
            return [key for key in form.keyboard.findChildren(KeyButton) if key.isVisible()]
    raise AssertionError(f"no step shows the box {field_key}")


@pytest.mark.parametrize("size", LANDSCAPE)
@pytest.mark.parametrize("language", ["en", "vi"])
def test_beside_the_questions_the_keys_reach_the_bottom_of_the_screen(
    qtbot: QtBot, make_window: MakeWindow, size: str, language: str
) -> None:
    window = make_window(LANDSCAPE[size])
    window.texts.set_language(language)
    window.go(Route(Screen.HOME))
    window.go(Route(Screen.FOLLOW_UP))
    for look in LOOKS:
        window.presentation.apply(look)
        for box in ("first_name", "phone"):
            keys = _open_keyboard(qtbot, window, box)
            rows = sorted({rect_in_window(key, window).top() for key in keys})
            lowest = max(rect_in_window(key, window).bottom() for key in keys)
            case = f"{size} {language} {look.text_size} {box}"
            # A gap and the column's margin under the last row, no more: not a band of empty screen.
            assert window.height() - lowest <= 24, f"{case}: {window.height() - lowest} px empty under the keys"
            # Every row is in sight and the keys are at least a finger's size, none cut by the screen's edge.
            assert all(rect_in_window(key, window).bottom() < window.height() for key in keys), case
            assert min(key.height() for key in keys) >= 64, case
            assert len(rows) >= 4, case


def test_upright_the_keyboard_keeps_its_compact_height_under_the_questions(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window((1080, 1920))
    window.go(Route(Screen.HOME))
    window.go(Route(Screen.FOLLOW_UP))
    keys = _open_keyboard(qtbot, window, "first_name")
    keyboard = window.form.keyboard
    # Its height is what its rows need (the tallest layout's), so the questions above keep the rest of the screen.
    assert keyboard.minimumHeight() == keyboard.maximumHeight() == keyboard.height()
    assert max(key.height() for key in keys) < keyboard.height() // 4
