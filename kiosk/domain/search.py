"""How names are folded so that reception finds "Nguyễn" by typing "nguyen"."""

from __future__ import annotations

import re
import unicodedata

from kiosk.domain.reference import ALPHABET, LENGTH
from kiosk.domain.text import clean_text

# The shortest part of a reference code worth looking up: fewer characters would match too many requests.
MIN_REFERENCE_PART = 3


# Latin letters that Unicode does not decompose into a base letter and a mark, as reception would type them.
# A dozen letters, not a transliteration library: those (Unidecode, anyascii) also turn every other script
# into Latin guesses, and a Vietnamese or Chinese name must stay findable as it is written.
_UNDECOMPOSED = str.maketrans(
    {
        "đ": "d",
        "ł": "l",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ħ": "h",
        "\u0131": "i",
        "þ": "th",
        "ð": "d",
        "ŧ": "t",
        "ƀ": "b",
        "ɨ": "i",
    }
)
# What staff type between the parts of a name is not part of what they look for: "obrien", "o'brien" and
# "O Brien" all mean O'Brien; "smithjones" and "smith jones" mean Smith-Jones.
_NOT_A_LETTER = re.compile(r"[\W_]+")


def fold_name(text: str) -> str:
    """A name's search key: lower case, without accents, tone marks, apostrophes, hyphens or spaces.

    Stored next to each name and applied to what staff type, so the database compares two folded strings
    with an ordinary index ("Nguyễn" -> "nguyen", "O'Brien" -> "obrien", "de la Cruz" -> "delacruz").
    """
    # Unicode's compatibility caseless match (NFKD of casefold of NFKD of casefold of NFD): a letter such as
    # fraktur "\U0001d50d" turns into "J" only when decomposed, so it is casefolded after that too.
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFD", clean_text(text)).casefold()).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).translate(_UNDECOMPOSED)
    return _NOT_A_LETTER.sub("", bare)


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
