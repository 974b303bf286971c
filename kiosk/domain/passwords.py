"""Which passwords staff may choose, after NIST SP 800-63B-4: length and a block list, no composition rules."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# NIST SP 800-63B-4 asks for at least 15 characters when a password is the only factor, as it is at the
# console; a clinic may ask for more, never for less.
SINGLE_FACTOR_MIN_LENGTH = 15

# NIST asks verifiers to accept at least 64 characters; the upper bound only stops
# a pasted novel from making every sign-in hash megabytes.
MAX_PASSWORD_LENGTH = 256

# Words anyone would try first at this desk, whatever the clinic is called.
SITE_WORDS = ("kiosk", "clinic", "reception", "console", "staff")

# zxcvbn's estimate of the guesses an attacker needs; 10^10 is its top score. Below it the password is, or is
# built from, a common or leaked password, a keyboard walk, a repeat, a date or this clinic's own words.
# An online attacker held to one try per 30 s needs centuries for 10^10.
MIN_GUESSES_LOG10 = 10.0

# zxcvbn spends time quadratic in the length; past this many characters the rest only adds strength.
_ZXCVBN_LIMIT = 72

TOO_SHORT = "Use at least {n} characters; a few unrelated words in a row make a password that is easy to remember."
TOO_LONG = "Use at most {n} characters."
CONTEXT = (
    "Leave your username, the clinic's name and words like 'kiosk' out of the password: "
    "choose a few unrelated words only you would think of."
)
GUESSABLE = (
    "That password is on lists of common or leaked passwords, or follows a pattern that is easy to guess: "
    "choose a few unrelated words only you would think of."
)


def normalise(password: str) -> str:
    """NFKC, so the same password typed on two keyboards (composed or not, full-width or not) matches."""
    return unicodedata.normalize("NFKC", password)


def context_words(username: str = "", clinic_name: str = "") -> list[str]:
    """The words an attacker would try first here: the username, the clinic's name (whole and by word), the site."""
    words: list[str] = list(SITE_WORDS)
    for phrase in (username, clinic_name):
        folded = normalise(phrase).strip().casefold()
        if not folded:
            continue
        parts = [part for part in re.split(r"[\W_]+", folded) if part]
        words += [folded, "".join(parts), *(part for part in parts if len(part) >= 3)]
    return list(dict.fromkeys(word for word in words if word))


def password_problem(
    password: str, min_length: int, username: str = "", *, clinic_name: str = "", extra_words: Iterable[str] = ()
) -> str | None:
    """What is wrong with a new password, as a sentence that says what to do; None if it will do."""
    needed = max(min_length, SINGLE_FACTOR_MIN_LENGTH)
    text = normalise(password)
    if len(text) < needed:
        return TOO_SHORT.format(n=needed)
    if len(text) > MAX_PASSWORD_LENGTH:
        return TOO_LONG.format(n=MAX_PASSWORD_LENGTH)
    # Imported here: its word lists take ~70 ms to load, which the patient kiosk's start-up should not pay.
    from zxcvbn import zxcvbn

    inputs = context_words(username, clinic_name) + [normalise(word).casefold() for word in extra_words]
    result = zxcvbn(text[:_ZXCVBN_LIMIT], user_inputs=inputs, max_length=_ZXCVBN_LIMIT)
    if float(result["guesses_log10"]) >= MIN_GUESSES_LOG10:
        return None
    if _uses_context(text, result, inputs):
        return CONTEXT
    return GUESSABLE


def _uses_context(text: str, result: dict[str, object], inputs: list[str]) -> bool:
    """Whether the weak password leans on this site's words (zxcvbn reports each part it recognised)."""
    sequence = result.get("sequence")
    pending: list[object] = list(sequence) if isinstance(sequence, list) else []
    while pending:
        match = pending.pop()
        if not isinstance(match, dict):
            continue
        if match.get("dictionary_name") == "user_inputs":
            return True
        pending += match.get("base_matches") or []  # a repeat ("jsmith1jsmith1") holds the parts it repeats
    folded = text.casefold()
    return any(len(word) >= 4 and word in folded for word in inputs)
