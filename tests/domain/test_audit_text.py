"""An audit row's text is always something the hash and the database can hold, and valid text keeps its hash."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.audit import AuditFields, HashVersion, row_hash, storable_text

ROW = AuditFields(
    at=dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC),
    actor="cli:josé@front-desk",
    workstation="Phòng khám 1",
    action="backup",
    target="database",
    outcome="ok",
    detail="to kiosk-ü.sqlite3",
)


@pytest.mark.parametrize(
    ("version", "sealed"),
    [
        # Computed by the code before storable_text existed: every row already stored keeps verifying.
        (HashVersion.LEGACY, "132c4ce4c39917f36dcd9de70828deba35754a514132f17d9e44b5abfbc64985"),
        (HashVersion.PLAIN, "15bda65416fd88fd131b1b23347fb775a16a3a2ba636b6923fdfcbf6f42b8575"),
        (HashVersion.KEYED, "e8dfd8f0421898c48dece767af9f3793057b4aa113d3634b9250a1ef9866b186"),
    ],
)
def test_a_valid_row_keeps_the_hash_it_always_had(version: HashVersion, sealed: str) -> None:
    assert row_hash(7, ROW, "ab" * 32, version, b"k" * 32) == sealed


def test_an_undecodable_file_name_is_stored_as_its_bytes_written_out() -> None:
    """Linux hands the byte 0xff of a file name to Python as U+DCFF, which UTF-8 cannot encode."""
    fields = AuditFields(**{**ROW.__dict__, "detail": "to \udcff.sqlite3"})

    assert fields.detail == "to \\xff.sqlite3"
    assert row_hash(8, fields, "ab" * 32, HashVersion.PLAIN) == row_hash(
        8, AuditFields(**{**ROW.__dict__, "detail": "to \\xff.sqlite3"}), "ab" * 32, HashVersion.PLAIN
    )


def test_a_lone_surrogate_not_from_a_file_name_is_written_out_too() -> None:
    assert storable_text("a\ud800b") == "a\\ud800b"


# Text with lone surrogates mixed in (st.text leaves them out by default).
_ANY_TEXT = st.text(st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=20)


@settings(max_examples=60, deadline=None)
@given(_ANY_TEXT)
def test_any_text_becomes_utf8_and_valid_text_is_left_alone(text: str) -> None:
    stored = storable_text(text)

    stored.encode("utf-8")  # never raises
    assert storable_text(stored) == stored
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return
    assert stored == text
