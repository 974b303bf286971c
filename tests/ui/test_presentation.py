"""Text size, high contrast and controls low: on every patient screen, kept mid-form, forgotten after the visit."""

from __future__ import annotations

import dataclasses

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QColor, QWidget

from kiosk.config.settings import AccessibilitySettings, AttractSettings
from kiosk.services.navigation import ATTRACT, Route, Screen
from kiosk.services.startup import KioskContext
from kiosk.ui.app import build_window
from kiosk.ui.presentation import TextSize, ThemeName
from kiosk.ui.theme import HIGH_CONTRAST, PALETTE
from kiosk.ui.widgets.buttons import CHECKED_MARK, TouchButton
from kiosk.ui.window import LOW_SHARE, KioskWindow
from tests.drivers.patient import choose, click, next_step, start, type_into
from tests.ui.conftest import ORIENTATIONS, MakeWindow
from tests.ui.helpers import StyleChanges, interactive_widgets, really_visible, text_in

PATIENT_SCREENS = [
    Route(Screen.HOME),
    Route(Screen.PROCEDURES),
    Route(Screen.PROCEDURE, "si-joint-injection", 2),
    Route(Screen.CONDITION, "sacroiliitis"),
    Route(Screen.APPOINTMENT),
    Route(Screen.FOLLOW_UP, None, 4),
]


def _background_at(window: KioskWindow, widget: QWidget) -> str:
    """The colour painted just inside a screen's top-left corner, as the patient sees it."""
    image = window.grab().toImage()
    corner = widget.mapTo(window, widget.rect().topLeft())
    return QColor(image.pixel(corner.x() + 4, corner.y() + 4)).name()


@pytest.mark.parametrize("orientation", ORIENTATIONS)
@pytest.mark.parametrize("route", PATIENT_SCREENS, ids=lambda r: r.name)
def test_every_patient_screen_offers_text_size_and_contrast(
    make_window: MakeWindow, route: Route, orientation: str
) -> None:
    window = make_window(ORIENTATIONS[orientation])
    window.navigator.home()
    window.go(route)
    bar = window.access_bar
    for control in (*bar.text_sizes.values(), bar.contrast):
        assert really_visible(control), f"{control.objectName()} hidden on {route.name}"
        assert control.width() >= 64 and control.height() >= 64
    # Controls low is for tall portrait screens only.
    assert really_visible(bar.low) == (orientation == "portrait")


def test_a_bigger_text_size_makes_the_words_bigger_and_keeps_the_answers(qtbot: QtBot, window: KioskWindow) -> None:
    start(qtbot, window, "appointment")
    choose(qtbot, window, "patient_status", "new")
    choose(qtbot, window, "reason", "si-joint-injection")
    next_step(qtbot, window)
    type_into(qtbot, window, "first_name", "lan")
    label = window.form.fields[1][0].label  # a question's words: body text, which grows the most
    sizes = {}
    for size in TextSize:
        click(qtbot, window.access_bar.text_sizes[size])
        assert window.presentation.text_size is size
        sizes[size] = label.fontInfo().pixelSize()
        assert text_in(window.form.fields[1][0].editors()[0]) == "Lan"
    assert sizes[TextSize.NORMAL] < sizes[TextSize.LARGE] < sizes[TextSize.EXTRA_LARGE]
    assert sizes[TextSize.EXTRA_LARGE] >= 1.4 * sizes[TextSize.NORMAL]
    # The chosen size is said with a mark as well as a colour, and by its name to a screen reader.
    chosen = window.access_bar.text_sizes[TextSize.EXTRA_LARGE]
    assert chosen.words().startswith(CHECKED_MARK.strip()) and chosen.isChecked()
    assert chosen.accessibleName() == "Extra large text"
    window.texts.set_language("es")
    assert chosen.accessibleName() == "Letra muy grande"


def test_high_contrast_paints_white_on_black_and_back(qtbot: QtBot, window: KioskWindow) -> None:
    window.navigator.home()
    window.go(Route(Screen.PROCEDURES))
    screen = window.current_screen
    assert _background_at(window, screen) == PALETTE["background"]
    click(qtbot, window.access_bar.contrast)
    assert window.presentation.theme is ThemeName.HIGH_CONTRAST
    assert _background_at(window, screen) == HIGH_CONTRAST["background"]
    assert window.access_bar.contrast.words().startswith(CHECKED_MARK.strip())
    click(qtbot, window.access_bar.contrast)
    assert _background_at(window, screen) == PALETTE["background"]


def test_a_look_chosen_on_one_screen_reaches_the_next_and_waits_for_hidden_ones(
    qtbot: QtBot, window: KioskWindow
) -> None:
    start(qtbot, window, "appointment")
    words = window.form.fields[0][0].label.fontInfo().pixelSize()
    window.navigator.home()
    with StyleChanges(window.form) as changes:
        click(qtbot, window.access_bar.contrast)
        click(qtbot, window.access_bar.text_sizes[TextSize.EXTRA_LARGE])
        # The hidden form, keyboard and all, is not restyled by the taps: only the screen in sight is.
        assert changes.count == 0
        assert _background_at(window, window.current_screen) == HIGH_CONTRAST["background"]
        window.go(Route(Screen.APPOINTMENT))
        assert changes.count > 0
    assert _background_at(window, window.current_screen) == HIGH_CONTRAST["background"]
    assert window.form.fields[0][0].label.fontInfo().pixelSize() >= 1.4 * words


def test_the_current_language_is_marked_in_words_not_only_colour(window: KioskWindow) -> None:
    window.navigator.home()
    english = window.top_bar.languages.findChild(TouchButton, "language-en")
    spanish = window.top_bar.languages.findChild(TouchButton, "language-es")
    assert english is not None and spanish is not None
    assert english.words().startswith("✓") and not spanish.words().startswith("✓")
    window.texts.set_language("es")
    assert spanish.words().startswith("✓") and not english.words().startswith("✓")
    assert spanish.accessibleName() == "Español"


def test_the_next_patient_starts_with_the_clinic_defaults(qtbot: QtBot, window: KioskWindow) -> None:
    window.navigator.home()
    click(qtbot, window.access_bar.text_sizes[TextSize.LARGE])
    click(qtbot, window.access_bar.contrast)
    window.reset_for_next_patient()
    assert window.navigator.current == ATTRACT
    assert window.presentation.text_size is TextSize.NORMAL
    assert window.presentation.theme is ThemeName.NORMAL
    assert window.metrics is not None and window.metrics.text_scale == 1.0


@pytest.mark.parametrize("route", [Route(Screen.HOME), Route(Screen.APPOINTMENT, None, 2)], ids=lambda r: r.name)
def test_controls_low_puts_every_control_in_the_lower_part_of_a_portrait_screen(
    qtbot: QtBot, make_window: MakeWindow, route: Route
) -> None:
    window = make_window(ORIENTATIONS["portrait"])
    window.navigator.home()
    window.go(route)
    click(qtbot, window.access_bar.low)
    qtbot.wait(1)
    assert window.presentation.low_position
    top = round(window.height() * LOW_SHARE)
    controls = interactive_widgets(window)
    assert controls
    high = [
        f"{type(w).__name__} {w.accessibleName()!r} at y={w.mapTo(window, w.rect().topLeft()).y()}"
        for w in controls
        if w.mapTo(window, w.rect().topLeft()).y() < top
    ]
    assert not high, f"controls above the lower {100 - LOW_SHARE * 100:.0f}% of the screen: {high}"
    # And back up: the top bar is at the top again.
    click(qtbot, window.access_bar.low)
    assert not window.low_space.isVisible()
    qtbot.waitUntil(lambda: window.top_bar.y() == 0)


def _context_with(context: KioskContext, **sections: object) -> KioskContext:
    settings = context.settings.model_copy(update=sections)
    return dataclasses.replace(context, settings=settings)


def test_every_visit_starts_from_the_clinics_accessibility_settings(qtbot: QtBot, context: KioskContext) -> None:
    access = AccessibilitySettings(text_size="large", theme="high-contrast")
    window = build_window(_context_with(context, accessibility=access), 1920, 1080)
    qtbot.add_widget(window)
    window.show()
    assert window.metrics is not None and window.metrics.text_scale == 1.25
    assert window.theme is ThemeName.HIGH_CONTRAST
    window.navigator.home()
    click(qtbot, window.access_bar.contrast)
    click(qtbot, window.access_bar.text_sizes[TextSize.NORMAL])
    window.reset_for_next_patient()
    assert window.presentation.text_size is TextSize.LARGE
    assert window.presentation.theme is ThemeName.HIGH_CONTRAST


def test_reduced_motion_keeps_the_slides_still_until_play(qtbot: QtBot, context: KioskContext) -> None:
    attract = AttractSettings(reduced_motion=True)
    window = build_window(_context_with(context, attract=attract), 1920, 1080)
    qtbot.add_widget(window)
    window.show()
    screen = window.attract
    assert screen.paused and not screen._timer.isActive()
    assert screen.pause_button.accessibleName() == "Play"
    click(qtbot, screen.pause_button)
    assert not screen.paused and screen._timer.isActive()
    # Back on attract after a visit, it is still again.
    window.navigator.home()
    window.reset_for_next_patient()
    assert screen.paused and not screen._timer.isActive()


def test_the_section_on_screen_is_marked_in_words(window: KioskWindow) -> None:
    window.navigator.home()
    window.go(Route(Screen.PROCEDURE, "si-joint-injection", 1))
    tabs = window.info_page.tabs
    assert tabs[1].words().startswith(CHECKED_MARK) and tabs[1].isChecked()
    assert not any(tab.words().startswith(CHECKED_MARK) for index, tab in enumerate(tabs) if index != 1)
