"""How names are folded so that reception finds "Nguyễn" by typing "nguyen"."""

from __future__ import annotations

import unicodedata

from kiosk.domain.reference import ALPHABET, LENGTH
from kiosk.domain.text import clean_text

# The shortest part of a reference code worth looking up: fewer characters would match too many requests.
MIN_REFERENCE_PART = 3


def fold_name(text: str) -> str:
    """Lower case, accents and tone marks removed, spaces squeezed: the form names are searched in.

    Stored next to each name and applied to what staff type, so the database
    compares two folded strings with an ordinary index.
    """
    # Unicode's compatibility caseless match (NFKD of casefold of NFKD of casefold of NFD): a letter such as
    # fraktur "\U0001d50d" turns into "J" only when decomposed, so it is casefolded after that too.
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFD", clean_text(text)).casefold()).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    # Vietnamese đ has no decomposition; reception types "d" for it.
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).replace("đ", "d")
    return " ".join(bare.split())


def reference_part(typed: str) -> str | None:
    """The first 3 to 5 characters of a reference code, as stored ("qvw" -> "QVW"), or None if it is not one.

    Receptionists type the start of a code a patient reads out ("K7M" of "K7M 4QX"); spaces and dashes between
    the groups are ignored, as in a whole code.
    """
    kept = "".join(char for char in typed if char.isalnum())
    if not (MIN_REFERENCE_PART <= len(kept) < LENGTH) or not kept.isascii():
        return None
    code = kept.upper()
    return code if all(char in ALPHABET for char in code) else None
