"""The warning-sign checklist, its question and every sign and "None of these", is in sight without scrolling, in every
look a patient can pick."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QApplication, QPoint, QRect, QWidget

from kiosk.domain.red_flags import RED_FLAG_QUESTIONS, red_flag_key
from kiosk.services.navigation import Route, Screen
from kiosk.ui.forms.fields import SignsField
from kiosk.ui.presentation import Look, TextSize, ThemeName
from kiosk.ui.previews import show_read_aloud_button
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import MakeWindow

SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920), "tablet": (1280, 800)}
LANGUAGES = ("en", "es", "vi")
# Every text size in normal colours, and high contrast (bolder borders) at the largest; each with the controls
# where they usually are and low (on a portrait screen that leaves its top 30 % empty; elsewhere it changes nothing).
LOOKS = [
    *(Look(size, low_position=low) for low in (False, True) for size in TextSize),
    *(Look(TextSize.EXTRA_LARGE, ThemeName.HIGH_CONTRAST, low_position=low) for low in (False, True)),
]


def rect_in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def settle(window: KioskWindow) -> None:
    """Lay out until nothing moves: wrapped words ask for another pass once they know their width."""
    bar = window.form.questions.verticalScrollBar()
    last = None
    for _ in range(10):
        QApplication.processEvents()
        now = (bar.maximum(), window.form.questions.viewport().size())
        if now == last:
            return
        last = now


def warning_steps(window: KioskWindow) -> list[int]:
    draft = window.form.draft
    assert draft is not None
    return [index for index, step in enumerate(draft.steps) if step.id.startswith("warning_signs")]


def out_of_sight(window: KioskWindow, step: int) -> tuple[list[str], int]:
    """What on the step is not wholly in the viewport at scroll 0, and the room left under the last answer."""
    form = window.form
    form.go_to_step(step)
    settle(window)
    viewport = rect_in_window(form.questions.viewport(), window)
    problems: list[str] = []
    room = 10_000
    # The checklist, not the optional note under it (which may need a scroll at the tightest looks): no warning sign,
    # and not "None of these", ever waits below a scroll.
    fields = [field for field in form.fields[step] if isinstance(field, SignsField) and not field.isHidden()]
    assert fields, "a warning-sign step without its checklist"
    for field in fields:
        for name, part in [("question", field), ("words", field.label), *field.buttons.items()]:
            shown = rect_in_window(part, window)
            words = field.label.text()[:30]
            if not part.isVisible() or shown.isEmpty():
                problems.append(f"{words!r} {name}: not shown")
            elif not (viewport.contains(shown) and window.rect().contains(shown)):
                problems.append(f"{words!r} {name}: at {shown.getCoords()}, the viewport is {viewport.getCoords()}")
            else:
                room = min(room, viewport.bottom() - shown.bottom())
    return problems, room


def misfits(window: KioskWindow, size: str, looks: list[Look]) -> tuple[list[str], tuple[int, str]]:
    """Every language, with and without the speaker, on every warning-sign step: what is out of sight."""
    problems: list[str] = []
    tightest = (10_000, "")
    for look in looks:
        window.presentation.apply(look)
        for language in LANGUAGES:
            window.texts.set_language(language)
            for speaker in (False, True):
                show_read_aloud_button(window, speaker)
                for step in warning_steps(window):
                    found, room = out_of_sight(window, step)
                    case = f"{size} {language} {look.text_size} {look.theme} low={look.low_position} speaker={speaker}"
                    problems += [f"{case} step {step + 1}: {problem}" for problem in found]
                    tightest = min(tightest, (room, f"{case} step {step + 1}"))
    return problems, tightest


@pytest.mark.parametrize("size", SIZES)
def test_every_warning_sign_and_its_answers_fit_without_scrolling(
    qtbot: QtBot, make_window: MakeWindow, size: str
) -> None:
    window = make_window(SIZES[size])
    window.go(Route(Screen.FOLLOW_UP))
    draft = window.form.draft
    assert draft is not None
    steps = warning_steps(window)
    assert len(steps) == 1  # one checklist: each sign tapped, or "None of these"
    asked = [
        key for step in steps for spec in draft.steps[step].fields for key in spec.answer_keys if "red_flag" in key
    ]
    assert asked == [red_flag_key(flag) for flag in RED_FLAG_QUESTIONS]  # each once, most serious first
    problems, tightest = misfits(window, size, LOOKS)
    print(f"least room under the last answer at {size}: {tightest[0]} px ({tightest[1]})")
    assert problems == []


def test_the_form_name_gives_way_only_when_the_questions_need_the_room(qtbot: QtBot, make_window: MakeWindow) -> None:
    """The tightest look hides the form's name on the warning signs (its "Step 5 of 6" moves between the buttons);
    normal text keeps it: the screen changes only when a question would otherwise start out of sight."""
    window = make_window(SIZES["portrait"])
    window.go(Route(Screen.FOLLOW_UP))
    form = window.form
    first = warning_steps(window)[0]
    window.presentation.apply(Look(TextSize.EXTRA_LARGE, low_position=True))
    window.texts.set_language("es")
    show_read_aloud_button(window, True)
    assert out_of_sight(window, first)[0] == []
    assert form.title.isHidden()
    assert form.progress.isVisible() and form.progress.text()
    for button in (form.next,):  # "Paso 5 de 6" never squeezes its words out of it
        words = button.label
        assert words.heightForWidth(words.width()) <= words.height(), button.objectName()
    window.presentation.apply(Look(TextSize.NORMAL))
    assert out_of_sight(window, first)[0] == []
    assert not form.title.isHidden()


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_a_wide_screen_at_normal_text_the_signs_go_two_by_two_and_the_note_needs_no_scroll(
    qtbot: QtBot, make_window: MakeWindow, language: str
) -> None:
    """The most common look: the whole step, the optional note too, in sight at once (one column of five rows
    pushed the note's box under a scroll bar at 1920x1080); "None of these" on its own row, under every sign."""
    window = make_window(SIZES["landscape"], language)
    window.go(Route(Screen.FOLLOW_UP))
    step = warning_steps(window)[0]
    window.form.go_to_step(step)
    settle(window)
    assert window.form.questions.verticalScrollBar().maximum() == 0
    checklist = next(field for field in window.form.fields[step] if isinstance(field, SignsField))
    tops = {value: rect_in_window(button, window).top() for value, button in checklist.buttons.items()}
    assert len({tops[value] for value in tops if value != "none"}) == 2  # two rows of two signs
    assert tops["none"] > max(top for value, top in tops.items() if value != "none")
