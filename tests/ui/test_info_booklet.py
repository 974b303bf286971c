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
    settle(qtbot, window)


def settle(qtbot: QtBot, window: KioskWindow) -> None:
    """Let layouts settle, as a real paint would: the text is cut into parts for the room it ends up with."""
    qtbot.wait(1)
    qtbot.waitUntil(window.info_page.text.measured_at_this_size)
    qtbot.wait(1)
    qtbot.waitUntil(window.info_page.text.measured_at_this_size)


@pytest.mark.parametrize("language", ["en", "es", "vi"])
def test_each_section_ends_with_the_next_one_s_name_and_the_last_with_a_request(
    qtbot: QtBot, make_window: MakeWindow, language: str
) -> None:
    window = make_window(ORIENTATIONS["landscape"], language)
    open_section(qtbot, window, 0)
    page = window.info_page.page
    assert page is not None
    read_every_part(qtbot, window)
    following = page.sections[1].title
    word = {"en": "Next", "es": "Siguiente", "vi": "Tiếp theo"}[language]
    assert f"{word}: {following} →" in visible_texts(window).values()

    click(qtbot, window.info_page.next_section)
    assert window.info_page.section_index == 1
    assert window.info_page.section_title.text() == following

    open_section(qtbot, window, len(page.sections) - 1)
    read_every_part(qtbot, window)
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


def turn_to_cards(qtbot: QtBot, window: KioskWindow) -> int:
    """Turn the section's pages until its related cards show (beside the text, or on a page of their own after it
    when they would not fit whole there); how many turns that took."""
    screen = window.info_page
    section = screen.section_index
    turns = 0
    while not really_visible(screen.related_area):
        assert really_visible(screen.next_section) and turns < 5, "the cards never show"
        click(qtbot, screen.next_section)
        settle(qtbot, window)
        turns += 1
    assert screen.section_index == section, "the cards are the section's own, shown before the next one"
    return turns


def read_every_part(qtbot: QtBot, window: KioskWindow) -> list[str]:
    """The section's text part by part, turning with the button a patient taps; each part must fit its box."""
    screen = window.info_page
    parts = [screen.text.toPlainText()]
    while True:
        if screen.text.verticalScrollBar().maximum() > 0:
            # Only one paragraph (or picture) taller than the box scrolls, and it says so.
            assert screen.text.document().blockCount() == 1, f"part {screen.text.part + 1} scrolls in its box"
            assert really_visible(screen.more_below)
        else:
            assert not really_visible(screen.more_below)
        if screen.text.part == screen.text.parts - 1 and not screen.cards_apart:
            return parts
        click(qtbot, screen.next_section)
        if not really_visible(screen.text):  # the section's cards, on a page of their own after the text
            assert really_visible(screen.related_area)
            return parts
        settle(qtbot, window)
        parts.append(screen.text.toPlainText())


def test_a_long_section_is_paged_with_a_turn_at_its_end_not_scrolled(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(ORIENTATIONS["landscape"], "en")
    open_section(qtbot, window, 2)  # How it is done: the drawing and seven steps
    screen = window.info_page
    assert screen.text.parts > 1, "this test needs a section longer than its box"
    assert f"Continue reading (2 of {screen.text.parts}) →" in visible_texts(window).values()
    assert not really_visible(screen.previous_part)

    parts = read_every_part(qtbot, window)
    assert screen.section_index == 2, "the turns stay inside the section until its last part"
    assert "The whole procedure takes about 10 to 15 minutes." in parts[-1]
    assert all(part.strip() for part in parts) and len(set(parts)) == len(parts)
    assert really_visible(screen.previous_part) and screen.previous_part.words() == "← Previous page"
    assert screen.next_section.words() == "Next: What to expect after →"

    click(qtbot, screen.previous_part)
    assert screen.text.part == screen.text.parts - 2 and screen.text.toPlainText() == parts[-2]
    window.go(Route(Screen.PROCEDURE, PAGE, 3))
    window.go(Route(Screen.PROCEDURE, PAGE, 2))
    assert screen.text.part == 0, "a section opens at its start"


@pytest.mark.parametrize("language", ["en", "es", "vi"])
@pytest.mark.parametrize("text_size", [TextSize.NORMAL, TextSize.EXTRA_LARGE])
@pytest.mark.parametrize("orientation", sorted(ORIENTATIONS))
def test_every_part_of_every_section_fits_its_box_and_nothing_is_left_out(
    qtbot: QtBot, make_window: MakeWindow, language: str, text_size: TextSize, orientation: str
) -> None:
    window = make_window(ORIENTATIONS[orientation], language)
    window.presentation.set_text_size(text_size)
    open_section(qtbot, window, 0)
    page = window.info_page.page
    assert page is not None
    for index in range(len(page.sections)):
        open_section(qtbot, window, index)
        parts = read_every_part(qtbot, window)
        words = " ".join(" ".join(parts).split())
        # Every sentence the section says is on one of its parts (the lifted condition list is on the cards).
        for line in page.sections[index].markdown.splitlines():
            if line and not line.lstrip().startswith(("-", "!", "*")):
                assert line.split(". ")[0][:30] in words


@pytest.mark.parametrize("language", ["en", "es", "vi"])
def test_the_conditions_are_listed_once_as_cards_with_the_list_s_words(
    qtbot: QtBot, make_window: MakeWindow, language: str
) -> None:
    window = make_window(ORIENTATIONS["landscape"], language)
    open_section(qtbot, window, 1)  # Conditions treated
    screen = window.info_page
    turn_to_cards(qtbot, window)
    shown = list(visible_texts(window).values())
    cards = [button for button in screen.related_buttons if really_visible(button)]
    assert len(cards) == 6
    for card in cards:
        title = card.words()
        assert sum(title in text for text in shown) == 1, f"{title!r} is shown more than once"
        assert card.hint is not None and really_visible(card.hint) and card.hint.text()[0].isupper()
    assert not really_visible(screen.related_title), "the text's lead-in heads the cards"
    page = screen.page
    assert page is not None
    assert cards[0].hint is not None and cards[0].hint.text()[1:] in page.sections[1].markdown
