"""Every attract slide shows its words whole at every size, language and text size: at extra-large text the welcome
slide's sentence was cut at the bottom beside its picture (the picture now gives way, and the words take the width)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.ui.presentation import TextSize
from tests.ui.conftest import MakeWindow
from tests.ui.helpers import clipped_labels, really_visible
from tests.ui.test_booklet_parts import SAMPLE, SIZES


@pytest.mark.parametrize(("size", "language", "text_size"), SAMPLE)
def test_every_slide_s_words_show_whole(
    qtbot: QtBot, make_window: MakeWindow, size: str, language: str, text_size: TextSize
) -> None:
    window = make_window(SIZES[size], language)
    window.presentation.set_text_size(text_size)
    attract = window.attract
    problems: list[str] = []
    slides = len(window.context.catalog.of_kind(attract.current_slide.kind, language)) if attract.current_slide else 0
    assert slides > 1
    for _ in range(slides):
        qtbot.wait(1)
        slide = attract.current_slide
        assert slide is not None
        assert really_visible(attract.slide_body) and attract.slide_body.text()
        problems += [f"{slide.id}: {cut}" for cut in clipped_labels(attract)]
        if really_visible(attract.drawing):
            # A picture beside the words never overlaps them.
            words = attract.slide_body.geometry().united(attract.slide_title.geometry())
            assert not words.intersects(attract.drawing.geometry()), slide.id
        attract.next_slide()
    assert problems == []
