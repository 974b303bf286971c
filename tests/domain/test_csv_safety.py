"""A cell a patient typed can never run as a formula when reception opens the CSV in a spreadsheet."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.csv_safety import DANGEROUS_STARTS, neutralise


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("+1 613 555 0143", "'+1 613 555 0143"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\0=1+1", "'=1+1"),
        ("Smith\0son", "Smithson"),
    ],
)
def test_dangerous_starts_get_an_apostrophe_and_nul_is_removed(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


@pytest.mark.parametrize("cell", ["", "Zelphine", "Quorrington-Abara", "a=b", "Müller O'Neil", "10"])
def test_plain_text_is_unchanged(cell: str) -> None:
    assert neutralise(cell) == cell


@given(st.text())
def test_no_neutralised_cell_starts_with_a_dangerous_character_or_holds_a_nul(cell: str) -> None:
    safe = neutralise(cell)
    assert safe[:1] not in DANGEROUS_STARTS
    assert "\0" not in safe


@given(st.text(alphabet=st.characters(blacklist_characters="=+-@\t\r\0")))
def test_text_without_dangerous_characters_is_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell


@given(st.text())
def test_only_an_apostrophe_is_added_and_only_nul_removed(cell: str) -> None:
    stripped = cell.replace("\0", "")
    assert neutralise(cell) in (stripped, "'" + stripped)
