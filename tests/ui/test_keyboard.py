"""The on-screen keyboard, driven only by touching its keys: what it types, sizes, names and privacy."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import (
    QGuiApplication,
    QLabel,
    QLineEdit,
    QObject,
    QPlainTextEdit,
    QPoint,
    QRect,
    Qt,
    QTextCursor,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.keyboard_layouts import (
    LAYOUTS,
    KeyboardLayout,
    KeyKind,
)
from kiosk.i18n.strings import StringCatalog
from kiosk.ui.texts import UiTexts
from kiosk.ui.theme import Metrics, stylesheet
from kiosk.ui.widgets.buttons import TouchButton
from kiosk.ui.widgets.keyboard import KeyButton, OnScreenKeyboard
from tests.ui.helpers import clipped_labels, really_visible

ORIENTATIONS = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
HEIGHT_LIMIT = {"landscape": 0.45, "portrait": 0.35}
MIN_TARGET_PX = 64
Editor = QLineEdit | QPlainTextEdit


@dataclass
class Rig:
    """A text box with the keyboard under it, as a form screen has them."""

    host: QWidget
    editor: Editor
    keyboard: OnScreenKeyboard

    def text(self) -> str:
        return self.editor.text() if isinstance(self.editor, QLineEdit) else self.editor.toPlainText()


MakeRig = Callable[..., Rig]


@pytest.fixture
def texts() -> UiTexts:
    return UiTexts(StringCatalog.load(["en", "es", "vi"], "en"), ("en", "es", "vi"), "en")


@pytest.fixture
def make_rig(qtbot: QtBot, texts: UiTexts) -> MakeRig:
    def make(
        size: tuple[int, int] = ORIENTATIONS["landscape"],
        editor: type[Editor] = QLineEdit,
        keyboard_texts: UiTexts | None = None,
        layouts: dict[str, KeyboardLayout] | None = None,
    ) -> Rig:
        width, height = size
        metrics = Metrics.for_size(width, height)
        host = QWidget()
        # Styled as the kiosk window is, so key sizes and type sizes are the real ones.
        host.setObjectName("KioskWindow")
        host.setStyleSheet(stylesheet(metrics))
        box = editor()
        keyboard = OnScreenKeyboard(keyboard_texts or texts, layouts=layouts or LAYOUTS)
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(box, 1)
        column.addWidget(keyboard)
        qtbot.add_widget(host)
        host.resize(width, height)
        keyboard.relayout(metrics, width)
        host.show()
        qtbot.wait_exposed(host)
        host.activateWindow()
        box.setFocus()
        qtbot.wait_until(box.hasFocus)
        return Rig(host, box, keyboard)

    return make


def key(keyboard: OnScreenKeyboard, name: str) -> KeyButton:
    """The visible key typing `name` (lower case), or a special key by its string: "shift", "next"."""
    for button in keyboard.findChildren(KeyButton, f"key-{name}"):
        if really_visible(button):
            return button
    shown = [b.objectName() for b in keyboard.findChildren(KeyButton) if really_visible(b)]
    raise AssertionError(f"no visible key {name!r}; visible keys: {shown}")


def tap(qtbot: QtBot, keyboard: OnScreenKeyboard, *names: str) -> None:
    for name in names:
        qtbot.mouseClick(key(keyboard, name), Qt.MouseButton.LeftButton)


def tap_text(qtbot: QtBot, keyboard: OnScreenKeyboard, letters: str) -> None:
    """Touch the key for each letter; a space is the space bar."""
    tap(qtbot, keyboard, *("space" if letter == " " else letter for letter in letters))


def set_cursor(editor: Editor, position: int, select: int = 0) -> None:
    if isinstance(editor, QLineEdit):
        editor.setCursorPosition(position)
        editor.setSelection(position, select)
        return
    cursor = editor.textCursor()
    cursor.setPosition(position)
    cursor.setPosition(position + select, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)


def set_text(editor: Editor, text: str) -> None:
    if isinstance(editor, QLineEdit):
        editor.setText(text)
    else:
        editor.setPlainText(text)


def cursor_position(editor: Editor) -> int:
    return editor.cursorPosition() if isinstance(editor, QLineEdit) else editor.textCursor().position()


EDITORS = pytest.mark.parametrize("editor", [QLineEdit, QPlainTextEdit], ids=["line", "plain"])


# --- typing -----------------------------------------------------------------------------------


@EDITORS
def test_a_name_is_typed_by_touch_with_capitals_and_accents(
    qtbot: QtBot, make_rig: MakeRig, texts: UiTexts, editor: type[Editor]
) -> None:
    texts.set_language("es")  # Spanish names: the Spanish page has their accents in sight
    rig = make_rig(editor=editor)
    rig.keyboard.attach(rig.editor, "letters", capitalize_words=True)

    tap_text(qtbot, rig.keyboard, "josé peña")

    assert rig.text() == "José Peña"


def test_a_name_takes_a_capital_after_a_hyphen(qtbot: QtBot, make_rig: MakeRig, texts: UiTexts) -> None:
    texts.set_language("es")  # Spanish names: the Spanish page has their accents in sight
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters", capitalize_words=True)

    tap_text(qtbot, rig.keyboard, "ruiz-peña")

    assert rig.text() == "Ruiz-Peña"


def test_a_capital_turned_off_by_hand_stays_off_for_that_letter(
    qtbot: QtBot, make_rig: MakeRig, texts: UiTexts
) -> None:
    texts.set_language("es")  # Spanish names: the Spanish page has their accents in sight
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters", capitalize_words=True)

    tap_text(qtbot, rig.keyboard, "maría ")
    assert key(rig.keyboard, "shift").isChecked()
    for particle in ("de ", "la "):
        tap(qtbot, rig.keyboard, "shift")  # no capital for this word
        assert not key(rig.keyboard, "shift").isChecked()
        tap_text(qtbot, rig.keyboard, particle)
    tap_text(qtbot, rig.keyboard, "cruz")

    assert rig.text() == "María de la Cruz"


def test_shift_makes_only_the_next_letter_a_capital_and_the_keys_show_it(qtbot: QtBot, make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters")

    tap(qtbot, rig.keyboard, "shift")
    assert key(rig.keyboard, "shift").isChecked()
    assert key(rig.keyboard, "a").words() == "A"
    assert key(rig.keyboard, "a").accessibleName() == "A"
    tap(qtbot, rig.keyboard, "a", "b")

    assert rig.text() == "Ab"
    assert not key(rig.keyboard, "shift").isChecked()
    assert key(rig.keyboard, "a").words() == "a"


def test_other_accented_letters_come_from_a_picker_that_closes_after_one_letter(
    qtbot: QtBot, make_rig: MakeRig
) -> None:
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters", capitalize_words=True)

    tap_text(qtbot, rig.keyboard, "fran")
    tap(qtbot, rig.keyboard, "more_letters")
    assert rig.keyboard.current_layout == "accents"
    tap(qtbot, rig.keyboard, "ç")
    assert rig.keyboard.current_layout == "letters"
    tap_text(qtbot, rig.keyboard, "ois")

    assert rig.text() == "François"


def test_an_email_address_is_typed_with_the_email_layout(qtbot: QtBot, make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "email")

    tap_text(qtbot, rig.keyboard, "ana.lopez@example")
    tap(qtbot, rig.keyboard, ".com")

    assert rig.text() == "ana.lopez@example.com"


def test_a_phone_number_is_typed_on_a_standard_phone_keypad(qtbot: QtBot, make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "phone")

    tap_text(qtbot, rig.keyboard, "5045550142")

    assert rig.text() == "5045550142"
    # A standard phone keypad: the ten digits, delete, and the one key that moves on; nothing else to hunt for.
    shown = sorted(b.objectName() for b in rig.keyboard.findChildren(KeyButton) if really_visible(b))
    assert shown == sorted([*(f"key-{digit}" for digit in "0123456789"), "key-backspace", "key-next"])


def test_the_layout_keys_switch_between_letters_and_numbers(qtbot: QtBot, make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters")

    tap(qtbot, rig.keyboard, "numbers", "4", "letters", "b")

    assert rig.text() == "4b"


@EDITORS
def test_backspace_deletes_the_letter_before_the_cursor_in_the_middle(
    qtbot: QtBot, make_rig: MakeRig, texts: UiTexts, editor: type[Editor]
) -> None:
    texts.set_language("es")  # Spanish names: the Spanish page has their accents in sight
    rig = make_rig(editor=editor)
    rig.keyboard.attach(rig.editor, "letters")
    set_text(rig.editor, "Penxa")
    set_cursor(rig.editor, 4)

    tap(qtbot, rig.keyboard, "backspace")

    assert rig.text() == "Pena"
    assert cursor_position(rig.editor) == 3
    tap(qtbot, rig.keyboard, "backspace", "ñ")
    assert rig.text() == "Peña"


@EDITORS
def test_typing_replaces_the_selection(qtbot: QtBot, make_rig: MakeRig, editor: type[Editor]) -> None:
    rig = make_rig(editor=editor)
    rig.keyboard.attach(rig.editor, "letters")
    set_text(rig.editor, "Ana Lopez")
    set_cursor(rig.editor, 4, select=5)

    tap_text(qtbot, rig.keyboard, "ruiz")

    assert rig.text() == "Ana ruiz"


def test_backspace_deletes_the_selection(qtbot: QtBot, make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters")
    set_text(rig.editor, "Ana Lopez")
    set_cursor(rig.editor, 3, select=6)

    tap(qtbot, rig.keyboard, "backspace")

    assert rig.text() == "Ana"


# --- next, done, focus --------------------------------------------------------------------------


def test_next_asks_for_the_next_field(qtbot: QtBot, make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "numbers")

    with qtbot.wait_signal(rig.keyboard.next_requested, timeout=1000):
        tap(qtbot, rig.keyboard, "next")


def test_on_the_last_box_the_one_move_on_key_is_done_and_hides_the_keyboard(qtbot: QtBot, make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters", last_box=True)
    assert key(rig.keyboard, "next").words() == "Done"
    assert key(rig.keyboard, "next").accessibleName() == "Done typing: hide the keyboard"

    with (
        qtbot.wait_signal(rig.keyboard.done_requested, timeout=1000),
        qtbot.assert_not_emitted(rig.keyboard.next_requested),
    ):
        tap(qtbot, rig.keyboard, "next")

    assert not rig.keyboard.isVisible()
    rig.keyboard.attach(rig.editor, "letters")  # a box with another after it: the same key says so
    assert key(rig.keyboard, "next").words() == "Next box"


def test_keys_never_take_the_focus_from_the_text_box(qtbot: QtBot, make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters", capitalize_words=True)

    tap_text(qtbot, rig.keyboard, "ana ")
    tap(qtbot, rig.keyboard, "shift", "backspace", "numbers", "5", "letters", "more_letters", "ç")

    assert rig.editor.hasFocus()
    assert QGuiApplication.focusObject() is rig.editor
    assert all(button.focusPolicy() == Qt.FocusPolicy.NoFocus for button in rig.keyboard.keys)
    assert rig.text() == "Ana5ç"


# --- sizes and names ----------------------------------------------------------------------------


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def _show(rig: Rig, layout: str) -> None:
    if layout == "accents":
        rig.keyboard.attach(rig.editor, "letters")
        key(rig.keyboard, "more_letters").click()
    else:
        rig.keyboard.attach(rig.editor, layout)


@pytest.mark.parametrize(
    ("language", "layout"),
    [
        *((language, layout) for language in ("en", "es") for layout in ("letters", "numbers", "email", "accents")),
        # In Vietnamese "letters" shows the Vietnamese layout, which opens no accent picker.
        *(("vi", layout) for layout in ("letters", "numbers", "email")),
    ],
)
@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_every_key_is_a_named_finger_target_and_the_keyboard_is_short_enough(
    qtbot: QtBot, make_rig: MakeRig, texts: UiTexts, layout: str, orientation: str, language: str
) -> None:
    texts.set_language(language)
    rig = make_rig(ORIENTATIONS[orientation])
    _show(rig, layout)
    qtbot.wait(1)  # let the layouts settle, as a real paint would

    keys = [button for button in rig.keyboard.keys if really_visible(button)]
    assert len(keys) == sum(len(row) for row in LAYOUTS[rig.keyboard.current_layout].rows)
    problems: list[str] = []
    whole = rig.keyboard.rect()
    for button in keys:
        name = f"{button.objectName()} {button.accessibleName()!r}"
        if button.width() < MIN_TARGET_PX or button.height() < MIN_TARGET_PX:
            problems.append(f"{name} is {button.width()}x{button.height()} px")
        if not button.accessibleName().strip():
            problems.append(f"{name} has no accessible name")
        if not whole.contains(_rect_in(button, rig.keyboard)):
            problems.append(f"{name} reaches outside the keyboard")
        label = button.label
        for word in label.text().split():
            if label.fontMetrics().horizontalAdvance(word) > label.width():
                problems.append(f"{name}: {word!r} is wider than its key")
    problems += clipped_labels(rig.keyboard)
    assert not problems, "\n".join(problems)
    screen_height = ORIENTATIONS[orientation][1]
    assert rig.keyboard.height() <= HEIGHT_LIMIT[orientation] * screen_height


def test_keys_are_wider_in_landscape(make_rig: MakeRig) -> None:
    widths = {}
    for orientation, size in ORIENTATIONS.items():
        rig = make_rig(size)
        rig.keyboard.attach(rig.editor, "letters")
        widths[orientation] = key(rig.keyboard, "q").width()
        rig.host.close()
    assert widths["landscape"] > widths["portrait"] >= MIN_TARGET_PX


def test_the_keys_refit_when_the_host_gives_less_width_than_asked(qtbot: QtBot, make_rig: MakeRig) -> None:
    rig = make_rig(ORIENTATIONS["portrait"])
    rig.keyboard.attach(rig.editor, "letters")
    # A form screen passes its own width, then keeps page margins on both sides.
    layout = rig.host.layout()
    assert layout is not None
    layout.setContentsMargins(40, 0, 40, 0)
    qtbot.wait_until(lambda: rig.keyboard.width() == 1000)
    qtbot.wait(1)

    whole = rig.keyboard.rect()
    outside = [
        b.objectName() for b in rig.keyboard.keys if really_visible(b) and not whole.contains(_rect_in(b, rig.keyboard))
    ]
    assert outside == []


def test_the_window_sizing_every_touch_button_keeps_the_key_sizes(make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters")
    before = {id(button): button.size() for button in rig.keyboard.keys}

    # KioskWindow.apply_size calls apply_metrics on every TouchButton in the window.
    for button in rig.keyboard.findChildren(TouchButton):
        button.apply_metrics(Metrics.for_size(1920, 1080))

    assert {id(button): button.size() for button in rig.keyboard.keys} == before


def test_a_language_switch_relabels_the_special_keys(make_rig: MakeRig, texts: UiTexts) -> None:
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters")
    assert key(rig.keyboard, "next").words() == "Next box"
    assert key(rig.keyboard, "backspace").accessibleName() == "Delete the letter before the cursor"

    texts.set_language("es")

    assert key(rig.keyboard, "next").words() == "Casilla siguiente"  # not the form's "Siguiente"
    assert key(rig.keyboard, "space").words() == "espacio"
    rig.keyboard.attach(rig.editor, "letters", last_box=True)
    assert key(rig.keyboard, "next").accessibleName() == "Terminar de escribir: ocultar el teclado"
    assert key(rig.keyboard, "backspace").accessibleName() == "Borrar la letra antes del cursor"
    assert rig.keyboard.accessibleName() == "Teclado en pantalla"
    assert key(rig.keyboard, "q").accessibleName() == "q"


# --- privacy ------------------------------------------------------------------------------------


def _strings_held_by(root: QObject) -> list[str]:
    """Every piece of text the keyboard or any of its children holds, wherever Qt keeps it."""
    found: list[str] = []
    for obj in [root, *root.findChildren(QObject)]:
        found.append(obj.objectName())
        for name in obj.dynamicPropertyNames():
            try:
                found.append(str(obj.property(bytes(name.data()).decode())))
            except RuntimeError:
                continue  # a Qt-internal value with no Python form (not text the keyboard could hold)
        if isinstance(obj, QWidget):
            found += [obj.accessibleName(), obj.accessibleDescription(), obj.toolTip(), obj.whatsThis()]
        if isinstance(obj, QLabel):
            found.append(obj.text())
    found += [value for value in vars(root).values() if isinstance(value, str)]
    return found


def test_the_keyboard_keeps_nothing_typed_and_leaves_the_clipboard_alone(
    qtbot: QtBot, make_rig: MakeRig, texts: UiTexts
) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("left by staff")
    texts.set_language("es")  # Spanish names: the Spanish page has their accents in sight
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters", capitalize_words=True)
    tap_text(qtbot, rig.keyboard, "josé peña")
    assert rig.text() == "José Peña"

    rig.keyboard.detach()

    held = [text for root in (rig.keyboard, *rig.keyboard.pages()) for text in _strings_held_by(root)]
    assert not [text for text in held if "José" in text or "Peña" in text or "jos" in text.lower()]
    assert all(value is not rig.editor for value in vars(rig.keyboard).values())
    assert clipboard.text() == "left by staff"
    # Detached, the keys type nowhere.
    tap(qtbot, rig.keyboard, "a")
    assert rig.text() == "José Peña"


def test_only_the_layout_in_use_is_inside_the_keyboard_and_the_others_come_back_whole(
    qtbot: QtBot, make_rig: MakeRig
) -> None:
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters")
    inside = {button.objectName() for button in rig.keyboard.findChildren(KeyButton)}
    # A change of text size or contrast restyles every widget under the window: the unused layouts' keys are not.
    assert "key-q" in inside and "key-(" not in inside and "key-à" not in inside
    rig.keyboard.attach(rig.editor, "numbers")
    inside = {button.objectName() for button in rig.keyboard.findChildren(KeyButton)}
    assert "key-(" in inside and "key-q" not in inside
    tap_text(qtbot, rig.keyboard, "(5)")
    rig.keyboard.attach(rig.editor, "letters")
    tap_text(qtbot, rig.keyboard, "qa")
    assert rig.text() == "(5)qa"
    assert key(rig.keyboard, "q").size() == key(rig.keyboard, "a").size()


def test_a_destroyed_text_box_is_let_go(qtbot: QtBot, make_rig: MakeRig) -> None:
    rig = make_rig()
    other = QLineEdit(rig.host)
    rig.keyboard.attach(other, "letters")

    with qtbot.wait_signal(other.destroyed, timeout=1000):
        other.deleteLater()
    tap(qtbot, rig.keyboard, "a")  # typed nowhere, and no error from a box that is gone
    rig.keyboard.attach(rig.editor, "letters")
    tap(qtbot, rig.keyboard, "b")

    assert rig.text() == "b"


# --- layouts as data ----------------------------------------------------------------------------


def test_the_layouts_are_complete() -> None:
    for layout in LAYOUTS.values():
        kinds = {key.kind for key in layout.every_key()}
        assert {KeyKind.NEXT, KeyKind.BACKSPACE} <= kinds, layout.name
        # One key moves on in each layout (the form's Next is the other way on).
        assert [key.kind for key in layout.every_key()].count(KeyKind.NEXT) == 1, layout.name
        assert KeyKind.DONE not in kinds, layout.name
        for target in (key.target for key in layout.every_key() if key.kind is KeyKind.LAYOUT):
            assert target in LAYOUTS, f"{layout.name} shows the unknown layout {target!r}"
    # The accents a language needs are in sight on its page; every one of them is in the picker for any screen.
    assert set("áéíóúüñ") <= {key.text for key in LAYOUTS["spanish"].every_key()}
    assert set("áéíóúüñ") <= {key.text for key in LAYOUTS["accents"].every_key()}
    assert not {key.text for key in LAYOUTS["letters"].every_key() if key.kind is KeyKind.CHAR} & set("áéíóúüñ")
    assert set("0123456789+()-") <= {key.text for key in LAYOUTS["numbers"].every_key()}
    assert {key.text for key in LAYOUTS["phone"].every_key() if key.kind is KeyKind.CHAR} == set("0123456789")
    assert {"@", ".", "-", "_", ".com"} <= {key.text for key in LAYOUTS["email"].every_key()}
    vietnamese = LAYOUTS["vietnamese"]
    assert set("abcdefghijklmnopqrstuvwxyzăâđêôơư") <= {key.text for key in vietnamese.every_key()}
    assert vietnamese.marks() == {"\u0301", "\u0300", "\u0309", "\u0303", "\u0323"}
    assert (vietnamese.language, vietnamese.stands_for) == ("vi", "letters")


def test_only_real_layouts_can_be_attached(make_rig: MakeRig) -> None:
    rig = make_rig()
    assert rig.keyboard.layout_names() == ["letters", "numbers", "email", "phone"]
    with pytest.raises(ValueError, match="no keyboard layout 'accents'"):
        rig.keyboard.attach(rig.editor, "accents")
    with pytest.raises(ValueError, match="no keyboard layout 'klingon'"):
        rig.keyboard.attach(rig.editor, "klingon")


def test_a_hidden_keyboard_takes_a_new_language_when_it_next_opens(make_rig: MakeRig, texts: UiTexts) -> None:
    rig = make_rig()
    rig.keyboard.hide()
    texts.set_language("es")
    hidden = rig.keyboard.findChild(KeyButton, "key-next")
    assert hidden is not None and hidden.words() == "Next box"  # no unseen key relabelled on the switch
    rig.keyboard.attach(rig.editor, "letters")
    assert key(rig.keyboard, "next").words() == "Casilla siguiente"
    assert key(rig.keyboard, "next").accessibleName() == "Ir a la siguiente casilla para completar"


# --- Vietnamese ---------------------------------------------------------------------------------


@EDITORS
def test_a_vietnamese_name_is_typed_with_its_tone_keys(
    qtbot: QtBot, make_rig: MakeRig, texts: UiTexts, editor: type[Editor]
) -> None:
    texts.set_language("vi")
    rig = make_rig(editor=editor)
    # The form asks for "letters" for every name field; in Vietnamese that is the Vietnamese layout.
    rig.keyboard.attach(rig.editor, "letters", capitalize_words=True)
    assert rig.keyboard.current_layout == "vietnamese"

    tap(qtbot, rig.keyboard, "n", "g", "u", "y", "ê", "tone_nga", "n")

    assert rig.text() == "Nguyễn"
    # Stored as typed by a real keyboard: one composed letter, not ê plus a loose mark.
    assert len(rig.text()) == 6 and unicodedata.is_normalized("NFC", rig.text())


def test_a_second_tone_replaces_the_first_and_the_same_tone_takes_it_off(
    qtbot: QtBot, make_rig: MakeRig, texts: UiTexts
) -> None:
    texts.set_language("vi")
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters", capitalize_words=True)

    tap(qtbot, rig.keyboard, "tone_sac")  # nothing to put a tone on yet: nothing typed
    assert rig.text() == ""
    tap(qtbot, rig.keyboard, "t", "r", "ư", "tone_hoi")
    assert rig.text() == "Trử"
    tap(qtbot, rig.keyboard, "tone_nang")
    assert rig.text() == "Trự"
    tap(qtbot, rig.keyboard, "tone_nang")
    assert rig.text() == "Trư"
    tap(qtbot, rig.keyboard, "ơ", "tone_huyen", "n", "g", "space", "đ", "a", "tone_sac", "space", "o", "tone_nga")
    assert rig.text() == "Trường Đá Õ"  # a tone sits on a capital too
    assert unicodedata.is_normalized("NFC", rig.text())


def test_the_tone_keys_are_named_in_the_patients_language(make_rig: MakeRig, texts: UiTexts) -> None:
    texts.set_language("vi")
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters")

    assert key(rig.keyboard, "tone_nga").accessibleName() == "Dấu ngã: đặt lên chữ trước con trỏ"
    assert key(rig.keyboard, "tone_nang").accessibleName() == "Dấu nặng: đặt dưới chữ trước con trỏ"
    assert key(rig.keyboard, "tone_sac").words() == "\u25cc\u0301"  # the mark on a dotted circle
    assert key(rig.keyboard, "next").words() == "Ô kế tiếp"


def test_switching_language_mid_field_keeps_the_text_and_changes_the_letters(
    qtbot: QtBot, make_rig: MakeRig, texts: UiTexts
) -> None:
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters", capitalize_words=True)
    tap_text(qtbot, rig.keyboard, "ana ")

    texts.set_language("vi")

    assert rig.keyboard.current_layout == "vietnamese"
    tap(qtbot, rig.keyboard, "l", "ê", "tone_huyen")
    assert rig.text() == "Ana Lề"

    texts.set_language("es")

    assert rig.keyboard.current_layout == "spanish"
    tap(qtbot, rig.keyboard, "ñ")
    assert rig.text() == "Ana Lềñ"
    assert rig.editor.hasFocus()


def test_the_numbers_key_comes_back_to_the_vietnamese_letters(qtbot: QtBot, make_rig: MakeRig, texts: UiTexts) -> None:
    texts.set_language("vi")
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters")

    tap(qtbot, rig.keyboard, "numbers", "4", "letters", "ơ")

    assert rig.keyboard.current_layout == "vietnamese"
    assert rig.text() == "4ơ"


@pytest.mark.parametrize(("language", "page", "accents_in_sight"), [("en", "letters", False), ("es", "spanish", True)])
def test_accents_are_in_sight_only_for_a_language_that_needs_them(
    qtbot: QtBot, make_rig: MakeRig, texts: UiTexts, language: str, page: str, accents_in_sight: bool
) -> None:
    texts.set_language(language)
    rig = make_rig()
    rig.keyboard.attach(rig.editor, "letters", capitalize_words=True)
    assert rig.keyboard.current_layout == page
    shown = {b.key.text for b in rig.keyboard.keys if really_visible(b) and b.key.kind is KeyKind.CHAR}
    assert bool(shown & set("áéíóúüñ")) is accents_in_sight
    assert not any(really_visible(b) and b.key.target == "vietnamese" for b in rig.keyboard.keys)  # not ăơư here

    # Every other letter is one picker away: ñ for an English screen, and the Vietnamese page from there.
    tap(qtbot, rig.keyboard, "more_letters", "ñ")
    assert rig.keyboard.current_layout == page and rig.text() == "Ñ"
    tap(qtbot, rig.keyboard, "more_letters", "vietnamese", "ư")
    assert rig.keyboard.current_layout == "vietnamese" and rig.text() == "Ñư"
