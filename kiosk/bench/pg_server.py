"""A throw-away PostgreSQL server: initdb and pg_ctl in a private temporary folder, never the clinic's server.

A free TCP port on 127.0.0.1 with a password for the application role (as kiosks connect), the superuser
only through a unix socket in that folder, fsync on. Used by the tests (tests/postgres_server.py) and by
`kiosk bench` for its eight-kiosks-on-PostgreSQL figure.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL

APP_ROLE = "kiosk"  # what kiosks log in as: owns its databases, no superuser rights
ADMIN_ROLE = "kiosk_admin"  # the cluster's superuser, reached only through the private unix socket
RUN_AS = "postgres"  # the OS user that owns the cluster when run as root (Debian's package makes it)
START_TIMEOUT_S = 60


def server_programs() -> list[Path]:
    """Folders holding initdb and pg_ctl, the preferred version first (empty when PostgreSQL is not installed)."""
    found = [Path(path).resolve().parent for path in [shutil.which("initdb")] if path]
    # Debian keeps the server programs off PATH; prefer 15, the version the clinic installs.
    found += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name != "15")
    return [folder for folder in found if (folder / "initdb").exists() and (folder / "pg_ctl").exists()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerUnavailable(Exception):  # noqa: N818 (a reason to skip, not a bug)
    """No PostgreSQL server could be started here; the message says why."""


@dataclass
class PostgresServer:
    """One throw-away cluster. `stop()`/`start()` let fault tests take the server away and bring it back."""

    bin: Path
    folder: Path
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    run_as: str | None = None
    # tests/postgres_server.py gives the tests' server a certificate; without one (kiosk bench) URLs carry the
    # explicit local opt-out, sslmode=disable, which the kiosk accepts only for 127.0.0.1 (pg_security.py).
    tls: bool = False
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        argv = [str(self.bin / command[0]), *command[1:]]
        if self.run_as is not None:
            argv = ["runuser", "-u", self.run_as, "--", *argv]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False)
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-5:])
            server_log = self.log.read_text(errors="replace")[-800:] if self.log.exists() else ""
            raise ServerUnavailable(f"{command[0]} failed ({result.returncode}): {tail}\n{server_log}".strip())
        return result

    def init(self) -> None:
        self.socket_dir.mkdir()
        password_file = self.folder / "password"
        password_file.write_text(self.password + "\n")
        if self.run_as is not None:
            entry = pwd.getpwnam(self.run_as)
            for path in (self.folder, self.socket_dir, password_file):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb",
            f"--pgdata={self.data}",
            f"--username={ADMIN_ROLE}",
            f"--pwfile={password_file}",
            "--auth-local=trust",  # the socket sits in a folder only the cluster's owner and root can enter
            "--auth-host=scram-sha-256",  # kiosks come over TCP with a password, as in a clinic
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        password_file.unlink()

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=on "
            "-c synchronous_commit=on -c max_connections=100"
        )
        self._run("pg_ctl", "start", "--wait", f"--timeout={START_TIMEOUT_S}", "-D", str(self.data),
                  "-l", str(self.log), "-o", options)  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "--wait", "-m", "fast", "-D", str(self.data))

    def admin(self, sql: str) -> None:
        """Run one statement as the superuser through the private socket (CREATE/DROP DATABASE, roles)."""
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), port=self.port, user=ADMIN_ROLE, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(sql)  # type: ignore[arg-type,unused-ignore]  # our own statements, never outside text

    def url(self, database: str) -> str:
        """How a kiosk PC reaches it: TCP, the application role and its password."""
        return URL.create(
            "postgresql+psycopg",
            username=APP_ROLE,
            password=self.password,
            host="127.0.0.1",
            port=self.port,
            database=database,
            query={} if self.tls else {"sslmode": "disable"},
        ).render_as_string(hide_password=False)

    def new_database(self, template: str | None = None) -> str:
        name = f"kiosk_test_{next(self._names)}"
        copy = f" TEMPLATE {template}" if template else ""
        self.admin(f"CREATE DATABASE {name} OWNER {APP_ROLE}{copy}")
        return name

    def new_migrated_database(self) -> str:
        """The URL of a new database on this server at the kiosk's newest schema, as `kiosk db upgrade` leaves it."""
        from kiosk.storage.database import Database
        from kiosk.storage.migrations import upgrade_to_head

        url = self.url(self.new_database())
        database = Database.open(url)
        try:
            upgrade_to_head(database.engine)
        finally:
            database.close()
        return url

    def drop_database(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _owner_for_root(create: bool) -> str:
    try:
        pwd.getpwnam(RUN_AS)
    except KeyError:
        if not create:
            raise ServerUnavailable(
                f"running as root and there is no {RUN_AS!r} account to own a server; run it as an ordinary user"
            ) from None
        # Without Debian's package there is no such user: make a system account that can log in nowhere.
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", RUN_AS],
            check=True,
            capture_output=True,
        )
    return RUN_AS


def start_server(*, create_owner: bool = True) -> PostgresServer:
    """A new cluster in a private temporary folder, started, with the application role; stop() and remove it after.

    As root it runs as the `postgres` account, made first (a system account that can log in nowhere) only
    when `create_owner` allows it: the tests do, `kiosk bench` on a clinic PC does not.
    """
    folders = server_programs()
    if not folders:
        raise ServerUnavailable(
            "PostgreSQL's initdb and pg_ctl were not found on PATH or in /usr/lib/postgresql/*/bin "
            "(Debian: apt-get install postgresql)"
        )
    run_as = _owner_for_root(create_owner) if os.geteuid() == 0 else None
    # Not under pytest's tmp folders: /tmp/pytest-of-root is closed to the cluster's owner.
    folder = Path(tempfile.mkdtemp(prefix="kiosk-postgres-"))
    server = PostgresServer(bin=folders[0], folder=folder, run_as=run_as)
    try:
        server.init()
        server.start()
        server.admin(f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{server.password}'")
    except (ServerUnavailable, OSError, subprocess.SubprocessError) as exc:
        with contextlib.suppress(ServerUnavailable, OSError, subprocess.SubprocessError):
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
        raise ServerUnavailable(f"no throw-away PostgreSQL server could be started: {exc}") from exc
    return server
