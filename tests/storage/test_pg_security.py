"""PostgreSQL over the network is encrypted: the TLS rule for database.url, on a real server with and without TLS."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from kiosk.storage.database import Database, DatabaseError
from kiosk.storage.pg_security import is_tls_refusal, secure_url, tls_state
from tests.postgres_server import PostgresServer

BASE = "postgresql+psycopg://kiosk:pw@{host}/kiosk"


@pytest.fixture(autouse=True)
def no_pg_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PGSSLMODE", "PGHOST"):
        monkeypatch.delenv(name, raising=False)


def mode_of(url: str) -> str | None:
    query = secure_url(make_url(url)).query.get("sslmode")
    assert query is None or isinstance(query, str)
    return query


@pytest.mark.parametrize("host", ["db.clinic.lan", "10.0.0.5", "127.0.0.1", ""])
def test_without_sslmode_tls_is_required(host: str) -> None:
    assert mode_of(BASE.format(host=host)) == "require"


@pytest.mark.parametrize("mode", ["require", "verify-ca", "verify-full"])
def test_a_secure_mode_is_kept(mode: str) -> None:
    assert mode_of(BASE.format(host="db.clinic.lan") + f"?sslmode={mode}") == mode


@pytest.mark.parametrize(
    "url",
    [
        BASE.format(host="127.0.0.1") + "?sslmode=disable",
        BASE.format(host="localhost") + "?sslmode=prefer",
        BASE.format(host="[::1]") + "?sslmode=disable",
        BASE.format(host="") + "?sslmode=disable",  # libpq's default unix socket
        BASE.format(host="") + "?host=/var/run/postgresql&sslmode=disable",
    ],
)
def test_an_explicit_opt_out_is_accepted_for_this_pc_only(url: str) -> None:
    assert mode_of(url) in {"disable", "prefer"}


@pytest.mark.parametrize(
    "url",
    [
        BASE.format(host="db.clinic.lan") + "?sslmode=disable",
        BASE.format(host="10.0.0.5") + "?sslmode=prefer",
        BASE.format(host="127.0.0.1") + "?sslmode=allow&hostaddr=10.0.0.5",  # hostaddr is where libpq goes
        BASE.format(host="") + "?host=/tmp,db.clinic.lan&sslmode=disable",
    ],
)
def test_an_opt_out_for_a_server_elsewhere_is_refused_with_one_sentence(url: str) -> None:
    with pytest.raises(DatabaseError) as caught:
        Database.open(url)
    sentence = str(caught.value)
    assert "which is not on this PC" in sentence and "remove sslmode from database.url" in sentence
    assert "pw" not in sentence.replace("password", "")
    assert sentence.count(". ") == 0 and sentence.endswith(".") and "\n" not in sentence  # one sentence


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(DatabaseError, match="sslmode=off, which PostgreSQL does not know"):
        Database.open(BASE.format(host="db.clinic.lan") + "?sslmode=off")


def test_a_secure_pgsslmode_is_not_weakened(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGSSLMODE", "verify-full")
    assert mode_of(BASE.format(host="db.clinic.lan")) is None  # libpq takes verify-full from the environment
    monkeypatch.setenv("PGSSLMODE", "disable")
    assert mode_of(BASE.format(host="db.clinic.lan")) == "require"  # the environment is no opt-out


def test_the_listening_connections_ask_for_tls_too(pg_database: Database) -> None:
    """services/changes.py and the urgent watch open LISTEN connections from the engine's URL, outside the pool."""
    _, options = pg_database.engine.dialect.create_connect_args(pg_database.engine.url)
    assert options["sslmode"] == "require"


def test_a_kiosk_connection_to_the_server_is_encrypted(pg_database: Database) -> None:
    with pg_database.engine.connect() as connection:
        state = tls_state(connection)
    assert state.in_use and state.protocol.startswith("TLSv1.") and state.cipher and state.bits >= 128
    assert state.mode == "require"


def test_a_server_with_ssl_off_is_refused(server_without_tls: PostgresServer) -> None:
    url = server_without_tls.url("postgres")
    assert "sslmode" not in url  # the kiosk's default, as a clinic's settings say it
    database = Database.open(url)
    try:
        with pytest.raises(OperationalError) as caught, database.engine.connect():
            pass
    finally:
        database.close()
    assert is_tls_refusal(caught.value)
