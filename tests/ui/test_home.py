"""Home: the choices are as tall as their words, a patient who feels unwell is told to go to the desk, and the
text-size control says what it is in words."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.services.navigation import Route, Screen
from kiosk.ui.presentation import TextSize, ThemeName
from tests.ui.conftest import ORIENTATIONS, MakeWindow
from tests.ui.helpers import clipped_labels, really_visible, visible_texts

UNWELL = {
    "en": "Feeling unwell? Tell the front desk now.",
    "es": "¿Se siente mal? Avise ahora a la recepción.",
    "vi": "Quý vị thấy không khỏe? Xin báo ngay cho quầy tiếp tân.",
}
TEXT_SIZE = {"en": "Text size", "es": "Tamaño de letra", "vi": "Cỡ chữ"}


@pytest.mark.parametrize("text_size", [TextSize.NORMAL, TextSize.EXTRA_LARGE])
@pytest.mark.parametrize("language", sorted(UNWELL))
@pytest.mark.parametrize("orientation", sorted(ORIENTATIONS))
def test_home_tells_an_unwell_patient_to_go_to_the_desk_and_names_the_text_size_control(
    qtbot: QtBot, make_window: MakeWindow, orientation: str, language: str, text_size: TextSize
) -> None:
    window = make_window(ORIENTATIONS[orientation], language)
    window.presentation.set_text_size(text_size)
    window.presentation.set_theme(ThemeName.HIGH_CONTRAST)
    window.go(Route(Screen.HOME))
    qtbot.wait(1)  # let layouts settle, as a real paint would
    shown = list(visible_texts(window).values())

    assert UNWELL[language] in shown
    assert TEXT_SIZE[language] in shown
    home = window.home
    assert really_visible(home.unwell) and not home.unwell_picture.pixmap().isNull()
    assert home.unwell.geometry().bottom() <= home.height()
    clipped = clipped_labels(window)
    assert clipped == [], "\n".join(clipped)
    for button in window.access_bar.controls():  # the label takes room, never a control's words
        assert button.width() >= button.sizeHint().width() or not really_visible(button), button.objectName()


def test_the_cards_are_as_tall_as_their_words_not_the_whole_screen(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(ORIENTATIONS["landscape"])
    window.go(Route(Screen.HOME))
    qtbot.wait(1)
    cards = window.home.choices
    tallest = max(card.heightForWidth(card.width()) for card in cards.values())  # a row shares one height
    for key, card in cards.items():
        assert card.heightForWidth(card.width()) <= card.height() <= tallest + window.home.metrics.px("pad2"), key
    assert tallest < window.home.height() // 2
