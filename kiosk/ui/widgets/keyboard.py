"""The on-screen keyboard patients type with: keys built from layout data, typing into one text box."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping

from kiosk.qt import (
    QApplication,
    QEvent,
    QFocusEvent,
    QHBoxLayout,
    QHideEvent,
    QKeyEvent,
    QLayout,
    QLineEdit,
    QObject,
    QPlainTextEdit,
    QResizeEvent,
    QShowEvent,
    QSize,
    QSizePolicy,
    Qt,
    QTextCursor,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.domain.keyboard_layouts import (
    LAYOUTS,
    Key,
    KeyboardLayout,
    KeyKind,
    base_of,
    for_language,
    names_its_page,
)
from kiosk.qt_filters import teardown_safe
from kiosk.ui.presentation import ThemeName
from kiosk.ui.texts import UiTexts
from kiosk.ui.theme import MIN_TARGET, PALETTES, Metrics
from kiosk.ui.widgets.buttons import TouchButton

Editor = QLineEdit | QPlainTextEdit

# The keyboard's height is budgeted against the shortest screen these metrics can mean: a
# landscape screen 1080 * scale high. 44% of that keeps it under the 45% asked for in landscape,
# and a portrait screen (1920 * scale high) then spends well under its 35%.
HEIGHT_SHARE = 0.44
# Keys wider than this many times their height stop helping and only make fingers travel.
MAX_KEY_ASPECT = 2.2
# Beside the questions (landscape) the keyboard may have the column's whole height under Next: its keys grow into it,
# up to this many times a finger's target, rather than leave a band of empty screen under a small keyboard. Taller
# than that, a key only makes the hand travel further between rows.
FILL_KEY_CAP = 1.5
# ... and no taller than a phone's keys are for their width: a letter key beside the questions is narrow.
MAX_KEY_TALLNESS = 1.35
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum" for a widget's size
# Starting a word: the places where a name takes a capital.
WORD_STARTS = " -"
# Held down, backspace repeats, slowly enough that a shaky or slow hand does not lose a word.
REPEAT_DELAY_MS = 700
REPEAT_INTERVAL_MS = 150
# Keys that move the focus inside the keyboard: the arrows as on a keypad, Home and End along a row.
MOVES = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End}


class KeyButton(TouchButton):
    """One key; a touch never gives it the focus, so the text box keeps its cursor while a finger types.

    A keypad reaches the keys through the keyboard (one Tab stop, then the arrows), which gives them the focus
    itself: NoFocus only keeps a tap, and Tab walking the window, from landing on a key.
    """

    def __init__(self, key: Key, parent: QWidget | None = None) -> None:
        super().__init__("key", parent)
        self.key = key
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setProperty("keyclass", _key_class(key))
        # Tests and screen-reader tools find a key by what it types, or by its string's name.
        name = (
            key.text
            if key.kind is KeyKind.CHAR
            else "next"
            if key.kind is KeyKind.NEXT
            else key.label.rpartition(".")[2]
        )
        self.setObjectName(f"key-{name}")
        self._fitted = QSize()
        if key.kind is KeyKind.SHIFT:
            self.setCheckable(True)
        if key.kind is KeyKind.BACKSPACE:
            self.setAutoRepeat(True)
            self.setAutoRepeatDelay(REPEAT_DELAY_MS)
            self.setAutoRepeatInterval(REPEAT_INTERVAL_MS)

    def show_char(self, text: str, spoken: str) -> None:
        """Show what the key types; its name says it (a bare "ễ" or "," is left to the screen reader to say)."""
        self.set_words(text)
        self.setAccessibleName(spoken)

    def apply_metrics(self, metrics: Metrics) -> None:
        # The window calls this on every TouchButton; keep the key's grid size and its narrow
        # padding, as the general button padding would leave no room for "Siguiente".
        super().apply_metrics(metrics)
        pad = max(2, metrics.px("pad_small") // 4)
        layout = self.layout()
        assert layout is not None
        layout.setContentsMargins(pad, pad, pad, pad)
        layout.setSpacing(0)
        self.setMinimumSize(MIN_TARGET, MIN_TARGET)
        if self._fitted.isValid():
            self.setFixedSize(self._fitted)

    def fit(self, width: int, height: int) -> None:
        self._fitted = QSize(max(MIN_TARGET, width), max(MIN_TARGET, height))
        self.setFixedSize(self._fitted)


# Unicode's names for the marks on the keys' letters ("... E WITH CIRCUMFLEX AND TILDE"), and their strings.
MARK_NAMES = {
    "ACUTE": "acute",
    "GRAVE": "grave",
    "CIRCUMFLEX": "circumflex",
    "TILDE": "tilde",
    "DIAERESIS": "diaeresis",
    "RING ABOVE": "ring_above",
    "CEDILLA": "cedilla",
    "BREVE": "breve",
    "HORN": "horn",
    "DOT BELOW": "dot_below",
    "HOOK ABOVE": "hook_above",
    "CARON": "caron",
    "STROKE": "stroke",
}


def _spoken(text: str, texts: UiTexts) -> str:
    """A letter with marks in words ("e with circumflex and tilde"), as a voice may say ễ as a bare e; else the text.

    Unicode's name spells the marks out, so no table of letters is kept here.
    """
    name = unicodedata.name(text, "") if len(text) == 1 else ""
    base, _, marks = name.partition(" WITH ")
    parts = marks.split(" AND ") if marks else []
    if not parts or any(part not in MARK_NAMES for part in parts):
        return text
    try:
        letter = unicodedata.lookup(base)
    except KeyError:
        return text
    said = texts.t(f"keyboard.mark_{MARK_NAMES[parts[0]]}")
    for part in parts[1:]:
        said = texts.t("keyboard.marks_and", first=said, second=texts.t(f"keyboard.mark_{MARK_NAMES[part]}"))
    return texts.t("keyboard.letter_marked", letter=letter, marks=said)


def _key_class(key: Key) -> str:
    """Which look and type size a key gets: a character, a symbol (⇧ ⌫) or a word."""
    if key.kind in {KeyKind.CHAR, KeyKind.MARK}:
        return "char"
    if key.kind in {KeyKind.SHIFT, KeyKind.BACKSPACE}:
        return "symbol"
    return "word"


class OnScreenKeyboard(QWidget):
    """Keys for the current layout; it types into the attached box and keeps no text of its own.

    Everything typed lives only in the text box: the keyboard reads the few letters before
    the cursor when it needs them (auto-capitals, tones) and never stores or copies them,
    so wiping the form after a visit wipes everything.
    """

    next_requested = Signal()
    done_requested = Signal()

    def __init__(
        self,
        texts: UiTexts,
        parent: QWidget | None = None,
        layouts: Mapping[str, KeyboardLayout] = LAYOUTS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("OnScreenKeyboard")
        # A plain QWidget draws no style-sheet background without this.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        # Not a Tab stop of its own: Tab reaches the keyboard from the box it types into (see eventFilter).
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # The host decides the width (the keys refit on resize); the height follows the key size.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._texts = texts
        self._layouts = dict(layouts)
        self._editor: Editor | None = None
        self._capitalize_words = False
        self._last_box = False  # the box typed into is the step's last: the move-on key is "Done"
        self._shift = False
        # The page for the language shown now: a keyboard built after the patient chose another language (its form
        # built on first use) starts where the change moved a keyboard built before it (_language_changed).
        self._current = self._for_language(next(iter(self._layouts)))
        self._opened_from = self._current
        self._metrics: Metrics | None = None
        self._fitted_width = 0
        self._fills = False  # the keys grow into the height the host gives (see fill_height)
        self._pages: dict[str, QWidget] = {}
        # The scale, width and height each layout's keys were sized for.
        self._sized: dict[str, tuple[Metrics, int, int]] = {}
        self._rows: dict[str, list[tuple[QHBoxLayout, list[KeyButton]]]] = {}
        self.keys: list[KeyButton] = []
        self._focus_key: KeyButton | None = None  # the key the keypad was last on: Tab comes back to it
        # Pages the patient picked by hand while the keyboard is open ({"letters": "vietnamese"}), so the next box
        # opens on them too; only layout names, forgotten when the keyboard hides.
        self._chosen: dict[str, str] = {}

        self._outer = QVBoxLayout(self)
        # Fixed-size keys must not force a minimum width on the host; they refit to its width.
        self._outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        # Only the page in use is inside the keyboard; the others wait on a shelf that is never shown. Qt restyles
        # every widget under a window whose text size or contrast changes, shown or not, and the pages together
        # are some 370 widgets: most of the kiosk's. Moving a page costs a few ms when the patient changes layout.
        self._shelf = QWidget()
        self._shelf.setObjectName("KeyboardShelf")
        self.destroyed.connect(self._shelf.deleteLater)  # parentless, so it goes with the keyboard explicitly
        for layout in self._layouts.values():
            self._build_page(layout).setParent(self._shelf)
        self._place_page(self._current)
        self._words_language = ""
        texts.language_changed.connect(self._language_changed)
        self._retranslate()

    # -- building ------------------------------------------------------------------------------
    def _build_page(self, layout: KeyboardLayout) -> QWidget:
        page = QWidget()
        page.setObjectName(f"keyboard-{layout.name}")
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        rows: list[tuple[QHBoxLayout, list[KeyButton]]] = []
        # A shorter page (the English letters, the phone keypad) stays one block with its room left above it: its
        # last row (the move-on key) is at the bottom, where the other pages have it, and no gap looks like a
        # missing row.
        for index, row in enumerate(layout.rows):
            if index == 0:
                column.addStretch(1)
            line = QHBoxLayout()
            buttons: list[KeyButton] = []
            # Rows narrower than the widest are centred, as on a real keyboard.
            line.addStretch(1)
            for key in row:
                button = KeyButton(key)
                button.clicked.connect(self._key_clicked)
                button.installEventFilter(self)
                line.addWidget(button)
                buttons.append(button)
                self.keys.append(button)
            line.addStretch(1)
            column.addLayout(line)
            rows.append((line, buttons))
        self._pages[layout.name] = page
        self._rows[layout.name] = rows
        return page

    # -- the text box ----------------------------------------------------------------------------
    def attach(
        self, editor: QLineEdit | QPlainTextEdit, layout: str, capitalize_words: bool = False, last_box: bool = False
    ) -> None:
        """Type into `editor` with `layout` (or its stand-in for the patient's language).

        capitalize_words starts each word of a name with a capital; last_box makes the move-on key "Done" (it hides
        the keyboard) instead of "Next box".
        """
        chosen = self._layouts.get(layout)
        if chosen is None or chosen.picker:
            raise ValueError(f"no keyboard layout {layout!r}; choose one of {self.layout_names()}")
        self.detach()
        self._editor = editor
        self._capitalize_words = capitalize_words
        if last_box != self._last_box:
            self._last_box = last_box
            self._word_move_on()
        editor.cursorPositionChanged.connect(self._cursor_moved)
        editor.destroyed.connect(self._forget_editor)
        editor.installEventFilter(self)  # its Tab goes into the keyboard
        name = self._for_language(layout)
        self._show_layout(self._chosen.get(base_of(self._layouts, name), name))
        self._auto_shift()
        self.show()

    def detach(self) -> None:
        """Stop typing into the box: no reference to it, or to anything typed, stays here."""
        editor, self._editor = self._editor, None
        if editor is not None:
            editor.cursorPositionChanged.disconnect(self._cursor_moved)
            editor.destroyed.disconnect(self._forget_editor)
            editor.removeEventFilter(self)
        self._capitalize_words = False
        self._set_shift(False)

    def layout_names(self) -> list[str]:
        """The layouts a field asks attach() for (pickers open from a key, a language's layout by itself)."""
        return [name for name, layout in self._layouts.items() if not layout.picker and not layout.stands_for]

    @property
    def current_layout(self) -> str:
        return self._current

    def _forget_editor(self, *_: object) -> None:
        # The box is being destroyed: its signals go with it, there is nothing to disconnect. Keys
        # are left alone, as the box may be going down with the whole screen, keyboard included.
        self._editor = None

    def _cursor_moved(self, *_: object) -> None:
        self._auto_shift()

    # -- keys ------------------------------------------------------------------------------------
    def _key_clicked(self) -> None:
        # The key found by sender(), not a lambda per key holding the keyboard in a reference cycle
        # (kiosk/ui/window.py).
        button = self.sender()
        if isinstance(button, KeyButton):
            self._pressed(button)

    def _pressed(self, button: KeyButton) -> None:
        """A key was touched, or pressed with Enter or Space, or by a screen reader's press action."""
        keypad = self._has_focus()
        self._press(button.key)
        if keypad and button.key.kind is KeyKind.NEXT and self.isVisible() and not self._has_focus():
            # The host put the focus in the next box (which attaches it); the keypad stays on Next, to type on.
            self._focus_on(self._matching_key(button.key))

    def _press(self, key: Key) -> None:
        if key.kind is KeyKind.SHIFT:
            self._set_shift(not self._shift)
        elif key.kind is KeyKind.LAYOUT:
            shown = self._shown_by(key)
            if self._layouts[shown].picker:
                self._opened_from = self._current
            elif names_its_page(self._layouts, key, self._current):
                self._chosen[base_of(self._layouts, key.target)] = shown
            self._show_layout(shown)
        elif key.kind is KeyKind.NEXT and not self._last_box:
            self.next_requested.emit()
        elif key.kind in {KeyKind.NEXT, KeyKind.DONE}:
            focused = QApplication.focusWidget()
            if focused is not None and self.isAncestorOf(focused):
                # Let go first: hiding a focused key would hand the focus on to whatever Tab finds next, maybe
                # the text box, which opens the keyboard again; the host decides where the focus goes.
                focused.clearFocus()
            # Hidden first, so a host that shows the keyboard again in its slot is obeyed.
            self.hide()
            self.done_requested.emit()
        elif self._editor is not None:
            self._edit(self._editor, key)

    def _edit(self, editor: Editor, key: Key) -> None:
        if key.kind is KeyKind.CHAR:
            text = _capital(key.text) if self._shift else key.text
            self._set_shift(False)
            _insert(editor, text)
            if self._layouts[self._current].picker:
                self._show_layout(self._opened_from)
        elif key.kind is KeyKind.MARK:
            _add_mark(editor, key.text, self._layouts[self._current].marks())
        elif key.kind is KeyKind.SPACE:
            _insert(editor, " ")
        elif key.kind is KeyKind.BACKSPACE:
            _backspace(editor)
        # Only after an edit: a patient who turned the capital off by hand ("de la Cruz") is obeyed.
        # Replacing a selection can leave the cursor where it was, so no signal says to look again.
        self._auto_shift()

    def _shown_by(self, key: Key) -> str:
        """The page a layout key shows: the one it names, or its language's page, or the one picked by hand."""
        if names_its_page(self._layouts, key, self._current):
            if self._layouts[key.target].language:
                return key.target  # a language's own page (the Vietnamese letters), from any screen
            # Back from a language's page to the Latin letters: the screen language's own page of them (the Spanish
            # row on a Spanish screen); on that language's own screen, the letters' accent picker (á ñ ü, then back).
            own = self._for_language(key.target)
            if own != self._current:
                return own
            pickers = (k.target for k in self._layouts[key.target].every_key() if k.kind is KeyKind.LAYOUT)
            return next((name for name in pickers if self._layouts[name].picker), key.target)
        name = self._for_language(key.target)
        return self._chosen.get(base_of(self._layouts, name), name)

    def _for_language(self, name: str) -> str:
        return for_language(self._layouts, name, self._texts.language)

    def _show_layout(self, name: str) -> None:
        if name != self._current:
            keypad = self._has_focus()
            previous, shown = self._current, self._pages[self._current]
            self._current = name
            # The new page goes in before the old one goes out, so a keypad's focus moves from key to key and
            # never falls out of the keyboard (into the text box, which would attach it again).
            self._place_page(name)
            if keypad:
                self._focus_on(self._way_back(previous))
            self._outer.removeWidget(shown)
            shown.setParent(self._shelf)

    def _place_page(self, name: str) -> None:
        page = self._pages[name]
        self._size_page(name)
        self._outer.addWidget(page)
        page.show()

    # -- the keypad: one Tab stop after the box, arrows between keys -----------------------------------
    # A keypad (or a switch mapped to keys) types here without touch. Tab from the box goes into its keyboard,
    # the arrows move between keys as the eye sees them, Enter or Space presses one (TouchButton); Tab goes on
    # to the stop after the box and Shift+Tab back to the box. One stop, not one per key: forty-odd stops would
    # bury the rest of the form, and the kiosk's keypad has arrows. The keyboard follows its box rather than
    # coming last on the screen: reaching it through the later boxes would attach it to the last of them.
    # A screen reader's press action needs no focus at all. The box keeps its text and cursor while a key has
    # the focus: the keyboard types into the box it was attached to, whichever widget has the focus.
    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        super().focusInEvent(event)
        self._focus_on(self._focus_key if self._focus_key in self._page_keys() else None, event.reason())

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self._editor:
            return self._tab_from_box(event)
        if not isinstance(watched, KeyButton):
            return False
        if event.type() == QEvent.Type.FocusIn:
            self._focus_key = watched
        elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            pressed = event.key()
            if pressed in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                backwards = pressed == Qt.Key.Key_Backtab or bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                return self._leave(not backwards)
            if pressed in MOVES:
                self._focus_on(self._neighbour(watched, Qt.Key(pressed)))
                return True
        return False

    def _tab_from_box(self, event: QEvent) -> bool:
        plain_tab = (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Tab
            and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        )
        if not plain_tab or not self.isVisible():
            return False  # a keyboard held back (an error in sight) is no Tab stop
        self._focus_on(self._focus_key if self._focus_key in self._page_keys() else None, Qt.FocusReason.TabFocusReason)
        return True

    def _has_focus(self) -> bool:
        focused = QApplication.focusWidget()
        return focused is not None and (focused is self or self.isAncestorOf(focused))

    def _page_keys(self) -> list[KeyButton]:
        return [button for _line, buttons in self._rows[self._current] for button in buttons]

    def _focus_on(self, button: KeyButton | None, reason: Qt.FocusReason = Qt.FocusReason.OtherFocusReason) -> None:
        # Keys take no focus by themselves (NoFocus), but setFocus gives it all the same.
        (button or self._page_keys()[0]).setFocus(reason)

    def _leave(self, forward: bool) -> bool:
        """Tab out of the keyboard: Shift+Tab back to its box, Tab on to the stop after the box."""
        start: QWidget = self._editor or self
        if not forward and self._editor is not None:
            self._editor.setFocus(Qt.FocusReason.BacktabFocusReason)
            return True
        widget = start.nextInFocusChain()
        while widget is not None and widget is not start:
            takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
            if takes_tab and not self.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled():
                widget.setFocus(Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason)
                return True
            widget = widget.nextInFocusChain() if forward else widget.previousInFocusChain()
        return False

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        self._chosen.clear()  # the next box, or the next patient, starts on the page for the language
        super().hideEvent(event)

    def _neighbour(self, button: KeyButton, move: Qt.Key) -> KeyButton:
        """The key an arrow (or Home, End) points at from `button`; at an edge it stays where it is."""
        rows = [buttons for _line, buttons in self._rows[self._current]]
        row = next(index for index, buttons in enumerate(rows) if button in buttons)
        column = rows[row].index(button)
        if move in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            column += -1 if move == Qt.Key.Key_Left else 1
            return rows[row][column] if 0 <= column < len(rows[row]) else button
        if move in (Qt.Key.Key_Home, Qt.Key.Key_End):
            return rows[row][0 if move == Qt.Key.Key_Home else -1]
        other_row = row + (-1 if move == Qt.Key.Key_Up else 1)
        if not 0 <= other_row < len(rows):
            return button
        # Up and down go to the key straight above or below, measured in key widths (rows are centred).
        here = self._centre(rows[row], button)
        return min(rows[other_row], key=lambda other: abs(self._centre(rows[other_row], other) - here))

    def _centre(self, row: list[KeyButton], button: KeyButton) -> float:
        widths = [key.key.width for key in row]
        index = row.index(button)
        start = (self._layouts[self._current].units - sum(widths)) / 2 + sum(widths[:index])
        return start + widths[index] / 2

    def _way_back(self, previous: str) -> KeyButton | None:
        """After a layout change the keypad lands on the key that goes back (123 to ABC, a picked letter to àç…)."""
        for button in self._page_keys():
            key = button.key
            if key.kind is KeyKind.LAYOUT and self._shown_by(key) == previous:
                return button
        return None

    def _matching_key(self, key: Key) -> KeyButton | None:
        return next((button for button in self._page_keys() if button.key.kind is key.kind), None)

    def pages(self) -> list[QWidget]:
        """Every layout's page of keys, in use or on the shelf."""
        return list(self._pages.values())

    def _auto_shift(self) -> None:
        if self._capitalize_words and self._editor is not None:
            before = _before_cursor(self._editor)
            self._set_shift(not before or before[-1] in WORD_STARTS)

    def _set_shift(self, on: bool) -> None:
        changed = on != self._shift
        self._shift = on
        for button in self.keys:
            if button.key.kind is KeyKind.SHIFT:
                button.setChecked(on)
            elif changed and button.key.kind is KeyKind.CHAR:
                # The keys show what they will type: capitals while shift is on.
                letter = _capital(button.key.text) if on else button.key.text
                button.show_char(letter, _spoken(letter, self._texts))

    # -- words and sizes -------------------------------------------------------------------------
    def _language_changed(self, *_: object) -> None:
        # The letters follow the patient's language at once (Vietnamese ones in Vietnamese); what was
        # typed stays in the box, which the keyboard never touches here.
        self._chosen.clear()  # a page picked by hand was picked for the other language
        self._opened_from = self._for_language(self._opened_from)
        self._show_layout(self._for_language(self._current))
        # A hidden keyboard takes the new words when it next opens (attach): a switch relabels no unseen keys.
        if self.isVisible():
            self._retranslate()

    def _retranslate(self, *_: object) -> None:
        self._words_language = self._texts.language
        t = self._texts.t
        self.setAccessibleName(t("keyboard.name"))
        for button in self.keys:
            key = button.key
            if key.kind is KeyKind.CHAR:
                text = _capital(key.text) if self._shift else key.text
                button.show_char(text, _spoken(text, self._texts))
                continue
            if key.kind is KeyKind.NEXT and self._last_box:
                label_key, spoken_key = "keyboard.done", "keyboard.done_name"
            elif key.kind is KeyKind.NEXT:
                label_key, spoken_key = key.label, "keyboard.next_name"
            else:
                label_key, spoken_key = key.label, f"{key.label}_name"
            label = t(label_key)
            spoken = t(spoken_key)
            # The catalog answers a missing string with its key; then the label is the name.
            spoken = label if spoken == spoken_key else spoken
            if key.kind is KeyKind.LAYOUT and key.text:
                label = key.text  # the letters it leads to, the same in every language; the string names it
            if key.kind is KeyKind.MARK:
                # A tone shown on a dotted circle, the way dictionaries show a mark alone.
                label = "\u25cc" + key.text
            button.set_words(label)
            button.setAccessibleName(spoken)
            button.label.setAccessibleName(spoken)  # its words are its child in the tree: "Delete", never "⌫"

    def _word_move_on(self) -> None:
        t = self._texts.t
        for button in self.keys:
            if button.key.kind is KeyKind.NEXT:
                done = self._last_box
                button.set_words(t("keyboard.done" if done else button.key.label))
                button.setAccessibleName(t("keyboard.done_name" if done else "keyboard.next_name"))

    def apply_metrics(self, metrics: Metrics) -> None:
        """Finger-sized keys (64 px at least) and type sizes for this screen's scale."""
        self._metrics = metrics
        # Keys keep their size whatever the patient's text size: their letters are already large, and the keys'
        # height is budgeted so the question stays in sight above them.
        keys = Metrics(metrics.scale)
        # The keyboard's own sheet, as a widget's sheet wins over the window's QLabel#ButtonText
        # rule: letters are read at a glance, so they are larger than the words on the other keys.
        sheet = (
            f'QPushButton[keyclass="char"] QLabel#ButtonText {{ font-size: {keys.px("heading")}px; }}\n'
            f'QPushButton[keyclass="symbol"] QLabel#ButtonText {{ font-size: {keys.px("title")}px; }}\n'
            f'QPushButton[keyclass="word"] QLabel#ButtonText {{ font-size: {keys.px("button")}px; }}\n'
            # kiosk.qss's key rule outranks its QPushButton:focus frame, so the keyboard draws that frame itself:
            # a keypad user must see which key Enter will press.
            f'QPushButton[role="key"]:focus {{ border: 5px solid {self._focus_colour()}; }}\n'
        )
        # Setting a sheet re-polishes every key; the window calls this on each resize.
        if sheet != self.styleSheet():
            self.setStyleSheet(sheet)
        self._size_page(self._current)

    def _focus_colour(self) -> str:
        # The window knows the patient's theme (normal or high contrast) and restyles the form when it changes,
        # which calls apply_metrics again.
        theme = getattr(self.window(), "theme", ThemeName.NORMAL)
        return PALETTES[theme if isinstance(theme, ThemeName) else ThemeName.NORMAL]["focus"]

    def width_for_keys(self, key_width: int = 0) -> int:
        """The width at which every layout's widest row has keys `key_width` wide (the target size if 0)."""
        metrics = self._metrics or Metrics(1.0)
        gap, _key_height, _rows = self._grid(metrics)
        units = max(layout.units for layout in self._layouts.values())
        key = key_width or metrics.px("target")
        return math.ceil(units * key + (units - 1) * gap) + 2 * gap

    def relayout(self, metrics: Metrics, width: int) -> None:
        """Size the keys so the widest row fills `width` and the keyboard stays short enough."""
        if metrics != self._metrics:
            self.apply_metrics(metrics)
        self._fit(width)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        if self._words_language != self._texts.language:
            self._retranslate()
        super().showEvent(event)

    def fill_height(self, fills: bool) -> None:
        """Grow the keys into whatever height the host's layout gives (beside the questions), or keep the compact
        height the keys need (under them, where the questions need the height).

        Filling, the keyboard is at least its compact height and its rows sit at the bottom of what it is given,
        where a tablet's keyboard is; each page's keys share the height among its own rows, so the phone keypad's
        four rows get taller keys than the letters' five.
        """
        if fills != self._fills:
            self._fills = fills
            self._sized.clear()
            self._fit(self._fitted_width)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        # The host's margins can leave less than the width it passed to relayout().
        width = event.size().width()
        if self._metrics is not None and width > 0 and width != self._fitted_width:
            self._fit(width)
        elif self._fills and event.size().height() != event.oldSize().height():
            self._size_page(self._current)

    def _fit(self, width: int) -> None:
        metrics = self._metrics
        if metrics is None:
            return
        self._fitted_width = width
        gap, key_height, rows = self._grid(metrics)
        self._outer.setContentsMargins(gap, gap, gap, gap)
        # Every layout gets the height of the tallest, so switching does not move the form.
        compact = rows * key_height + (rows + 1) * gap
        if self._fills:
            self.setMinimumHeight(compact)
            self.setMaximumHeight(QWIDGETSIZE_MAX)
        else:
            self.setFixedHeight(compact)
        self._size_page(self._current)

    def _grid(self, metrics: Metrics) -> tuple[int, int, int]:
        """The gap between keys, the keys' height and the most rows any layout has."""
        gap = max(4, metrics.px("pad_small") // 2)
        rows = max(len(layout.rows) for layout in self._layouts.values())
        budget = int(HEIGHT_SHARE * 1080 * metrics.scale) - 2 * gap - (rows - 1) * gap
        return gap, max(MIN_TARGET, min(metrics.px("target"), budget // rows)), rows

    def _size_page(self, name: str) -> None:
        """Size one layout's keys for the current scale and width, unless they already are.

        Only the page in use is sized when the text size or the width changes; one on the shelf is sized when it
        is next placed (a text-size tap on a form step would otherwise size some 190 keys, most of them unseen).
        """
        metrics = self._metrics
        height = self.height() if self._fills else 0
        if metrics is None or self._sized.get(name) == (metrics, self._fitted_width, height):
            return
        self._sized[name] = (metrics, self._fitted_width, height)
        gap, key_height, _rows = self._grid(metrics)
        layout = self._layouts[name]
        # A row of U units is U keys and U - 1 gaps; a 1.5-wide key spans half a gap too.
        unit = (self._fitted_width - 2 * gap - (layout.units - 1) * gap) / layout.units
        unit = max(MIN_TARGET, min(unit, MAX_KEY_ASPECT * key_height))
        if self._fills:
            rows = len(layout.rows)
            room = (height - (rows + 1) * gap) // rows
            tallest = min(int(FILL_KEY_CAP * metrics.px("target")), int(MAX_KEY_TALLNESS * unit))
            key_height = max(key_height, min(room, tallest))
        column = self._pages[name].layout()
        assert column is not None
        column.setSpacing(gap)
        for line, buttons in self._rows[name]:
            line.setSpacing(gap)
            for button in buttons:
                button.apply_metrics(metrics)
                if self._fitted_width:
                    span = button.key.width
                    button.fit(int(span * unit + (span - 1) * gap), key_height)


# -- editing the text box: read when needed, never kept -----------------------------------------
# Qt counts positions in UTF-16 units and Python in code points; every key types letters from the
# Basic Multilingual Plane, where the two are the same.


def _capital(text: str) -> str:
    upper = text.upper()
    # ".com" and ß stay as they are: shift makes one letter into one capital.
    return upper if len(text) == 1 and len(upper) == 1 else text


def _insert(editor: Editor, text: str) -> None:
    # Both replace a selection and leave the cursor after the new text, like a real keyboard.
    if isinstance(editor, QLineEdit):
        editor.insert(text)
    else:
        editor.insertPlainText(text)
        editor.ensureCursorVisible()


def _backspace(editor: Editor) -> None:
    # Both delete the selection if there is one, otherwise the letter before the cursor.
    if isinstance(editor, QLineEdit):
        editor.backspace()
    else:
        cursor = editor.textCursor()
        cursor.deletePreviousChar()
        editor.setTextCursor(cursor)


def _has_selection(editor: Editor) -> bool:
    if isinstance(editor, QLineEdit):
        return editor.hasSelectedText()
    return editor.textCursor().hasSelection()


def _before_cursor(editor: Editor) -> str:
    """The text left of the cursor (or of the selection) on its line."""
    if isinstance(editor, QLineEdit):
        start = editor.selectionStart() if editor.hasSelectedText() else editor.cursorPosition()
        return editor.text()[:start]
    start = editor.textCursor().selectionStart()
    block = editor.document().findBlock(start)
    return block.text()[: start - block.position()]


def _replace_before_cursor(editor: Editor, count: int, text: str) -> None:
    if isinstance(editor, QLineEdit):
        end = editor.cursorPosition()
        editor.setSelection(end - count, count)
        editor.insert(text)
    else:
        cursor = editor.textCursor()
        cursor.setPosition(cursor.position() - count, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(text)
        editor.setTextCursor(cursor)


def _add_mark(editor: Editor, mark: str, tones: frozenset[str]) -> None:
    """Put a tone on the letter before the cursor; a different tone replaces it, the same removes it."""
    if _has_selection(editor):
        return
    before = _before_cursor(editor)
    start = len(before)
    # The letter may already carry marks typed as separate characters; take them with it.
    while start > 0 and unicodedata.combining(before[start - 1]):
        start -= 1
    letter = before[start - 1 :] if start > 0 else ""
    if not letter or not letter[0].isalpha():
        # A tone needs a letter to sit on; a stray mark would be invisible noise in the record.
        return
    parts = unicodedata.normalize("NFD", letter)
    kept = "".join(part for part in parts if part not in tones)
    marked = kept if mark in parts else kept + mark
    _replace_before_cursor(editor, len(letter), unicodedata.normalize("NFC", marked))
