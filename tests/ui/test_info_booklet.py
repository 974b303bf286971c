"""An information page reads like a booklet: each section names the next at its end, hidden text is announced,
and at large text the section tabs become one "Section 2 of 6" row."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.services.navigation import Route, Screen
from kiosk.ui.presentation import TextSize
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import ORIENTATIONS, MakeWindow
from tests.ui.helpers import clipped_labels, really_visible, visible_texts
from tests.ui.test_flow import click

PAGE = "si-joint-injection"


def open_section(qtbot: QtBot, window: KioskWindow, section: int) -> None:
    window.go(Route(Screen.HOME))
    window.go(Route(Screen.PROCEDURE, PAGE, section))
    qtbot.wait(1)  # let layouts settle, as a real paint would


@pytest.mark.parametrize("language", ["en", "es", "vi"])
def test_each_section_ends_with_the_next_one_s_name_and_the_last_with_a_request(
    qtbot: QtBot, make_window: MakeWindow, language: str
) -> None:
    window = make_window(ORIENTATIONS["landscape"], language)
    open_section(qtbot, window, 0)
    page = window.info_page.page
    assert page is not None
    following = page.sections[1].title
    word = {"en": "Next", "es": "Siguiente", "vi": "Tiếp theo"}[language]
    assert f"{word}: {following} →" in visible_texts(window).values()

    click(qtbot, window.info_page.next_section)
    assert window.info_page.section_index == 1
    assert window.info_page.section_title.text() == following

    open_section(qtbot, window, len(page.sections) - 1)
    assert not really_visible(window.info_page.next_section)
    assert really_visible(window.info_page.request)


@pytest.mark.parametrize("orientation", sorted(ORIENTATIONS))
def test_at_large_text_the_tabs_become_a_stepper_that_turns_the_sections(
    qtbot: QtBot, make_window: MakeWindow, orientation: str
) -> None:
    window = make_window(ORIENTATIONS[orientation], "es")
    window.presentation.set_text_size(TextSize.EXTRA_LARGE)
    open_section(qtbot, window, 1)
    screen = window.info_page
    page = screen.page
    assert page is not None
    count = len(page.sections)

    assert not really_visible(screen.tabs_area)
    assert really_visible(screen.stepper)
    assert f"Sección 2 de {count}" in visible_texts(window).values()
    assert screen.stepper.previous.accessibleName() == "Sección anterior"
    assert clipped_labels(screen.stepper) == []

    click(qtbot, screen.stepper.next)
    assert screen.section_index == 2 and f"Sección 3 de {count}" in visible_texts(window).values()
    click(qtbot, screen.stepper.previous)
    click(qtbot, screen.stepper.previous)
    assert screen.section_index == 0 and not screen.stepper.previous.isEnabled()


def test_at_normal_text_the_tabs_stay(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(ORIENTATIONS["landscape"])
    open_section(qtbot, window, 1)
    assert really_visible(window.info_page.tabs_area) and not really_visible(window.info_page.stepper)


def test_text_that_does_not_fit_says_more_is_below_until_it_is_read(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(ORIENTATIONS["portrait"], "en")
    window.presentation.set_text_size(TextSize.EXTRA_LARGE)
    open_section(qtbot, window, 1)
    screen = window.info_page
    bar = screen.text.verticalScrollBar()
    assert bar.maximum() > 0, "this test needs a section longer than the screen"
    assert "More below ↓" in visible_texts(window).values()
    bar.setValue(bar.maximum())  # as a patient's swipe to the end does
    assert not really_visible(screen.more_below)
