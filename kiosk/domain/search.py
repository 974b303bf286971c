"""How names are folded so that reception finds "Nguyễn" by typing "nguyen"."""

from __future__ import annotations

import unicodedata

from kiosk.domain.text import clean_text


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
