"""The window builds the screens after attract on first use (or all at once after the first frame), and a screen
built late looks and behaves like one built at start: same language, same scale and orientation, same wiring."""

from __future__ import annotations

import functools

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QBoxLayout, Qt

from kiosk.domain.keyboard_layouts import KeyKind
from kiosk.services.navigation import ATTRACT, Route, Screen
from kiosk.services.startup import KioskContext
from kiosk.ui.app import build_window
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import ORIENTATIONS, MakeWindow

LATER = ("_home", "_procedures", "_info_page", "_form", "_confirmation")


@pytest.fixture
def make_window(make_window: MakeWindow) -> MakeWindow:
    """Windows as `kiosk run` builds them before its first frame: attract only."""
    return functools.partial(make_window, all_screens=False)


@pytest.fixture
def window(make_window: MakeWindow) -> KioskWindow:
    return make_window()


def test_other_callers_get_every_screen_built(context: KioskContext, qtbot: QtBot) -> None:
    window = build_window(context, 1280, 800)
    qtbot.add_widget(window)
    assert _built(window) == set(LATER)


def _built(window: KioskWindow) -> set[str]:
    return {name for name in LATER if getattr(window, name) is not None}


def test_a_new_window_builds_only_what_the_first_frame_needs(window: KioskWindow) -> None:
    assert window.current_screen is window.attract
    assert _built(window) == set()
    window.reset_for_next_patient()  # a reset with nothing built yet wipes nothing and builds nothing
    assert _built(window) == set()


def test_a_screen_is_built_on_first_visit_and_then_reused(qtbot: QtBot, window: KioskWindow) -> None:
    qtbot.mouseClick(window.attract, Qt.MouseButton.LeftButton)
    assert window.current_screen is window.home
    home = window.home
    assert _built(window) == {"_home"}
    window.reset_for_next_patient()
    window.go(Route(Screen.HOME))
    assert window.current_screen is home
    # Wired as at start: its buttons lead on.
    qtbot.mouseClick(home.choices["appointment"], Qt.MouseButton.LeftButton)
    assert window.current_screen is window.form
    window.reset_for_next_patient()  # the visit's fields go with it


def test_a_screen_built_after_a_language_change_speaks_that_language(make_window: MakeWindow) -> None:
    english = make_window()
    english.go(Route(Screen.HOME))
    spanish = make_window(language="es")
    spanish.go(Route(Screen.HOME))
    assert spanish.home.title.text() != english.home.title.text()
    spanish.reset_for_next_patient()
    spanish.go(Route(Screen.HOME))
    assert spanish.home.title.text() == english.home.title.text()  # back to the default language


def test_a_screen_built_late_takes_the_windows_scale_and_orientation(make_window: MakeWindow) -> None:
    portrait = make_window(ORIENTATIONS["portrait"])
    portrait.go(Route(Screen.HOME))
    assert portrait.home.portrait
    assert portrait.home.metrics == portrait.metrics
    assert portrait.home._choices_box.direction() == QBoxLayout.Direction.TopToBottom


def test_build_all_screens_builds_every_screen_once(window: KioskWindow) -> None:
    window.build_all_screens()
    assert _built(window) == set(LATER)
    screens = [window.home, window.procedures, window.info_page, window.form, window.confirmation]
    window.build_all_screens()
    assert [window.home, window.procedures, window.info_page, window.form, window.confirmation] == screens
    assert all(window.stack.indexOf(screen) >= 0 for screen in screens)
    assert window.navigator.current == ATTRACT


def test_every_screen_of_a_route_has_its_widget_in_the_window(window: KioskWindow) -> None:
    shown = {screen: window.screen_for(screen) for screen in Screen}
    assert all(window.stack.indexOf(widget) >= 0 for widget in shown.values())
    assert shown[Screen.PROCEDURE] is shown[Screen.CONDITION] is window.info_page  # one page screen for both
    assert shown[Screen.APPOINTMENT] is shown[Screen.FOLLOW_UP] is window.form


def test_screens_built_after_the_first_frame_leave_the_kiosk_window_active(qtbot: QtBot, window: KioskWindow) -> None:
    """`kiosk run` builds them while the attract loop plays: none may flash up as a window of its own, which took
    the keyboard focus from the kiosk (a touched text box then opened no keyboard)."""
    with qtbot.waitActive(window):
        window.activateWindow()
    window.build_all_screens()
    QApplication.processEvents()
    assert window.isActiveWindow()
    assert [shown for shown in QApplication.topLevelWidgets() if shown.isVisible()] == [window]


def test_a_keyboard_built_after_a_language_change_shows_and_names_that_languages_keys(
    make_window: MakeWindow,
) -> None:
    built_before = make_window(all_screens=True)  # the form and its keyboard exist before the change
    built_before.texts.set_language("es")
    built_after = make_window(language="es")  # the form is built now, in Spanish
    later = built_after.form.keyboard
    assert later.current_layout == built_before.form.keyboard.current_layout == "spanish"  # the row with ñ
    spoken = {button.key.kind: button.accessibleName() for button in later.keys}
    assert spoken[KeyKind.SPACE] == "Espacio"
    assert spoken[KeyKind.BACKSPACE] == "Borrar la letra antes del cursor"
    assert later.accessibleName() == "Teclado en pantalla"
