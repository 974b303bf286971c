"""Which passwords staff may choose, after NIST SP 800-63B: length and a block list, no composition rules."""

from __future__ import annotations

import unicodedata

# NIST asks verifiers to accept at least 64 characters; the upper bound only stops
# a pasted novel from making every sign-in hash megabytes.
MAX_PASSWORD_LENGTH = 256

# Passwords that top every breach list. Short on purpose: the length rule already
# refuses the shorter ones, and a long list would start refusing reasonable phrases.
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password12",
        "password123",
        "password1234",
        "passw0rd",
        "p@ssw0rd",
        "p@ssword",
        "12345678",
        "123456789",
        "1234567890",
        "12345678910",
        "87654321",
        "11111111",
        "00000000",
        "123123123",
        "123456123456",
        "1q2w3e4r",
        "1q2w3e4r5t",
        "1qaz2wsx",
        "qwertyui",
        "qwertyuiop",
        "qwerty123",
        "qwerty1234",
        "qwerty12345",
        "asdfghjkl",
        "asdf1234",
        "zxcvbnm1",
        "abcd1234",
        "abc12345",
        "abcdefgh",
        "iloveyou",
        "iloveyou1",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "superman",
        "trustno1",
        "welcome1",
        "welcome123",
        "letmein1",
        "letmein123",
        "changeme",
        "changeme123",
        "administrator",
        "admin123",
        "admin1234",
        "reception",
        "reception1",
        "clinic123",
        "doctor123",
        "nurse123",
        "hospital",
        "starwars",
        "whatever",
        "computer",
    }
)


def normalise(password: str) -> str:
    """NFKC, so the same password typed on two keyboards (composed or not, full-width or not) matches."""
    return unicodedata.normalize("NFKC", password)


def password_problem(password: str, min_length: int, username: str = "") -> str | None:
    """What is wrong with a new password, as a sentence that says what to do; None if it will do."""
    text = normalise(password)
    if len(text) < min_length:
        return f"Use at least {min_length} characters; a few words in a row make a password that is easy to remember."
    if len(text) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    folded = text.casefold()
    if username and folded == normalise(username).strip().casefold():
        return "Choose a password that is not the username."
    if folded in COMMON_PASSWORDS:
        return "That password is one of the most common and easy to guess: choose a phrase only you would think of."
    if len(set(folded)) == 1:
        return "A password of one repeated character is easy to guess: choose a phrase only you would think of."
    return None
