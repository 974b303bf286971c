"""On-screen keyboard layouts as plain data (rows of keys, no Qt), so a new layout is a new table.

In domain, not ui: the doctor (kiosk.ops) checks that every enabled language's letters can be typed on them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class KeyKind(StrEnum):
    CHAR = "char"  # types its text; shift makes a single letter a capital
    MARK = "mark"  # puts a combining mark (a Vietnamese tone) on the letter before the cursor
    SHIFT = "shift"
    BACKSPACE = "backspace"
    SPACE = "space"
    LAYOUT = "layout"  # shows the layout named in `target`
    NEXT = "next"
    DONE = "done"


@dataclass(frozen=True)
class Key:
    """One key: what it does, what it types, and how many key widths it spans."""

    kind: KeyKind
    text: str = ""
    # In key widths, so rows of different keys line up as on a real keyboard.
    width: float = 1.0
    target: str = ""
    # UI string key of the visible label; "<label>_name" is the spoken name when it differs. A layout key that
    # shows letters as its label (ăơư) has them in `text`, the same in every language, and `label` is its name.
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind in {KeyKind.CHAR, KeyKind.MARK} and not self.text:
            raise ValueError(f"a {self.kind} key needs the text it types")
        # A bare combining mark means nothing to a screen reader, so a tone key must be named.
        if self.kind is not KeyKind.CHAR and not self.label:
            raise ValueError(f"a {self.kind} key needs a UI string for its label")
        if self.kind is KeyKind.LAYOUT and not self.target:
            raise ValueError("a layout key needs the layout it shows")
        if self.width <= 0:
            raise ValueError("a key needs a positive width")


@dataclass(frozen=True)
class KeyboardLayout:
    """Rows of keys, top to bottom."""

    name: str
    rows: tuple[tuple[Key, ...], ...]
    # A picker (other accented letters) goes back to the layout that opened it after one letter,
    # like the long-press pop-up of a phone keyboard, but without a long press to discover.
    picker: bool = False
    # A layout for one language's patients: while that language is on screen it is shown wherever
    # `stands_for` is asked for, so a form field names one layout ("letters") for every language.
    language: str = ""
    stands_for: str = ""

    def __post_init__(self) -> None:
        if bool(self.language) != bool(self.stands_for):
            raise ValueError("a language's layout needs both its language and the layout it stands for")

    @property
    def units(self) -> float:
        """The widest row in key widths: how many keys a row must fit across the screen."""
        return max(sum(key.width for key in row) for row in self.rows)

    def every_key(self) -> Iterator[Key]:
        for row in self.rows:
            yield from row

    def marks(self) -> frozenset[str]:
        """The combining marks this layout's tone keys type; one replaces another on a letter."""
        return frozenset(key.text for key in self.every_key() if key.kind is KeyKind.MARK)


def chars(letters: str, width: float = 1.0) -> tuple[Key, ...]:
    return tuple(Key(KeyKind.CHAR, letter, width) for letter in letters)


def char(text: str, width: float = 1.0) -> Key:
    return Key(KeyKind.CHAR, text, width)


def shift(width: float = 1.5) -> Key:
    return Key(KeyKind.SHIFT, width=width, label="keyboard.shift")


def backspace(width: float = 1.5) -> Key:
    return Key(KeyKind.BACKSPACE, width=width, label="keyboard.backspace")


def space(width: float) -> Key:
    return Key(KeyKind.SPACE, width=width, label="keyboard.space")


def show(layout: str, label: str, width: float, letters: str = "") -> Key:
    return Key(KeyKind.LAYOUT, letters, width=width, target=layout, label=label)


def next_field(width: float) -> Key:
    """The layout's one key that moves on: to the step's next box, or, on its last box, away ("Done").

    One such key per layout: a "Next box" beside a "Done" beside the form's own Next were three ways on, and in
    Spanish two of them read "Siguiente". The keyboard words it for the box it types into.
    """
    return Key(KeyKind.NEXT, width=width, label="keyboard.next_box")


# Names, free-text answers: QWERTY, hyphen and apostrophe for names like Ruiz-Peña and O'Neil (the bottom row is 11
# keys wide, as the Vietnamese page's rows already are). No row of accents for a language that needs none
# (English): the "áñü" key opens the picker, which holds the Spanish letters and every other accented letter and
# leads on to the Vietnamese page, so a Spanish or Vietnamese name can be typed on any screen. A language that
# needs its accents at hand has its own page (Spanish and Vietnamese below).
LETTERS = KeyboardLayout(
    "letters",
    (
        chars("qwertyuiop"),
        chars("asdfghjkl'"),
        (shift(), *chars("zxcvbnm"), backspace()),
        (
            show("numbers", "keyboard.numbers", 1.5),
            show("accents", "keyboard.more_letters", 1.5, "áñü"),
            char("-"),
            char(","),
            space(2),
            char("."),
            next_field(3),
        ),
    ),
)

# Spanish: the same letters with the row of accented letters Spanish needs always in sight, and the picker for
# the rest (French and Vietnamese letters too).
SPANISH = KeyboardLayout(
    "spanish",
    (
        *LETTERS.rows[:3],
        (*chars("áéíóúüñ-"), show("accents", "keyboard.more_letters", 2)),
        (show("numbers", "keyboard.numbers", 1.5), char(","), space(3.5), char("."), next_field(3)),
    ),
    language="es",
    stands_for="letters",
)

# Every accented letter a patient's name may need: Spanish first, then the wider Latin set of the clinic's
# patients (French and Cajun, Portuguese, German, Nordic, Polish and Czech names), and the way to the Vietnamese
# page. Letters whose capital is not one letter (ß) are left out, as shift could not make them a capital.
ACCENTS = KeyboardLayout(
    "accents",
    (
        chars("áéíóúüñàâä"),
        chars("ãåæçèêëìîï"),
        chars("òôöõøœùûÿý"),
        (shift(), *chars("čšžłń'"), backspace()),
        (
            show("letters", "keyboard.letters", 2),
            show("vietnamese", "keyboard.vietnamese", 2, "ăơư"),
            next_field(4),
        ),
    ),
    picker=True,
)

# Digits and the signs written with them, one key away from the letters (an address, "Apt 4-B"), with the way back.
NUMBERS = KeyboardLayout(
    "numbers",
    (
        chars("123("),
        chars("456)"),
        chars("789-"),
        (char("+"), char("0"), space(1), backspace(1)),
        (show("letters", "keyboard.letters", 1), next_field(3)),
    ),
)

# Phone numbers and dates: a standard phone keypad, the digits with delete and the one key that moves on. The form
# writes a phone number out by itself, so there is no ( ) + - or space to hunt for, and no letters to stray into.
PHONE = KeyboardLayout(
    "phone",
    (
        chars("123"),
        chars("456"),
        chars("789"),
        (backspace(1), char("0"), next_field(1)),
    ),
)

# Email: digits in sight (addresses often have them), no space key (an address has no spaces),
# and the keys every address needs made wide.
EMAIL = KeyboardLayout(
    "email",
    (
        chars("1234567890"),
        chars("qwertyuiop"),
        chars("asdfghjkl-"),
        (shift(), *chars("zxcvbnm"), backspace()),
        (char("_"), char("@", 1.5), char(".", 1.5), char(".com", 2), next_field(4)),
    ),
)


def tone(mark: str, name: str) -> Key:
    return Key(KeyKind.MARK, mark, label=f"keyboard.tone_{name}")


# Vietnamese: the same QWERTY (names and words use every Latin letter), đ beside d's row, and a
# row with the six vowels that carry their own mark, then the five tones. A tone goes on the letter
# before the cursor and a second tone replaces the first, so "Nguyễn" is N g u y ê, ngã, n: the
# order a Vietnamese writer thinks in. Five rows like the others, so the keyboard is no taller; that
# row is 11 keys, a little narrower than the 10 of the other rows, still 64 px at the narrowest.
# No apostrophe or hyphen: Vietnamese names do not use them. The tones type á é í ó ú ñ (n and ngã) for the
# occasional Spanish name, and the "áñü" key shows the accent picker on a Vietnamese screen (ü, and back after one
# letter), or the screen language's own letters on another.
VIETNAMESE = KeyboardLayout(
    "vietnamese",
    (
        chars("qwertyuiop"),
        chars("asdfghjklđ"),
        (shift(), *chars("zxcvbnm"), backspace()),
        (
            *chars("ăâêôơư"),
            tone("\u0301", "sac"),
            tone("\u0300", "huyen"),
            tone("\u0309", "hoi"),
            tone("\u0303", "nga"),
            tone("\u0323", "nang"),
        ),
        (
            show("numbers", "keyboard.numbers", 1.5),
            show("letters", "keyboard.other_letters", 1.5, "áñü"),
            char(","),
            space(2.5),
            char("."),
            next_field(3.5),
        ),
    ),
    language="vi",
    stands_for="letters",
)

LAYOUTS: Mapping[str, KeyboardLayout] = MappingProxyType(
    {layout.name: layout for layout in (LETTERS, SPANISH, NUMBERS, EMAIL, PHONE, ACCENTS, VIETNAMESE)}
)


def names_its_page(layouts: Mapping[str, KeyboardLayout], key: Key, current: str) -> bool:
    """Whether a layout key shows exactly the page it names, whatever the screen language: a language's own page
    (the Vietnamese letters from English screens) and the page it stands in for (the Latin letters from
    Vietnamese screens). Any other layout key shows its page as the patient's language has it."""
    return bool(layouts[key.target].language) or layouts[current].stands_for == key.target


def base_of(layouts: Mapping[str, KeyboardLayout], name: str) -> str:
    """The layout a field asks for that `name` is shown as ("letters" for the Vietnamese letters)."""
    return layouts[name].stands_for or name


def for_language(layouts: Mapping[str, KeyboardLayout], name: str, language: str) -> str:
    """The layout to show for `name` in `language`: its language's own layout if there is one."""
    base = layouts[name].stands_for or name
    return next(
        (other.name for other in layouts.values() if other.stands_for == base and other.language == language),
        base,
    )
