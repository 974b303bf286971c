"""A throw-away PostgreSQL server for the tests, so storage and service tests run on both backends.

pytest plugin (tests/conftest.py loads it). `postgres_url` starts one PostgreSQL cluster per test session
(initdb + pg_ctl in a private temporary folder, a free TCP port on 127.0.0.1, its unix socket in that
folder, fsync on, as an unprivileged OS user when the tests run as root) and stops it at the end.
`pg_database` gives each test its own freshly migrated database; `any_database` runs a test once on
the encrypted SQLite file (tests/conftest.py's `database`) and once on PostgreSQL.

The session's server speaks TLS, as a clinic's server must (kiosk/storage/pg_security.py requires it): a
self-signed certificate made at start-up with `cryptography` (`give_tls`), so test URLs carry no sslmode and
connect with the kiosk's default, sslmode=require. `server_without_tls` turns ssl off for one test.

The server itself (kiosk/bench/pg_server.py) is shared with `kiosk bench`. Without PostgreSQL on a
developer's machine the PostgreSQL tests are skipped with the reason; in CI (environment variable CI set,
as .ci/run does) they fail instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from kiosk.bench.pg_server import ADMIN_ROLE, APP_ROLE, PostgresServer, ServerUnavailable, server_programs, start_server
from kiosk.bench.pg_server import free_port as _free_port
from kiosk.storage.database import Database
from kiosk.storage.migrations import upgrade_to_head

TEMPLATE = "kiosk_template"  # migrated once per session; each test's database is a copy of it
# The server itself lives in kiosk/bench/pg_server.py (kiosk bench starts one too); these names stay importable here.
__all__ = ["APP_ROLE", "PostgresServer", "ServerUnavailable", "_free_port", "start_server"]


START_TRIES = 3


def _start() -> PostgresServer:
    """start_server(), tried again when a start fails: under `pytest -n 2` each worker starts a server of its own
    at the same moment, and free_port() lets its port go before the postmaster binds it, so two workers can pick
    the same port (and, as root on a machine without the postgres account, both try to make it)."""
    for _ in range(START_TRIES - 1):
        if not server_programs():
            break  # not installed: the last try below says so
        with contextlib.suppress(ServerUnavailable, subprocess.CalledProcessError):
            return start_server()
    try:
        return start_server()
    except subprocess.CalledProcessError as exc:
        raise ServerUnavailable(f"no throw-away PostgreSQL server could be started: {exc}") from exc


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = _start()
    except ServerUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{exc} (CI must run the PostgreSQL tests)", pytrace=False)
        pytest.skip(str(exc))
    try:
        give_tls(server)
        yield server
    finally:
        with contextlib.suppress(ServerUnavailable, subprocess.SubprocessError):
            server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


def give_tls(server: PostgresServer) -> None:
    """A self-signed certificate for 127.0.0.1, and ssl = on (a reload is enough: ssl is a SIGHUP setting)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = server.folder / "server.crt", server.folder / "server.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # PostgreSQL refuses a wider key
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    if server.run_as is not None:
        entry = pwd.getpwnam(server.run_as)
        for path in (cert_file, key_file):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    server.admin(f"ALTER SYSTEM SET ssl_cert_file = '{cert_file}'")
    server.admin(f"ALTER SYSTEM SET ssl_key_file = '{key_file}'")
    set_ssl(server, on=True)
    server.tls = True  # its URLs no longer carry the local opt-out (kiosk/bench/pg_server.py)


def set_ssl(server: PostgresServer, *, on: bool) -> None:
    import psycopg

    wanted = "on" if on else "off"
    server.admin(f"ALTER SYSTEM SET ssl = {wanted}")
    server.admin("SELECT pg_reload_conf()")
    deadline = time.monotonic() + 10
    while True:  # the reload is a signal: wait until a new session sees it, so the test's next connection does
        with psycopg.connect(host=str(server.socket_dir), port=server.port, user=ADMIN_ROLE, dbname="postgres") as c:
            row = c.execute("SHOW ssl").fetchone()
        if (row and row[0] == wanted) or time.monotonic() > deadline:
            return
        time.sleep(0.05)


@pytest.fixture
def server_without_tls(postgres_server: PostgresServer) -> Iterator[PostgresServer]:
    """The session's server with ssl = off for one test (new connections only), and on again after it."""
    set_ssl(postgres_server, on=False)
    try:
        yield postgres_server
    finally:
        set_ssl(postgres_server, on=True)


@pytest.fixture
def server_comes_back(postgres_server: PostgresServer) -> Iterator[PostgresServer]:
    """For tests that stop the session's server: whatever happens, it runs again for the next test."""
    yield postgres_server
    with contextlib.suppress(ServerUnavailable):  # already running
        postgres_server.start()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """A database on the session's server, empty, owned by the kiosk role: `postgresql+psycopg://...`."""
    return postgres_server.url(postgres_server.new_database())


@pytest.fixture(scope="session")
def _migrated_template(postgres_server: PostgresServer) -> str:
    postgres_server.admin(f"CREATE DATABASE {TEMPLATE} OWNER {APP_ROLE}")
    database = Database.open(postgres_server.url(TEMPLATE))
    try:
        upgrade_to_head(database.engine)
    finally:
        database.close()  # CREATE DATABASE ... TEMPLATE needs it without connections
    return TEMPLATE


@pytest.fixture
def pg_empty_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A brand-new empty database for this test only (migration tests start from nothing)."""
    name = postgres_server.new_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


@pytest.fixture
def pg_database(postgres_server: PostgresServer, _migrated_template: str) -> Iterator[Database]:
    """A fresh database at the newest schema, for this test only, opened as a kiosk opens it."""
    name = postgres_server.new_database(template=_migrated_template)
    database = Database.open(postgres_server.url(name))
    yield database
    database.close()
    postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest) -> Database:
    """The same test on the encrypted SQLite file and on PostgreSQL."""
    database: Database = request.getfixturevalue("database" if request.param == "sqlite" else "pg_database")
    return database


def is_postgresql(database: Database) -> bool:
    return database.engine.dialect.name == "postgresql"


def open_another(database: Database) -> Database:
    """A second Database on the same data, as another PC opens it: its own engine and connections."""
    url = database.engine.url
    if url.get_backend_name() == "sqlite":
        from tests import encrypted_files

        assert url.database is not None
        return encrypted_files.open_again(url.database)
    return Database.open(url.render_as_string(hide_password=False))


def url_of(database: Database) -> str:
    """What database.url says for this database in a kiosk's settings (for a child process that opens it too).

    SQLite: the plain file URL (a child process with another home needs `settings_of` for its key file too);
    PostgreSQL: the URL with its password.
    """
    url = database.engine.url
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{url.database}"
    return url.render_as_string(hide_password=False)


def settings_of(database: Database) -> str:
    """The [database] lines a kiosk's settings file needs for this database: its URL, and for SQLite the key file.

    The key lives in the key folder of the account that made it (kiosk/config/locations.py), so a child
    process given a home of its own is told where the key is, as IT would set database.key_file.
    """
    url = url_of(database)
    lines = f'url = "{url}"\n'
    if database.engine.url.get_backend_name() == "sqlite":
        from pathlib import Path

        from kiosk.storage.keys import default_key_file

        assert database.engine.url.database is not None
        lines += f'key_file = "{default_key_file(Path(database.engine.url.database)).as_posix()}"\n'
    return lines
