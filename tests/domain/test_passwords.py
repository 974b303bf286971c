"""Which passwords staff may choose: NIST SP 800-63B-4 length and block list, no composition rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.passwords import (
    CONTEXT,
    GUESSABLE,
    MAX_PASSWORD_LENGTH,
    SINGLE_FACTOR_MIN_LENGTH,
    TOO_LONG,
    TOO_SHORT,
    context_words,
    normalise,
    password_problem,
)


def fullwidth(ascii_text: str) -> str:
    """The same letters as an East Asian keyboard's full-width forms (U+FF01 onwards)."""
    return "".join(chr(ord(char) + 0xFEE0) for char in ascii_text)


def test_single_factor_sign_in_needs_15_characters_whatever_the_settings_say() -> None:
    assert SINGLE_FACTOR_MIN_LENGTH == 15
    short = "amber otter si"  # 14
    assert password_problem(short, 8) == (
        "Use at least 15 characters; a few unrelated words in a row make a password that is easy to remember."
    )
    assert password_problem(short + "x", 8) is None
    assert password_problem("amber otter sings", 20) is not None  # a clinic may ask for more
    assert password_problem("amber otter sings at dawn", 20) is None


@pytest.mark.parametrize(
    ("password", "username"),
    [("Password1!", ""), ("qwerty12", ""), ("Summer2024", ""), ("jsmith123", "jsmith")],
)
def test_the_issues_examples_are_refused_with_one_sentence_saying_what_to_do(password: str, username: str) -> None:
    problem = password_problem(password, 8, username)
    assert problem is not None
    assert problem.count(". ") == 0 and problem.endswith(".")  # one sentence
    assert "Use at least 15 characters" in problem


@pytest.mark.parametrize(
    "password",
    [
        "Password1!Password1!",  # a repeat of a breached password
        "passwordpassword",
        "qwertyuiopasdfghjkl",  # a keyboard walk
        "1234567890123456",
        "summer2024summer2024",
        "iloveyouiloveyou",
        "letmeinletmein123",
        "aaaaaaaaaaaaaaaaaaaa",
        " " * 20,
        fullwidth("passwordpassword"),  # NFKC first: full-width letters are the same password
    ],
)
def test_common_leaked_and_patterned_passwords_are_refused_at_any_length(password: str) -> None:
    assert password_problem(password, 8) == GUESSABLE


@pytest.mark.parametrize(
    ("password", "username", "clinic"),
    [
        ("jsmith123jsmith123", "jsmith", ""),
        ("Maria.Lopez.Maria.Lopez", "maria.lopez", ""),
        ("ascentpainkiosk2024", "ada", "Ascent Pain"),
        ("Ascent Pain 2024!!", "ada", "Ascent Pain"),
        ("kioskkioskclinic1", "ada", ""),
        ("receptionclinic2024", "ada", ""),
    ],
)
def test_the_username_clinic_name_and_site_words_are_refused(password: str, username: str, clinic: str) -> None:
    assert password_problem(password, 8, username, clinic_name=clinic) == CONTEXT


def test_the_clinic_name_counts_as_a_context_word_only_when_given() -> None:
    assert password_problem("sacroiliac pain doctor", 8, "ada") is None
    assert password_problem("sacroiliac pain doctor", 8, "ada", clinic_name="Sacroiliac Pain Doctor") == CONTEXT
    words = context_words("Ada.K", "Ascent Pain Clinic")
    assert {"ada.k", "adak", "ascent pain clinic", "ascentpainclinic", "ascent", "pain", "kiosk"} <= set(words)


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",  # spaces
        "amber otter quietly sings",  # no composition rules: no digit, capital or symbol needed
        "my clinic has blue chairs",  # a site word inside a strong phrase is fine
        "Überprüfung der Schmerztherapie",
        "日本語のパスワードですよ、とても長い",
        "🦷🩺💉🩹🌡️🧠🦴🫀👀🦷🩺💉🩹🧠🦴",
        "the quiet harbour lamp glows while wir über die Brücke gehen, langsam und müde",  # well past 64
    ],
)
def test_long_passphrases_in_any_script_are_accepted(password: str) -> None:
    assert password_problem(password, 8, "jsmith", clinic_name="Ascent Pain") is None


def test_at_least_64_and_up_to_256_characters_are_accepted() -> None:
    assert password_problem("tulip lantern harbour " * 3, 8) is None
    assert password_problem("abc" * 85 + "d", 8) is not None  # 256, but a repeat
    longest = ("harbour tulip 42 lantern " * 11)[:MAX_PASSWORD_LENGTH]
    assert len(longest) == MAX_PASSWORD_LENGTH
    assert password_problem(longest, 8) is None
    assert password_problem("a" + "bc" * 128, 8) == f"Use at most {MAX_PASSWORD_LENGTH} characters."


def test_length_counts_code_points_after_nfkc() -> None:
    # "e" + combining acute is one code point after NFKC: 14 of them are too short for 15.
    decomposed = "cafe\u0301" + "abc ghijkl"
    assert len(decomposed) == 15
    assert password_problem(decomposed, 8) is not None
    assert password_problem("🦷" * 14, 8) is not None


def test_nfkc_makes_two_spellings_one_password() -> None:
    assert normalise("cafe\u0301 au lait") == normalise("caf\u00e9 au lait")
    assert normalise(fullwidth("fullwidth")) == "fullwidth"


@settings(max_examples=60, deadline=None)
@given(password=st.text(max_size=300), username=st.from_regex(r"[a-z0-9.\-_]{1,20}", fullmatch=True))
def test_any_text_gets_none_or_one_sentence_that_never_repeats_it(password: str, username: str) -> None:
    problem = password_problem(password, 8, username, clinic_name="Ascent Pain")
    assert problem is None or problem in {
        TOO_SHORT.format(n=15),
        TOO_LONG.format(n=MAX_PASSWORD_LENGTH),
        CONTEXT,
        GUESSABLE,
    }
