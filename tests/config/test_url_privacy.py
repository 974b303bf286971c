"""A URL's password never survives into a sentence, whatever it holds, and SQLite paths are left alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.config.loader import SettingsError, settings_from_mapping
from kiosk.config.url_privacy import hide_passwords, holds_password

# Long enough that finding it in a sentence cannot be chance; any characters but a line break.
passwords = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=12, max_size=400)


@settings(max_examples=60, deadline=None)
@given(password=passwords, scheme=st.sampled_from(["mysql", "oracle+cx", "postgresql+psycopg2", "mssql"]))
def test_a_refused_url_never_shows_its_password(password: str, scheme: str) -> None:
    url = f"{scheme}://root:{password}@db.clinic.lan/kiosk"
    try:
        settings_from_mapping({"database": {"url": url}}, source="kiosk.toml")
    except SettingsError as exc:
        sentence = str(exc)
    else:
        raise AssertionError("an unsupported scheme was accepted")
    assert "***" in sentence
    for shown in (password, repr(password)[1:-1]):  # as typed, and as a quote escapes it
        for piece in (shown, shown[:12], shown[-12:]):
            assert piece not in sentence, sentence


def test_what_is_masked() -> None:
    assert hide_passwords("postgresql+psycopg://kiosk:s3cret@db/k") == "postgresql+psycopg://kiosk:***@db/k"
    assert hide_passwords("postgresql+psycopg://kiosk@db/k?password=s3cret") == (
        "postgresql+psycopg://kiosk@db/k?password=***"
    )
    for plain in ("sqlite:////var/lib/kiosk/kiosk.sqlite3", "sqlite:///C:/Kiosk/kiosk.sqlite3", "no url at all"):
        assert hide_passwords(plain) == plain and not holds_password(plain)
