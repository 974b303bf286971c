"""A booklet page's text as a patient sees and hears it: numbered steps keep their numbers across a page turn, a
drawing is heard as its description and sits close to the words under it, and a long paragraph is turned, not
scrolled."""

from __future__ import annotations

import itertools

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QAccessible, QColor, QImage

from kiosk.content.markup import read_markup
from kiosk.paths import bundled_content_dir
from kiosk.ui.presentation import TextSize
from kiosk.ui.widgets.paged_text import PagedText
from tests.ui.conftest import ORIENTATIONS, MakeWindow
from tests.ui.helpers import clipped_labels, really_visible
from tests.ui.test_flow import click
from tests.ui.test_info_booklet import open_section, turn_to_cards

STEPS = "\n".join(f"{n}. Step {n}: the doctor does the next small thing, and tells you first." for n in range(1, 13))


def heard(view: PagedText) -> str:
    """What a screen reader reads in the text: Qt's accessible interface, as AT-SPI hands it on."""
    return QAccessible.queryAccessibleInterface(view).text(QAccessible.Text.Value)


def paged(qtbot: QtBot, markdown: str, width: int = 700, height: int = 260) -> PagedText:
    view = PagedText()
    qtbot.add_widget(view)
    view.resize(width, height)
    view.show()
    qtbot.wait_exposed(view)
    view.set_markdown(markdown, "How it is done", "Scroll")
    qtbot.waitUntil(view.measured_at_this_size)
    return view


def test_a_numbered_list_goes_on_with_its_numbers_on_the_next_part(qtbot: QtBot) -> None:
    view = paged(qtbot, STEPS)
    assert view.parts > 1, "this test needs a list longer than its box"
    numbers: list[str] = []
    for part in range(view.parts):
        view.show_part(part)
        lines = [line for line in heard(view).splitlines() if line.strip()]
        # The numbers are in the words shown and heard, so each part starts where the last one stopped.
        numbers += [line.split(" ")[0] for line in lines]
        assert lines[0].startswith(f"{len(numbers) - len(lines) + 1}. Step {len(numbers) - len(lines) + 1}:")
    assert numbers == [f"{n}." for n in range(1, 13)]


def test_a_list_the_author_starts_at_three_is_read_from_three(qtbot: QtBot) -> None:
    view = paged(qtbot, "3. Third\n4. Fourth\n", height=400)
    assert [line.strip() for line in heard(view).splitlines()] == ["3. Third", "4. Fourth"]


def test_a_paragraph_taller_than_the_box_is_turned_between_lines_not_scrolled(qtbot: QtBot) -> None:
    paragraph = " ".join(f"Sentence {n} of a long paragraph about the injection." for n in range(1, 40))
    view = paged(qtbot, f"Before.\n\n{paragraph}\n\nAfter.", width=500, height=200)
    assert view.parts > 2
    words: list[str] = []
    for part in range(view.parts):
        view.show_part(part)
        assert not view.hides_text(), f"part {part + 1} hides words below its box"
        assert view.verticalScrollBar().maximum() == 0
        words += heard(view).split()
    assert words == f"Before. {paragraph} After.".split(), "every word once, in order, across the parts"


@pytest.mark.parametrize("language", ["en", "es", "vi"])
def test_the_drawing_in_the_text_is_heard_as_its_description_and_seen(
    qtbot: QtBot, make_window: MakeWindow, language: str
) -> None:
    window = make_window(ORIENTATIONS["landscape"], language)
    open_section(qtbot, window, 2)  # How it is done: the injection drawing, then the steps
    text = window.info_page.text
    page = bundled_content_dir() / language / "si-joint-injection.md"
    description = read_markup(page.read_text(encoding="utf-8")).images[0].alt.strip()
    said = heard(text)
    assert description in said and "\ufffc" not in said
    # The drawing itself is on screen: its orange needle and beam are painted in the text's box.
    shot = text.viewport().grab().toImage()
    assert _has_colour(shot, QColor("#b3541e")), "the injection drawing is not drawn"


def test_the_words_under_a_drawing_follow_it_closely_in_landscape(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(ORIENTATIONS["landscape"], "en")
    open_section(qtbot, window, 2)
    text = window.info_page.text
    shot = text.viewport().grab().toImage()
    background = shot.pixelColor(shot.width() - 2, 2)
    inked = [y for y in range(shot.height()) if _row_has_ink(shot, y, background)]
    gaps = [(below - above) for above, below in itertools.pairwise(inked)]
    line = text.fontMetrics().height()
    # The widest empty band is the gap between the drawing and the first step (it was ~80 px at 1920x1080).
    assert max(gaps) <= 1.5 * line, f"{max(gaps)} px between the drawing and the words under it"


def _row_has_ink(image: QImage, y: int, background: QColor) -> bool:
    for x in range(0, image.width(), 2):
        colour = image.pixelColor(x, y)
        if abs(colour.lightness() - background.lightness()) > 60:
            return True
    return False


def _has_colour(image: QImage, wanted: QColor) -> bool:
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            colour = image.pixelColor(x, y)
            near = abs(colour.red() - wanted.red()) + abs(colour.green() - wanted.green())
            if near + abs(colour.blue() - wanted.blue()) < 60:
                return True
    return False


@pytest.mark.parametrize("language", ["en", "es", "vi"])
@pytest.mark.parametrize("orientation", sorted(ORIENTATIONS))
def test_at_the_largest_text_the_related_cards_show_whole_not_cut_in_a_scroll_box(
    qtbot: QtBot, make_window: MakeWindow, language: str, orientation: str
) -> None:
    window = make_window(ORIENTATIONS[orientation], language)
    window.presentation.set_text_size(TextSize.EXTRA_LARGE)
    open_section(qtbot, window, 1)  # Conditions treated: six cards after a lead-in
    screen = window.info_page
    area = screen.related_area
    # Beside the text if they fit there whole, else on a page of their own after it (Spanish and Vietnamese
    # landscape had the second row cut mid-word in a scroll box).
    turns = turn_to_cards(qtbot, window)
    cards = [card for card in screen.related_buttons if really_visible(card)]
    assert len(cards) == 6
    assert area.verticalScrollBar().maximum() == 0, "the cards scroll in their box"
    for card in cards:
        bottom = card.mapTo(area.viewport(), card.rect().bottomLeft()).y()
        assert bottom <= area.viewport().height(), f"{card.objectName()} is cut at the bottom of its box"
    assert clipped_labels(area) == []
    if turns:
        # A page of cards under the section's title: a turn leads back to the text and on to the next section.
        assert not really_visible(screen.text)
        assert really_visible(screen.previous_part)
        following = window.info_page.page.sections[2].title if window.info_page.page else ""
        assert following in screen.next_section.words()
        click(qtbot, screen.previous_part)
        assert really_visible(screen.text) and not really_visible(area)


def test_a_paragraph_s_last_line_never_turns_alone(qtbot: QtBot) -> None:
    paragraph = " ".join(
        f"Sentence {n} of a paragraph about the injection and the days after it." for n in range(1, 16)
    )
    view = paged(qtbot, paragraph, width=600, height=150)
    alone: list[str] = []
    for height in range(150, 420, 6):  # every few pixels, so some box ends one line short of the paragraph's end
        view.resize(600, height)
        qtbot.waitUntil(view.measured_at_this_size)
        for part in range(view.parts):
            view.show_part(part)
            if view.parts > 1 and view.document().begin().layout().lineCount() < 2:
                alone.append(f"part {part + 1} of {view.parts} at {height} px")
    assert alone == [], "a part holds one line of the paragraph"
