"""With the keyboard up, a step's every question, its label, its error and Next are in sight without scrolling.

Measured on the real window off-screen, for every step a patient types on, at every screen size, language and text
size (with the speaker button, which can take the bar another row): what the patient answers is never under the
keyboard, and never below a scroll.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QAbstractButton, QApplication, QPoint, QRect, QWidget

from kiosk.services.navigation import Route, Screen
from kiosk.services.request_form import FieldKind
from kiosk.ui.forms.fields import FieldWidget
from kiosk.ui.presentation import Look, TextSize, ThemeName
from kiosk.ui.previews import show_read_aloud_button
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import click
from tests.ui.conftest import MakeWindow

SIZES = {"landscape": (1920, 1080), "tablet": (1280, 800), "portrait": (1080, 1920)}
LANGUAGES = ("en", "es", "vi")
# Steps of boxes only (name, date of birth, phone and e-mail), and steps that mix choices with a box (what the
# appointment is for and its "tell us" box, the procedure and its date, the wishes and their note).
TYPED = frozenset({FieldKind.TEXT, FieldKind.DATE, FieldKind.MULTILINE})
LOOKS = [*(Look(size) for size in TextSize), Look(TextSize.EXTRA_LARGE, ThemeName.HIGH_CONTRAST)]


def rect_in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def settle(window: KioskWindow) -> None:
    """Lay out until nothing moves: wrapped words ask for another pass once they know their width."""
    form = window.form
    last = None
    for _ in range(10):
        QApplication.processEvents()
        now = (form.questions.verticalScrollBar().maximum(), form.questions.viewport().size(), form.keyboard.geometry())
        if now == last:
            return
        last = now


def typing_steps(window: KioskWindow, mixed: bool) -> list[int]:
    """The steps of boxes only, or (mixed) the steps with a box among choices."""
    draft = window.form.draft
    assert draft is not None
    return [
        index
        for index, step in enumerate(draft.steps)
        if any(spec.kind in TYPED for spec in step.fields) and mixed != all(spec.kind in TYPED for spec in step.fields)
    ]


def out_of_sight(qtbot: QtBot, window: KioskWindow, step: int, error: str) -> list[str]:
    """With the keyboard open on the step's first box and an error under every question: what is hidden."""
    form = window.form
    form.go_to_step(step)
    other = form.findChild(QAbstractButton, "option-reason-other")
    if other is not None and other.isVisibleTo(form) and not other.isChecked():
        click(qtbot, other)  # "tell us in a few words" shows, with its box
    fields: list[FieldWidget] = [field for field in form.fields[step] if not field.isHidden()]
    for field in fields:
        field.set_error(error)
    editor = next(editor for field in fields for editor in field.editors())
    click(qtbot, editor)  # a touch on the first box opens the keyboard, as for a patient
    settle(window)
    problems = []
    if not form.keyboard.isVisible():
        return ["the keyboard did not open"]
    bar = form.questions.verticalScrollBar()
    if bar.maximum() > 0:
        problems.append(f"the questions scroll by {bar.maximum()} px")
    keyboard = rect_in_window(form.keyboard, window)
    viewport = rect_in_window(form.questions.viewport(), window)
    parts: list[tuple[str, QWidget]] = [("Next", form.next)]
    for field in fields:
        name = field.spec.key
        parts += [(f"{name} question", field), (f"{name} label", field.label), (f"{name} error", field.error)]
        parts += [(f"{name} box", editor) for editor in field.editors()]
    for name, part in parts:
        shown = rect_in_window(part, window)
        if not part.isVisible() or shown.isEmpty():
            problems.append(f"{name}: not shown")
        elif not window.rect().contains(shown):
            problems.append(f"{name}: off the screen at {shown.getCoords()}")
        elif shown.intersects(keyboard):
            problems.append(f"{name}: under the keyboard at {shown.getCoords()}")
        elif part is not form.next and not viewport.contains(shown):
            problems.append(f"{name}: out of the viewport at {shown.getCoords()}, viewport {viewport.getCoords()}")
    for field in fields:
        field.set_error("")
    return problems


def hidden_anywhere(qtbot: QtBot, make_window: MakeWindow, size: str, kind: Screen, mixed: bool) -> list[str]:
    window = make_window(SIZES[size])
    window.go(Route(Screen.HOME))
    window.go(Route(kind))
    show_read_aloud_button(window, True)
    problems: list[str] = []
    for look in LOOKS:
        window.presentation.apply(look)
        for language in LANGUAGES:
            window.texts.set_language(language)
            error = "required"  # the error every question shows when it is left empty
            for step in typing_steps(window, mixed):
                window.form.go_to_step(step)
                case = f"{size} {language} {look.text_size} {look.theme}"
                problems += [
                    f"{case} step {step + 1}: {problem}" for problem in out_of_sight(qtbot, window, step, error)
                ]
    return problems


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", [Screen.APPOINTMENT, Screen.FOLLOW_UP])
def test_the_keyboard_never_hides_what_the_patient_types(
    qtbot: QtBot, make_window: MakeWindow, size: str, kind: Screen
) -> None:
    problems = hidden_anywhere(qtbot, make_window, size, kind, mixed=False)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", [Screen.APPOINTMENT, Screen.FOLLOW_UP])
def test_the_keyboard_never_hides_the_choices_on_a_step_with_a_box(
    qtbot: QtBot, make_window: MakeWindow, size: str, kind: Screen
) -> None:
    """While typing, a step's choices show one line with what is chosen, beside their question and its error."""
    problems = hidden_anywhere(qtbot, make_window, size, kind, mixed=True)
    assert problems == [], "\n".join(problems)
