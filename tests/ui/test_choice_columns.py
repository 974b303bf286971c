"""Answers are laid out in as many columns as keep each answer's words whole: no word is cut at a button's side.

At the largest text, upright (or beside the keyboard), three answers across left "Correo electrónico" as
"electrónic" and put a radio mark on a line of its own; the choice field now drops to two columns or one.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.services.startup import KioskContext
from kiosk.ui.forms.fields import ChoiceField
from kiosk.ui.presentation import Look, TextSize, ThemeName
from kiosk.ui.previews import open_screen, screen_names
from tests.ui.conftest import MakeWindow
from tests.ui.helpers import really_visible

PORTRAIT = (1080, 1920)


def cut_words(field: ChoiceField) -> list[str]:
    cut = []
    for button in field.buttons.values():
        label = button.label
        if not really_visible(label):
            continue
        metrics = label.fontMetrics()
        for word in label.text().split():
            if metrics.horizontalAdvance(word) > label.width():
                cut.append(f"{word!r} needs {metrics.horizontalAdvance(word)} px, has {label.width()} px")
    return cut


@pytest.mark.parametrize("language", ["es", "vi"])
def test_no_answer_word_is_cut_at_the_largest_text_upright(
    qtbot: QtBot, make_window: MakeWindow, context: KioskContext, language: str
) -> None:
    window = make_window(PORTRAIT, language=language)
    window.presentation.apply(Look(text_size=TextSize.EXTRA_LARGE, theme=ThemeName.HIGH_CONTRAST))
    problems: list[str] = []
    checked = 0
    for name in screen_names(context):
        if not name.startswith(("appointment", "follow-up")):
            continue
        open_screen(window, name)
        qtbot.wait(20)  # one frame: the fields have their widths
        for field in window.form.findChildren(ChoiceField):
            if really_visible(field):
                checked += 1
                problems += [f"{name}: {problem}" for problem in cut_words(field)]
    assert checked > 5
    assert not problems, "\n".join(problems)
