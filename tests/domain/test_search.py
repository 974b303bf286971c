"""Names are folded so reception finds a patient however the name is typed at the desk."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk.domain.search import fold_name


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Nguyễn", "nguyen"),
        ("NGUYEN", "nguyen"),
        ("Đặng", "dang"),
        ("José  María", "josemaria"),  # spaces, apostrophes and hyphens are not what staff look for
        ("O\u2019Brien", "obrien"),  # a typographic apostrophe
        ("de la Cruz", "delacruz"),
        ("Ñúñez", "nunez"),
        ("Łukasz Møller", "lukaszmoller"),  # letters Unicode does not decompose
        ("Müller", "muller"),
        ("O'Brien-Smith", "obriensmith"),
        ("  Peña ", "pena"),
        ("Stra\u00dfe", "strasse"),  # casefold turns ß into ss, as a German speaker would type it
        ("Ann\u200bMarie", "annmarie"),  # an invisible zero-width space does not split or hide a name
        ("\U0001d50d\U0001d522\U0001d52b", "jen"),  # letters pasted from a "fancy text" site fold like plain ones
    ],
)
def test_a_name_folds_to_what_reception_would_type(typed: str, folded: str) -> None:
    assert fold_name(typed) == folded


@given(st.text(max_size=40))
@example("\U0001d50d")  # fraktur J: "J" only after decomposing, so it needs casefolding after that too
def test_folding_twice_changes_nothing(text: str) -> None:
    assert fold_name(fold_name(text)) == fold_name(text)
