"""clean_text: what survives of typed text on its way to the reception screen and a CSV."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.text import clean_text

REMOVED = {"Cc", "Cf", "Cs", "Co", "Cn"}
# Every code point, lone surrogates included: st.characters() without filters produces them all.
ANY_TEXT = st.text(st.characters(), max_size=200)
WHITESPACE = st.sampled_from(["\t", "\n", "\r", "\r\n", "\v", "\f", "\x85", "\u2028", "\u2029", "\u3000", " "])
MESSY_TEXT = st.lists(st.one_of(ANY_TEXT, WHITESPACE), max_size=8).map("".join)
FAST = settings(max_examples=150, deadline=None)


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("  Ana  ", "Ana"),
        ("Ana\tMaría", "Ana María"),
        ("Ana \t\u00a0 María", "Ana María"),  # a run of mixed spaces is one space
        ("Ana\u3000María", "Ana María"),  # ideographic space
        ("Jose\u0301", "Jos\u00e9"),  # NFC composes a typed accent
        ("e\u200d\u0301", "\u00e9"),  # and composes what removing a joiner leaves side by side
        ("\ufeffAna", "Ana"),  # byte order mark
        ("Smith\u202e", "Smith"),  # right-to-left override
        ("\u2066Ana\u2069", "Ana"),  # isolates
        ("An\u200ba", "Ana"),  # zero-width space
        ("A\u200cn\u200da", "Ana"),  # zero-width non-joiner and joiner
        ("A\x00n\x07a\x1b[31m", "Ana[31m"),  # NUL, bell, escape
        ("Ana\ud800", "Ana"),  # a lone surrogate
        ("Ana\ue000", "Ana"),  # private use
        ("Ana\U000e0001", "Ana"),  # language tag
        ("Ana\u0378", "Ana"),  # unassigned
        ("Ana\u3164", "Ana"),  # Hangul filler: a "letter" that draws nothing
        ("\u115f\u1160\uffa0", ""),
        ("An\u034fa", "Ana"),  # combining grapheme joiner
        ("\u200b\u200b", ""),
        ("", ""),
    ],
)
def test_clean_text_removes_what_nobody_can_see(typed: str, clean: str) -> None:
    assert clean_text(typed) == clean


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\v", "\f"])
def test_single_line_text_turns_line_breaks_into_one_space(line_break: str) -> None:
    assert clean_text(f"hip{line_break}{line_break}ache") == "hip ache"


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r", "\u2028", "\u2029"])
def test_multiline_text_keeps_line_breaks_as_newlines(line_break: str) -> None:
    assert clean_text(f"hip{line_break}ache", multiline=True) == "hip\nache"


def test_multiline_text_keeps_at_most_one_blank_line_in_a_row() -> None:
    typed = "\n\n  first \r\n\r\n\r\n\r\n second\t line \n \n\u200b\n third\n\n\n"
    assert clean_text(typed, multiline=True) == "first\n\nsecond line\n\nthird"


def test_multiline_text_strips_each_line() -> None:
    assert clean_text("  one  \n\ttwo\t", multiline=True) == "one\ntwo"


def assert_clean(text: str, *, multiline: bool) -> None:
    assert unicodedata.is_normalized("NFC", text)
    assert not {unicodedata.category(char) for char in text if char != "\n"} & REMOVED
    assert not set(text) & set("\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5")
    assert multiline or "\n" not in text
    lines = text.split("\n")
    for line in lines:
        assert line == line.strip()
        assert "  " not in line
        assert all(char == " " or not char.isspace() for char in line)
    assert "\n\n\n" not in text
    assert text == text.strip()


@FAST
@given(MESSY_TEXT, st.booleans())
def test_clean_text_gives_visible_normalised_text(typed: str, multiline: bool) -> None:
    cleaned = clean_text(typed, multiline=multiline)
    assert_clean(cleaned, multiline=multiline)
    assert clean_text(cleaned, multiline=multiline) == cleaned  # cleaning twice changes nothing


@FAST
@given(
    st.text(
        st.characters(
            categories=["L", "M", "N", "P", "S"],
            exclude_characters="\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5",
        ),
        max_size=50,
    )
)
def test_clean_text_keeps_visible_characters(typed: str) -> None:
    assert clean_text(typed) == unicodedata.normalize("NFC", typed)


def test_clean_text_handles_100_kb() -> None:
    typed = "Ana\u200b \t" * 16_667  # 100 kB
    assert clean_text(typed) == " ".join(["Ana"] * 16_667)
