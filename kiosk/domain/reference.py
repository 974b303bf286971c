"""Short reference codes a patient reads to the front desk, made of characters nobody confuses."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L: a code read aloud or copied from the screen cannot be misheard as another one.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 6

# What people type between groups: spaces (any kind) and the dashes a phone or keyboard may give.
_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")


def new_reference() -> str:
    """A fresh code such as "K7M4QX" (31**6, about 887 million, possible codes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def format_reference(code: str) -> str:
    """The code in two groups of three, "K7M 4QX", easier to read aloud and to copy."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def parse_reference(typed: str) -> str | None:
    """The code someone typed, as stored ("k7m-4qx" -> "K7M4QX"), or None if no code looks like it."""
    kept = "".join(char for char in typed if not (char.isspace() or char in _SEPARATORS))
    # ASCII first: str.upper() maps a few other letters onto ASCII ones ("\u017f", long s, -> "S").
    if len(kept) != LENGTH or not kept.isascii():
        return None
    code = kept.upper()
    return code if all(char in ALPHABET for char in code) else None
