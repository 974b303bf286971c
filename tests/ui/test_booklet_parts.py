"""Every part of every booklet page holds a readable piece: never a line or two cut mid-sentence beside cards (the
sacroiliitis page's last section once shrank to one cut line beside its card), never an empty part, never a drawing
alone with its words on the next part."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.content.model import PageKind
from kiosk.services.navigation import Route, Screen
from kiosk.ui.presentation import TextSize
from kiosk.ui.screens.info_page import InfoPageScreen
from kiosk.ui.widgets.markdown_view import PICTURE_PROPERTY
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import MakeWindow
from tests.ui.helpers import clipped_labels, really_visible
from tests.ui.test_flow import click
from tests.ui.test_info_booklet import settle

SIZES = {"landscape": (1920, 1080), "small": (1280, 800), "portrait": (1080, 1920)}
LANGUAGES = ["en", "es", "vi"]
TEXT_SIZES = [TextSize.NORMAL, TextSize.LARGE, TextSize.EXTRA_LARGE]
# Every size with every language and every text size with each of them, in nine windows instead of twenty-seven
# (each pair of the three is met once: a Latin square), so the walk stays a few seconds.
SAMPLE = [
    (size, language, TEXT_SIZES[(row + column) % 3])
    for row, size in enumerate(SIZES)
    for column, language in enumerate(LANGUAGES)
]
# Where a sentence may end: a part cut after one of these reads as a whole piece.
SENTENCE_ENDS = (".", "!", "?", ":", "…", ")", '"', "”")
FEW_LINES = 2


def lines_shown(screen: InfoPageScreen) -> int:
    document = screen.text.document()
    block = document.begin()
    count = 0
    while block.isValid():
        count += block.layout().lineCount() if block.text().strip() else 0
        block = block.next()
    return count


def walk_section(qtbot: QtBot, window: KioskWindow, where: str) -> list[str]:
    """What is wrong with the section's parts, turned with the button a patient taps."""
    screen = window.info_page
    problems: list[str] = []
    seen: set[tuple[int, int]] = set()
    while True:
        at = (screen.text.part, screen.text.parts)
        if at in seen or len(seen) > 12:
            return [*problems, f"{where}: the turn does not move on from part {at[0] + 1} of {at[1]}"]
        seen.add(at)
        words = screen.text.toPlainText().strip()
        part = f"{where} part {screen.text.part + 1} of {screen.text.parts}"
        if not words:
            problems.append(f"{part} is empty")
        last = screen.text.part == screen.text.parts - 1
        lines = lines_shown(screen)
        if screen.text.parts > 1 and lines <= FEW_LINES and not words.endswith(SENTENCE_ENDS):
            problems.append(f"{part} is {lines} line(s) cut mid-sentence: {words[-40:]!r}")
        document = screen.text.document()
        if document.blockCount() == 1 and document.begin().blockFormat().hasProperty(PICTURE_PROPERTY):
            problems.append(f"{part} is a drawing alone, its words a turn away")
        if last and not screen.cards_apart:
            return problems
        click(qtbot, screen.next_section)
        if not really_visible(screen.text):  # the cards, on a page of their own after the text
            settle(qtbot, window)
            if not screen.related_buttons or not any(really_visible(b) for b in screen.related_buttons):
                problems.append(f"{where}: the cards' page shows no cards")
            # On their own page the cards show whole: not cut in a scroll box, as they were at extra-large text.
            if screen.related_area.verticalScrollBar().maximum() > 0:
                problems.append(f"{where}: the cards' own page scrolls")
            problems += [f"{where} cards: {cut}" for cut in clipped_labels(screen.related_area)]
            return problems
        settle(qtbot, window)


@pytest.mark.parametrize(("size", "language", "text_size"), SAMPLE)
def test_no_part_of_any_page_is_a_cut_line_or_empty(
    qtbot: QtBot, make_window: MakeWindow, size: str, language: str, text_size: TextSize
) -> None:
    window = make_window(SIZES[size], language)
    window.presentation.set_text_size(text_size)
    catalog = window.context.catalog
    problems: list[str] = []
    for kind, screen in ((PageKind.PROCEDURE, Screen.PROCEDURE), (PageKind.CONDITION, Screen.CONDITION)):
        for page in catalog.of_kind(kind, language):
            for index in range(len(page.sections)):
                window.go(Route(Screen.HOME))
                window.go(Route(screen, page.id, index))
                settle(qtbot, window)
                problems += walk_section(qtbot, window, f"{page.id} section {index + 1}")
    assert problems == [], "\n".join(problems)
