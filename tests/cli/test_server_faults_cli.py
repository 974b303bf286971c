"""Every command that uses a PostgreSQL database names the server's problem in one sentence: a stopped server,
a wrong password, a database that does not exist. The real CLI, a real server and a real closed port."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from kiosk.cli.main import main
from tests.postgres_server import PostgresServer

SECRET = "not-the-password-4u"
VERBS = [
    ("db", "check"),
    ("db", "upgrade"),
    ("db", "purge", "--dry-run"),
    ("audit", "verify"),
    ("user", "list"),
    ("export", "--out", "OUT"),
    ("demo-data", "--count", "3"),
]


def closed_port() -> int:
    with socket.socket() as probe:  # bound and closed again: nothing listens there now
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write(config: Path, url: str) -> None:
    outbox = config.with_name("outbox.sqlite3")
    config.write_text(f'[database]\nurl = "{url}"\noutbox_path = "{outbox.as_posix()}"\n', encoding="utf-8")
    config.chmod(0o600)


def run(config: Path, capsys: pytest.CaptureFixture[str], verb: tuple[str, ...]) -> tuple[int, str]:
    words = [str(config.with_name("out.csv")) if word == "OUT" else word for word in verb]
    capsys.readouterr()
    code = main(["--config", str(config), *words])
    out, err = capsys.readouterr()
    return code, out + err


def assert_one_sentence(shown: str) -> None:
    assert "Traceback" not in shown and "fault in the kiosk program" not in shown, shown
    assert SECRET not in shown, shown
    assert len([line for line in shown.splitlines() if line.startswith("kiosk:")]) == 1, shown


@pytest.mark.parametrize("verb", VERBS, ids=lambda verb: " ".join(verb))
def test_a_server_that_is_not_there_is_named_with_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], verb: tuple[str, ...]
) -> None:
    config = tmp_path / "kiosk.toml"
    port = closed_port()
    write(config, f"postgresql+psycopg://kiosk:{SECRET}@127.0.0.1:{port}/kiosk")
    code, shown = run(config, capsys, verb)
    assert code == 2, shown
    assert_one_sentence(shown)
    assert f"127.0.0.1:{port}" in shown and "cannot be reached" in shown, shown


@pytest.mark.parametrize("verb", [("db", "check"), ("audit", "verify"), ("export", "--out", "OUT")])
def test_a_wrong_password_is_named_as_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], postgres_server: PostgresServer, verb: tuple[str, ...]
) -> None:
    config = tmp_path / "kiosk.toml"
    url = make_url(postgres_server.url("postgres")).set(password=SECRET)
    write(config, url.render_as_string(hide_password=False))
    code, shown = run(config, capsys, verb)
    assert code == 2, shown
    assert_one_sentence(shown)
    assert "refused the user name or password" in shown, shown
    assert "database.url" in shown
