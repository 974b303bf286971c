"""Clean what a patient typed so only visible, normalised text reaches the reception screen and CSVs."""

from __future__ import annotations

import unicodedata

# Names and notes must never carry invisible characters: a bidi override can make
# "Smith" display reversed at reception, a zero-width space makes two equal-looking
# names differ, and NUL or other controls break CSV exports and terminals.
# Cc controls, Cf format characters (bidi controls, zero-width joiners, BOM), lone
# surrogates, private-use and unassigned code points have no place in what a person typed.
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Blank "letters" and marks that draw nothing but are not format characters, so a name made
# of them would pass as letters: the Hangul fillers, the combining grapheme joiner and the
# deprecated Khmer inherent vowels (all default-ignorable in Unicode).
_INVISIBLE_NON_FORMAT = frozenset("\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Return `value` in NFC without invisible characters, its spaces collapsed and its ends stripped."""
    if not multiline:
        return _nfc(_clean_line(value))
    lines: list[str] = []
    # splitlines() knows every line break (\r\n, \r, U+2028...), so all become "\n".
    for line in map(_clean_line, value.splitlines()):
        # At most one blank line in a row: a wall of empty lines hides the rest of a note.
        if line or (lines and lines[-1]):
            lines.append(line)
    return _nfc("\n".join(lines).strip("\n"))


def _clean_line(line: str) -> str:
    if line.isascii() and line.isprintable():
        # Most of what is typed: printable ASCII holds none of the characters removed below (tab is not printable).
        return " ".join(line.split())
    # Whitespace (tabs included) is kept only to separate words; split() then turns every run into one space.
    kept = "".join(
        char
        for char in line
        if char.isspace()
        or (unicodedata.category(char) not in _REMOVED_CATEGORIES and char not in _INVISIBLE_NON_FORMAT)
    )
    return " ".join(kept.split())


def _nfc(text: str) -> str:
    # Normalised last: removing a joiner can leave a letter and its accent side by side, which NFC composes.
    return unicodedata.normalize("NFC", text)
