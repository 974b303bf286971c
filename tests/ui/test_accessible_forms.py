"""What a screen reader hears on the request forms: each choice with its question, errors on the focused control,
and names without the arrows, ticks and signs drawn for the eye."""

from __future__ import annotations

import unicodedata

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QAbstractButton, QAccessible, QApplication, QLabel, QWidget

from kiosk.services.navigation import Route, Screen
from kiosk.ui.forms.fields import ChoiceField, FieldWidget, ScaleField
from kiosk.ui.widgets.buttons import ButtonPicture, TouchButton
from kiosk.ui.window import KioskWindow
from tests.drivers.patient import choose, next_step
from tests.ui.conftest import MakeWindow
from tests.ui.helpers import really_visible
from tests.ui.patient_screens import SCENES, active_window, controls


def heard(widget: QWidget) -> tuple[str, str]:
    """The name and the description a screen reader gets, through Qt's accessibility interface (as AT-SPI does)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None, f"{widget.objectName()} has no accessible interface"
    return interface.text(QAccessible.Text.Name), interface.text(QAccessible.Text.Description)


def glyphs(text: str) -> str:
    """Characters drawn for the eye that a screen reader would say aloud ("check mark", "left arrow")."""
    return "".join(
        char
        for char in text
        if unicodedata.category(char) == "So"
        or (unicodedata.category(char) == "Sm" and not char.isascii())
        or char in "·•"
    )


def every_field(qtbot: QtBot, window: KioskWindow, screen: Screen) -> list[FieldWidget]:
    """Every question of a form, each step's page built by going to it."""
    window.go(Route(Screen.HOME))
    window.go(Route(screen))
    form = window.form
    assert form.draft is not None
    for index in range(len(form.draft.steps)):
        form.go_to_step(index)
    return [field for fields in form.fields for field in fields]


@pytest.mark.parametrize("screen", [Screen.APPOINTMENT, Screen.FOLLOW_UP])
def test_every_choice_is_heard_with_its_question(qtbot: QtBot, window: KioskWindow, screen: Screen) -> None:
    checked = 0
    for field in every_field(qtbot, window, screen):
        if not isinstance(field, ChoiceField | ScaleField):
            continue
        question = field.label.text()
        assert heard(field)[0] == question, "the question's group is named by it"
        for button in field.buttons.values():
            name, description = heard(button)
            assert name and question in f"{name} {description}", f"{button.objectName()}: {name!r} / {description!r}"
            checked += 1
    assert checked


def test_the_two_pain_scales_sound_different(qtbot: QtBot, window: KioskWindow) -> None:
    fields = {field.spec.key: field for field in every_field(qtbot, window, Screen.FOLLOW_UP)}
    before, now = fields["pain_before"], fields["pain_now"]
    assert isinstance(before, ScaleField) and isinstance(now, ScaleField)
    for value, button in before.buttons.items():
        assert heard(button) != heard(now.buttons[value])
        assert heard(button)[0] == f"{value}, {before.words_for(value).split(' · ')[1]}"  # the number has its words


def test_an_error_is_heard_on_the_control_that_takes_the_focus_and_goes_when_answered(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = active_window(qtbot, make_window)
    window.go(Route(Screen.HOME))
    window.go(Route(Screen.APPOINTMENT))  # its first question is a choice (the follow-up's procedure is preset)
    form = window.form
    next_step(qtbot, window)  # nothing answered
    first = next(field for field in form.fields[0] if field.error.isVisible())
    sentence = first.error.accessibleName()
    assert sentence and not glyphs(sentence)
    focused = QApplication.focusWidget()
    assert focused in first.answer_controls()
    description = heard(focused)[1]
    assert description == f"{first.label.text()}: {sentence}"
    assert heard(first)[1] == description
    for control in first.answer_controls():
        assert heard(control)[1] == description

    assert isinstance(first, ChoiceField)
    choose(qtbot, window, first.spec.key, next(iter(first.buttons)))
    next_step(qtbot, window)  # the step's other questions are still empty: Next shows their errors again
    assert not first.error.isVisible()
    assert heard(first)[1] == ""
    for control in first.answer_controls():
        assert heard(control)[1] == first.label.text(), "the error left; the question stays"


@pytest.mark.parametrize("scene", SCENES)
def test_no_name_a_screen_reader_hears_has_a_glyph(qtbot: QtBot, make_window: MakeWindow, scene: str) -> None:
    window = active_window(qtbot, make_window)
    problems: set[str] = set()
    looked_at = 0
    for state in SCENES[scene](qtbot, window):
        # Every control, the words and pictures inside buttons, and everything on the forms.
        shown = [*controls(window), *window.findChildren(TouchButton)]
        shown += [child for button in window.findChildren(TouchButton) for child in button.findChildren(QLabel)]
        if window.navigator.current.screen in (Screen.APPOINTMENT, Screen.FOLLOW_UP):
            shown += window.form.findChildren(QLabel)
        for widget in shown:
            if not really_visible(widget):
                continue
            name, _description = heard(widget)
            looked_at += 1
            if glyphs(name):
                problems.add(f"{state}: {type(widget).__name__} {widget.objectName()} is named {name!r}")
    assert looked_at
    assert not problems, "\n".join(sorted(problems))


def test_pictures_in_buttons_are_named_as_their_button(qtbot: QtBot, window: KioskWindow) -> None:
    window.go(Route(Screen.HOME))
    pictures = [p for p in window.findChildren(ButtonPicture) if really_visible(p) and p.objectName() == "ButtonIcon"]
    assert pictures
    for picture in pictures:
        button = picture.parentWidget()
        assert isinstance(button, QAbstractButton)
        name, _description = heard(picture)
        assert heard(picture)[0] == button.accessibleName() and name and not glyphs(name)


def test_the_unwell_strips_pictogram_is_not_heard_apart_from_its_words(qtbot: QtBot, window: KioskWindow) -> None:
    window.go(Route(Screen.HOME))
    strip = window.findChild(QWidget, "UnwellStrip")
    picture = window.findChild(QWidget, "UnwellIcon")
    assert strip is not None and picture is not None and really_visible(picture)
    assert picture.parentWidget() is strip
    assert heard(picture)[0] == ""  # said once, by the words beside it, not twice
