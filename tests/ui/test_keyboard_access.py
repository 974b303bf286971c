"""The on-screen keyboard without touch: a keypad (Tab, arrows, Enter, Space) and a screen reader's press action.

Keys go to whatever has the focus, as real keys do; press actions go through QAccessible, as an assistive tool's
do. Every letter of English, Spanish and Vietnamese is reachable whatever the screen language.
"""

from __future__ import annotations

import os
import unicodedata

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QAccessible, QLineEdit, QPoint, QRect, Qt

from kiosk.domain.keyboard_layouts import LAYOUTS, KeyKind
from kiosk.services.navigation import Route, Screen
from kiosk.ui.widgets.keyboard import KeyButton, OnScreenKeyboard
from kiosk.ui.window import KioskWindow
from tests.ui.conftest import MakeWindow
from tests.ui.helpers import really_visible
from tests.ui.test_keyboard_walk import MAX_PRESSES, arrow_to, find, focused, name_of, press, tab_to

Key = Qt.Key
# What to press for each word, as a patient on an English screen would: the Vietnamese page is reached from the
# accent picker ("áñü", then "ăơư"; English needs no accents in sight), a name starts with a capital by itself, and
# ễ is ê and then the ngã tone.
NGUYEN = ["more_letters", "vietnamese", "n", "g", "u", "y", "ê", "tone_nga", "n"]
# After Nguyễn the next box opens on the Vietnamese page the patient picked; "áñü" goes back to the English letters,
# and the picker has ñ.
PENA = ["other_letters", "p", "e", "more_letters", "ñ", "a"]
SCREENSHOT = os.environ.get("KIOSK_KEYBOARD_SCREENSHOT", "")


@pytest.fixture
def window(qtbot: QtBot, make_window: MakeWindow) -> KioskWindow:
    """The kiosk at 1920x1080 in English, on the step that asks for the patient's name."""
    window = make_window((1920, 1080), "en")
    with qtbot.waitActive(window):  # a text box's focus opens the keyboard only in the active window
        window.activateWindow()
    window.go(Route(Screen.HOME))
    window.go(Route(Screen.APPOINTMENT))
    window.form.go_to_step(1)
    return window


def keyboard_of(window: KioskWindow) -> OnScreenKeyboard:
    return window.form.keyboard


def shown_key(keyboard: OnScreenKeyboard, name: str) -> KeyButton:
    """The key in sight typing `name` (lower case), or a special key by its string's name ("next", "tone_nga")."""
    for button in keyboard.findChildren(KeyButton, f"key-{name}"):
        if really_visible(button):
            return button
    shown = [b.objectName() for b in keyboard.findChildren(KeyButton) if really_visible(b)]
    raise AssertionError(f"no key {name!r} in sight; in sight: {shown}")


def tab_into_keyboard(qtbot: QtBot, keyboard: OnScreenKeyboard) -> None:
    passed: list[str] = []
    for _ in range(MAX_PRESSES):
        if keyboard.isAncestorOf(focused()):
            return
        press(qtbot, Key.Key_Tab)
        passed.append(name_of(focused()))
    raise AssertionError(f"Tab never reaches the keyboard; it goes through {passed}")


def press_by_keypad(qtbot: QtBot, keyboard: OnScreenKeyboard, names: list[str]) -> None:
    """Arrow to each key and press it, with Enter and Space in turn (both press a focused key)."""
    for index, name in enumerate(names):
        arrow_to(qtbot, shown_key(keyboard, name))
        press(qtbot, Key.Key_Return if index % 2 else Key.Key_Space)
        assert keyboard.isAncestorOf(focused()), f"pressing {name} let the focus out of the keyboard"


def press_by_action(qtbot: QtBot, keyboard: OnScreenKeyboard, names: list[str]) -> None:
    for name in names:
        button = shown_key(keyboard, name)
        actions = QAccessible.queryAccessibleInterface(button).actionInterface()
        assert actions is not None
        actions.doAction(actions.pressAction())
        # Qt answers a press action with an animated click: the key shows pressed, then types a moment later.
        qtbot.waitUntil(lambda b=button: not b.isDown())  # type: ignore[misc]


def text_of(window: KioskWindow, key: str) -> QLineEdit:
    field = find(window, f"field-{key}")
    assert isinstance(field, QLineEdit)
    return field


# -- typing without touch ---------------------------------------------------------------------------------------
def test_a_keypad_user_types_a_vietnamese_and_a_spanish_name_on_english_screens(
    qtbot: QtBot, window: KioskWindow
) -> None:
    keyboard = keyboard_of(window)
    first, last = text_of(window, "first_name"), text_of(window, "last_name")
    tab_to(qtbot, first)
    assert keyboard.isVisible()
    tab_into_keyboard(qtbot, keyboard)

    press_by_keypad(qtbot, keyboard, NGUYEN)
    assert first.text() == "Nguyễn" and first.cursorPosition() == len("Nguyễn")
    # Next puts the cursor in the last name, and the keypad stays in the keyboard to type it.
    press_by_keypad(qtbot, keyboard, ["next"])
    assert keyboard.isAncestorOf(focused())
    # The page picked by hand stays for the next box (until the keyboard hides).
    assert keyboard.current_layout == "vietnamese"
    press_by_keypad(qtbot, keyboard, PENA)

    assert (first.text(), last.text()) == ("Nguyễn", "Peña")
    assert last.cursorPosition() == len("Peña")
    # The date of birth follows on the same step: the move-on key is "Next box", and on the step's last box Done,
    # which lets go of the keyboard and gives the focus back to the form, with nothing lost.
    arrow_to(qtbot, shown_key(keyboard, "next"))
    assert shown_key(keyboard, "next").words() == "Next box"
    for _box in range(3):  # the month, the day and the year, left empty
        press(qtbot, Key.Key_Return)
        arrow_to(qtbot, shown_key(keyboard, "next"))
    assert shown_key(keyboard, "next").words() == "Done"
    press(qtbot, Key.Key_Return)
    assert not keyboard.isVisible() and focused() is window.form
    assert (first.text(), last.text()) == ("Nguyễn", "Peña")


def test_a_screen_readers_press_action_types_without_moving_the_focus(qtbot: QtBot, window: KioskWindow) -> None:
    keyboard = keyboard_of(window)
    first, last = text_of(window, "first_name"), text_of(window, "last_name")
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    assert keyboard.isVisible()

    press_by_action(qtbot, keyboard, NGUYEN)
    assert first.hasFocus() and first.text() == "Nguyễn" and first.cursorPosition() == len("Nguyễn")
    press_by_action(qtbot, keyboard, ["next"])
    assert last.hasFocus()
    press_by_action(qtbot, keyboard, PENA)

    assert (first.text(), last.text()) == ("Nguyễn", "Peña")


def test_tab_leaves_the_keyboard_in_one_step_each_way(qtbot: QtBot, window: KioskWindow) -> None:
    keyboard = keyboard_of(window)
    first = text_of(window, "first_name")
    tab_to(qtbot, first)
    tab_into_keyboard(qtbot, keyboard)
    entered = focused()
    press(qtbot, Key.Key_Right)
    press(qtbot, Key.Key_Down)
    moved = focused()
    assert moved is not entered and keyboard.isAncestorOf(moved)

    press(qtbot, Key.Key_Tab, shift=True)  # back to the box the keyboard types into
    assert focused() is first
    press(qtbot, Key.Key_Tab)  # and in again, to the key the keypad was on
    assert focused() is moved
    press(qtbot, Key.Key_Tab)  # on to the box after it, which the keyboard now types into
    last = text_of(window, "last_name")
    assert focused() is last
    press_by_action(qtbot, keyboard, ["a"])
    assert (first.text(), last.text()) == ("", "A")


def test_a_layout_key_pressed_from_the_keypad_lands_on_the_key_back(qtbot: QtBot, window: KioskWindow) -> None:
    keyboard = keyboard_of(window)
    tab_to(qtbot, text_of(window, "first_name"))
    tab_into_keyboard(qtbot, keyboard)

    press_by_keypad(qtbot, keyboard, ["numbers"])
    assert focused() is shown_key(keyboard, "letters")
    press(qtbot, Key.Key_Return)
    assert focused() is shown_key(keyboard, "numbers")
    press_by_keypad(qtbot, keyboard, ["more_letters", "ç"])  # the picker closes after one letter
    assert focused() is shown_key(keyboard, "more_letters")
    assert text_of(window, "first_name").text() == "Ç"


# -- names and actions ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "es", "vi"])
def test_every_key_on_every_page_has_a_name_and_a_press_action(window: KioskWindow, language: str) -> None:
    window.texts.set_language(language)
    keyboard = keyboard_of(window)
    text_of(window, "first_name").setFocus()
    problems: list[str] = []
    for button in keyboard.keys:
        accessible = QAccessible.queryAccessibleInterface(button)
        actions = accessible.actionInterface()
        if not accessible.text(QAccessible.Text.Name).strip():
            problems.append(f"{button.objectName()} has no name")
        if actions is None or actions.pressAction() not in actions.actionNames():
            problems.append(f"{button.objectName()} has no press action")
        # A character's name is the character, or for a letter with marks its bare letter and the marks in words.
        text = button.key.text
        base = unicodedata.name(text, "").partition(" WITH ")[0] if len(text) == 1 else ""
        bare = unicodedata.lookup(base).lower() if base and base != unicodedata.name(text) else text
        if button.key.kind is KeyKind.CHAR and not button.accessibleName().lower().startswith(bare):
            problems.append(f"{button.objectName()} is named {button.accessibleName()!r}")
    assert not problems, "\n".join(problems)


def test_the_special_keys_say_what_they_do(window: KioskWindow) -> None:
    keyboard = keyboard_of(window)
    text_of(window, "first_name").setFocus()
    names = {name: shown_key(keyboard, name).accessibleName() for name in ("shift", "backspace", "space", "next")}
    assert "capital" in names["shift"].lower() and "delete" in names["backspace"].lower()
    assert names["space"] == "Space" and "next" in names["next"].lower()
    assert "numbers" in shown_key(keyboard, "numbers").accessibleName().lower()
    assert "accents" in shown_key(keyboard, "more_letters").accessibleName().lower()
    shown_key(keyboard, "more_letters").click()
    assert "vietnamese" in shown_key(keyboard, "vietnamese").accessibleName().lower()


@pytest.mark.parametrize(
    ("language", "letter", "name"),
    [
        ("en", "ê", "e with circumflex"),
        ("en", "ñ", "n with tilde"),
        ("es", "ư", "u con cuerno"),
        ("vi", "ơ", "o có dấu móc"),
    ],
)
def test_a_letter_with_marks_is_named_in_words_in_the_patients_language(
    window: KioskWindow, language: str, letter: str, name: str
) -> None:
    window.texts.set_language(language)
    keyboard = keyboard_of(window)
    text_of(window, "first_name").setFocus()
    [button] = [b for b in keyboard.keys if b.key.kind is KeyKind.CHAR and b.key.text == letter][:1]
    assert button.accessibleName().lower() == name  # a capital while the name field asks for one


# -- every letter in every language -----------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_vietnamese_letters_and_tones_are_reached_from_the_accent_picker_in_english_and_spanish(
    qtbot: QtBot, window: KioskWindow, language: str
) -> None:
    window.texts.set_language(language)
    keyboard = keyboard_of(window)
    first = text_of(window, "first_name")
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    own = {"en": "letters", "es": "spanish"}[language]
    assert keyboard.current_layout == own

    press_by_action(qtbot, keyboard, ["more_letters", "vietnamese"])

    assert keyboard.current_layout == "vietnamese"
    for letter in "ăâđêôơư":
        assert really_visible(shown_key(keyboard, letter))
    press_by_action(qtbot, keyboard, ["t", "r", "ư", "ơ", "tone_huyen", "n", "g"])
    assert first.text() == "Trường"
    press_by_action(qtbot, keyboard, ["other_letters"])  # and back to the letters of the screen's language
    assert keyboard.current_layout == own


def test_the_spanish_letters_are_one_key_away_in_vietnamese_and_the_picker_comes_back(
    qtbot: QtBot, window: KioskWindow
) -> None:
    window.texts.set_language("vi")
    keyboard = keyboard_of(window)
    last = text_of(window, "last_name")
    last.setFocus()
    qtbot.waitUntil(last.hasFocus)
    assert keyboard.current_layout == "vietnamese"

    press_by_action(qtbot, keyboard, ["m", "other_letters", "ü", "l", "l", "e", "r"])

    assert last.text() == "Müller"
    assert keyboard.current_layout == "vietnamese"  # the picker went back after one letter


def test_every_letter_of_each_language_is_on_a_page_reachable_in_every_language() -> None:
    """From the page a name opens with, in any screen language, layout keys lead to every letter."""
    needed = set("abcdefghijklmnopqrstuvwxyz") | set("áéíóúüñ") | set("ăâđêôơư")
    for start in ("letters", "spanish", "vietnamese"):  # the name page of en, es and vi
        seen, queue = {start}, [start]
        while queue:
            layout = LAYOUTS[queue.pop()]
            for key in layout.every_key():
                if key.kind is KeyKind.LAYOUT and key.target not in seen:
                    seen.add(key.target)
                    queue.append(key.target)
        typed = {key.text for name in seen for key in LAYOUTS[name].every_key() if key.kind is KeyKind.CHAR}
        assert needed <= typed, f"from {start}: {sorted(needed - typed)} cannot be typed"


def test_the_keyboard_looks_right_with_the_keypad_in_it(qtbot: QtBot, window: KioskWindow) -> None:
    """Pictures to look at (set KIOSK_KEYBOARD_SCREENSHOT to a .png path); the sizes are checked in any case."""
    keyboard = keyboard_of(window)
    tab_to(qtbot, text_of(window, "first_name"))
    tab_into_keyboard(qtbot, keyboard)
    for page, names in (
        ("-letters", ["more_letters"]),
        ("-accents", ["vietnamese"]),
        ("", ["n", "g", "u", "y", "ê", "tone_nga", "n"]),
    ):
        if page:
            if page == "-accents":
                press(qtbot, Key.Key_Return)  # open the picker, with the Vietnamese key in it
            arrow_to(qtbot, shown_key(keyboard, names[0]))  # the keypad's focus on the new key, for the picture
        else:
            press(qtbot, Key.Key_Return)
            press_by_keypad(qtbot, keyboard, names)
        qtbot.wait(50)
        # Beside the questions on the landscape screen, not over them (docked down to the screen's bottom).
        questions = window.form.questions
        beside = QRect(keyboard.mapTo(window, QPoint(0, 0)), keyboard.size())
        assert not beside.intersects(QRect(questions.mapTo(window, QPoint(0, 0)), questions.size()))
        keys = [button for button in keyboard.findChildren(KeyButton) if really_visible(button)]
        assert all(button.width() >= 64 and button.height() >= 64 for button in keys)
        whole = keyboard.rect()
        assert all(whole.contains(button.rect().translated(button.mapTo(keyboard, QPoint(0, 0)))) for button in keys)
        if SCREENSHOT:
            assert window.grab().save(SCREENSHOT.replace(".png", f"{page}.png"))
    assert text_of(window, "first_name").text() == "Nguyễn"
