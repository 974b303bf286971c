"""PostgreSQL over the network is encrypted, and its password stays private: the real CLI with a real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli.main import main
from kiosk.ops import qt_probe
from kiosk.storage.database import Database
from tests.cli.test_doctor_cmd import DESKTOP
from tests.postgres_server import PostgresServer

SECRET = "Tr0ub4dor-and-3"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(qt_probe, "probe_qt", lambda: DESKTOP)
    return tmp_path / "kiosk.toml"


def write(config: Path, url: str, mode: int = 0o600) -> None:
    outbox = config.with_name("outbox.sqlite3")
    config.write_text(f'[database]\nurl = "{url}"\noutbox_path = "{outbox.as_posix()}"\n', encoding="utf-8")
    config.chmod(mode)


def kiosk(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--config", str(config), *args])
    out, err = capsys.readouterr()
    return code, out, err


def doctor(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, dict[str, str]], str]:
    _, out, err = kiosk(config, capsys, "doctor", "--json")
    return {check["name"]: check for check in json.loads(out)["checks"]}, out + err


def test_doctor_reports_the_connections_tls(
    config: Path, pg_database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    write(config, pg_database.engine.url.render_as_string(hide_password=False).replace("?sslmode=require", ""))
    checks, _ = doctor(config, capsys)
    tls = checks["database tls"]
    assert tls["status"] == "OK", tls
    assert tls["message"].startswith("encrypted with TLSv1.") and tls["message"].endswith("sslmode=require")


def test_a_server_with_ssl_off_is_refused_with_one_sentence(
    config: Path, server_without_tls: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write(config, server_without_tls.url("postgres"))
    checks, shown = doctor(config, capsys)
    assert checks["database tls"]["status"] == "FAIL"
    assert checks["database tls"]["message"] == (
        f"the PostgreSQL server at 127.0.0.1:{server_without_tls.port} does not offer TLS (ssl = off), so the "
        "kiosk refuses to send patients' data to it unencrypted"
    )
    assert checks["database"]["message"] == checks["database tls"]["message"]  # not "cannot be reached"
    assert server_without_tls.password not in shown
    code, out, err = kiosk(config, capsys, "user", "list")
    assert code == 2 and out == ""
    said = err.splitlines()[-1]  # after the log's one line naming the error class, never a traceback
    assert said.startswith("kiosk: The PostgreSQL server does not offer TLS (ssl = off), so the kiosk refuses")
    assert "Traceback" not in err and server_without_tls.password not in err


def test_turning_tls_off_for_a_server_elsewhere_is_refused(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(config, f"postgresql+psycopg://kiosk:{SECRET}@db.clinic.lan/kiosk?sslmode=disable")
    code, out, err = kiosk(config, capsys, "user", "list")
    assert code == 2 and out == ""
    assert err.startswith("kiosk: database.url turns TLS off (sslmode=disable) for the server db.clinic.lan")
    assert err.count("\n") == 1 and SECRET not in err
    checks, shown = doctor(config, capsys)
    assert checks["database"]["status"] == "FAIL" and "turns TLS off" in checks["database"]["message"]
    assert SECRET not in shown


@pytest.mark.parametrize(
    "secret",
    [SECRET, "two words", "x" * 200 + "-middle-" + "y" * 200, "at@sign"],
    ids=["plain", "space", "long", "at-sign"],
)
def test_a_bad_url_scheme_never_echoes_the_password(
    config: Path, capsys: pytest.CaptureFixture[str], secret: str
) -> None:
    write(config, f"mysql://root:{secret}@db.clinic.lan/kiosk")
    code, out, err = kiosk(config, capsys, "user", "list")
    assert code == 2
    assert "setting database.url = 'mysql://root:***@db.clinic.lan/kiosk' is not allowed" in err
    checks, shown = doctor(config, capsys)
    assert checks["settings"]["status"] == "FAIL"
    for part in {secret, secret[:20], secret[-20:], "middle"}:
        assert part not in out + err + shown


def test_a_settings_file_others_can_read_is_refused_while_it_holds_a_password(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(config, f"postgresql+psycopg://kiosk:{SECRET}@db.clinic.lan/kiosk", mode=0o644)
    code, out, err = kiosk(config, capsys, "user", "list")
    assert code == 2
    assert err == (
        f"kiosk: The settings file {config} holds the database password in database.url and other accounts can "
        f"read it (mode 644), so the kiosk refuses it: run `chmod 600 {config}` as its owner (the kiosk's account) "
        "and change the password on the server if others may have read it, or move the password to the kiosk "
        "account's ~/.pgpass file.\n"
    )
    checks, shown = doctor(config, capsys)
    assert checks["settings"]["status"] == "FAIL" and "chmod 600" in checks["settings"]["fix"]
    assert SECRET not in out + err + shown
    config.chmod(0o640)  # a group is other accounts too
    assert kiosk(config, capsys, "user", "list")[0] == 2
    write(config, "postgresql+psycopg://kiosk@db.clinic.lan/kiosk", mode=0o644)  # the password in ~/.pgpass
    assert doctor(config, capsys)[0]["settings"]["status"] == "OK"


def test_the_local_opt_out_works_and_doctor_says_it_is_not_encrypted(
    config: Path, pg_database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_database.engine.url.set(query={"sslmode": "disable"})  # the server is on this PC (127.0.0.1)
    write(config, url.render_as_string(hide_password=False))
    checks, _ = doctor(config, capsys)
    assert checks["database"]["status"] == "OK"
    assert checks["database tls"] == {
        "name": "database tls",
        "status": "WARN",
        "message": "not encrypted: database.url opts out (sslmode=disable) for a server on this PC",
        "fix": "remove sslmode from database.url once the server has a certificate",
    }
