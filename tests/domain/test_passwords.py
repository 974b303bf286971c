"""Which passwords staff may choose: NIST SP 800-63B length and block list, no composition rules."""

from __future__ import annotations

import pytest

from kiosk.domain.passwords import COMMON_PASSWORDS, MAX_PASSWORD_LENGTH, normalise, password_problem


def fullwidth(ascii_text: str) -> str:
    """The same letters as an East Asian keyboard's full-width forms (U+FF01 onwards)."""
    return "".join(chr(ord(char) + 0xFEE0) for char in ascii_text)


def test_the_minimum_length_comes_from_the_rules() -> None:
    assert password_problem("seven c", 8) == (
        "Use at least 8 characters; a few words in a row make a password that is easy to remember."
    )
    assert password_problem("eight ch", 8) is None
    assert password_problem("eight ch", 12) is not None
    assert password_problem("twelve chars", 12) is None


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",  # spaces
        "alllowercase",  # no composition rules: no digit, capital or symbol needed
        "Überprüfung der Schmerztherapie",
        "日本語のパスワードです",
        "🦷🩺💉🩹🌡️🧠🦴🫀",
        "x" * 40 + " " + "ü" * 63,  # a long passphrase well past 64
    ],
)
def test_any_unicode_with_spaces_and_emoji_is_accepted(password: str) -> None:
    assert password_problem(password, 8) is None


def test_at_least_64_and_up_to_256_characters_are_accepted() -> None:
    assert password_problem("ab" * 32, 8) is None
    assert password_problem("abc" * 85 + "d", 8) is None  # 256
    assert password_problem("a" + "bc" * 128, 8) == f"Use at most {MAX_PASSWORD_LENGTH} characters."


def test_length_counts_code_points_after_nfkc() -> None:
    # "e" + combining acute is one code point after NFKC: 7 of them are too short for 8.
    decomposed = "cafe\u0301" + "abc"
    assert len(decomposed) == 8
    assert password_problem(decomposed, 8) is not None
    # Seven emoji are seven characters, however many UTF-16 units or bytes they take.
    assert password_problem("🦷" * 7, 8) is not None
    assert password_problem("🦷🩺💉🩹🧠🦴🫀👀", 8) is None


def test_nfkc_makes_two_spellings_one_password() -> None:
    assert normalise("cafe\u0301 au lait") == normalise("caf\u00e9 au lait")
    assert normalise(fullwidth("fullwidth")) == "fullwidth"


def test_the_username_is_refused_in_any_case() -> None:
    assert password_problem("Maria.Lopez", 8, "maria.lopez") == "Choose a password that is not the username."
    assert password_problem("maria.lopez-desk", 8, "maria.lopez") is None


@pytest.mark.parametrize("password", ["password", "Password123", "12345678", "qwerty123", fullwidth("PASSWORD")])
def test_the_most_common_passwords_are_refused(password: str) -> None:
    problem = password_problem(password, 8)
    assert problem is not None
    assert "most common" in problem


def test_the_block_list_is_short_and_folded() -> None:
    assert 40 <= len(COMMON_PASSWORDS) <= 80
    assert all(word == word.casefold() for word in COMMON_PASSWORDS)


def test_one_repeated_character_is_refused() -> None:
    assert password_problem("aaaaaaaaaa", 8) is not None
    assert password_problem("          ", 8) is not None
