"""`kiosk doctor` as clinic IT runs it: on a real install, then with one thing broken at a time."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk.cli.main import main
from kiosk.ops import qt_probe
from kiosk.ops.qt_probe import QtReport
from kiosk.paths import bundled_content_dir
from kiosk.services.outbox import keep_in_outbox, open_outbox
from kiosk.storage.database import Database
from kiosk.storage.keys import default_key_file, new_key
from kiosk.storage.migrations import alembic_config
from tests import encrypted_files
from tests.postgres_server import PostgresServer, _free_port
from tests.services import factories
from tests.storage.test_health import corrupt_middle

ADMIN_PASSWORD = "violet harbour lamp"
# What a healthy desktop session reports, so the storage tests need no Qt child process each.
DESKTOP = QtReport(
    platform="xcb",
    qt_version="6",
    screen=(1920, 1080),
    kiosk_font="Noto Sans",
    kiosk_font_covers=True,
    fonts_with_vietnamese=["Noto Sans"],
    keyboard_plugin=True,
    speech_locales={"speechd": ["en_US", "es_ES"]},
    audio_outputs=["Built-in Audio Analog Stereo"],
)
Doctor = Callable[..., tuple[int, dict[str, dict[str, str]], str]]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text('[database]\nurl = "sqlite:///kiosk.sqlite3"\n', encoding="utf-8")
    return path


@pytest.fixture
def desktop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qt_probe, "probe_qt", lambda: DESKTOP)


@pytest.fixture
def doctor(config: Path, capsys: pytest.CaptureFixture[str]) -> Doctor:
    """Run `kiosk --config FILE doctor`; returns the exit code, the checks by name (from --json) and the text."""

    def run(*extra: str) -> tuple[int, dict[str, dict[str, str]], str]:
        capsys.readouterr()
        code = main(["--config", str(config), "doctor", "--json", *extra])
        report = json.loads(capsys.readouterr().out)
        assert report["ok"] is (code == 0)
        assert main(["--config", str(config), "doctor"]) == code
        lines = capsys.readouterr().out
        return code, {check["name"]: check for check in report["checks"]}, lines

    return run


@pytest.fixture
def installed(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """`kiosk init` and a first backup, as IT sets a kiosk up: returns the database file."""
    password = tmp_path / "password.txt"
    password.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    kiosk = ["--config", str(config)]
    assert main([*kiosk, "init", "--admin-user", "ada", "--admin-password-file", str(password)]) == 0
    assert main([*kiosk, "db", "backup"]) == 0
    capsys.readouterr()
    return tmp_path / "kiosk.sqlite3"


def _listing(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def test_a_healthy_install_passes_with_the_real_qt_probe(installed: Path, config: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for flag in ([], ["--json"]):
        result = subprocess.run(
            [sys.executable, "-m", "kiosk", "--config", str(config), "doctor", *flag],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    print("\n".join(f"{c['status']:<4} {c['name']}: {c['message']}" for c in report["checks"]))
    assert report["ok"] is True
    statuses = {check["name"]: check["status"] for check in report["checks"]}
    assert set(statuses.values()) <= {"OK", "WARN"}
    for name in ("settings", "database", "encryption key", "migrations", "quick_check", "backup", "keyboard", "fonts"):
        assert statuses[name] == "OK", name
    # Off-screen there is no screen to measure: a warning with the reason, not a failure.
    assert statuses["screen"] == "WARN"
    assert "text-to-speech" in statuses and "qt platform" in statuses and "free disk" in statuses
    assert "sound" in statuses  # OK with a sound output, WARN (the banner still shows) without one


def test_text_lines_say_ok_warn_or_fail_with_the_fix(installed: Path, desktop: None, doctor: Doctor) -> None:
    code, checks, lines = doctor()
    assert code == 0
    assert f"OK   database: SQLite file {installed} " in lines
    assert "OK   migrations: at the newest layout" in lines
    assert lines.splitlines()[-1].endswith("WARN, 0 FAIL")
    assert checks["outbox"]["message"] == "not used: the database is on this PC"
    assert "OK   sound: the urgent chime plays through Built-in Audio Analog Stereo" in lines


def test_invalid_settings_fail_and_the_rest_is_not_checked(config: Path, desktop: None, doctor: Doctor) -> None:
    config.write_text("[idle]\nsoon = 3\n", encoding="utf-8")
    code, checks, _ = doctor()
    assert code == 1
    assert checks["settings"]["status"] == "FAIL"
    assert "soon" in checks["settings"]["message"] + checks["settings"]["fix"]
    assert checks["database"] == {
        "name": "database",
        "status": "FAIL",
        "message": "not checked: settings invalid",
        "fix": "fix the failure above first",
    }
    assert checks["fonts"]["status"] == "OK"  # what needs no settings is still checked


def test_a_missing_database_fails_and_nothing_is_created(tmp_path: Path, desktop: None, doctor: Doctor) -> None:
    before = _listing(tmp_path)
    code, checks, lines = doctor()
    assert code == 1
    assert checks["database"]["message"] == f"there is no database at {tmp_path / 'kiosk.sqlite3'}"
    assert "run `kiosk init`" in checks["database"]["fix"]
    assert checks["encryption key"]["message"] == "not checked: no database"
    assert f"FAIL database: there is no database at {tmp_path / 'kiosk.sqlite3'} — run `kiosk init`" in lines
    assert _listing(tmp_path) == before  # read-only: no database, no key, no backup folder


def test_a_database_url_naming_a_folder_is_one_sentence_not_a_failed_check(
    tmp_path: Path, desktop: None, doctor: Doctor
) -> None:
    (tmp_path / "kiosk.sqlite3").mkdir()  # the settings name it as the database file
    code, checks, lines = doctor()
    assert code == 1
    assert checks["database"]["message"].endswith("is a folder, not a file"), checks["database"]
    assert "set database.url to a file in it" in checks["database"]["fix"]
    assert "the check itself failed" not in lines


def test_a_missing_key_fails_and_is_not_recreated(installed: Path, desktop: None, doctor: Doctor) -> None:
    key = default_key_file(installed)
    key.unlink()
    code, checks, _ = doctor()
    assert code == 1
    assert checks["encryption key"]["status"] == "FAIL"
    assert checks["encryption key"]["message"].startswith(f"no key found for {installed} (tried the key file {key}")
    assert "restore the key file" in checks["encryption key"]["fix"]
    assert checks["database"]["status"] == "FAIL"
    assert checks["migrations"]["message"] == "not checked: no database"
    assert not key.exists()


def test_a_wrong_key_fails(installed: Path, desktop: None, doctor: Doctor) -> None:
    key = default_key_file(installed)
    key.write_text(new_key().hex() + "\n", encoding="ascii")
    code, checks, lines = doctor()
    assert code == 1
    assert checks["encryption key"]["message"] == f"the key in the key file {key} does not open {installed}"
    assert new_key().hex()[:8] not in lines


def test_a_key_others_can_read_fails_with_the_chmod_fix(installed: Path, desktop: None, doctor: Doctor) -> None:
    key = default_key_file(installed)
    key.chmod(0o644)
    code, checks, _ = doctor()
    assert code == 1
    assert f"chmod 600 {key}" in checks["encryption key"]["fix"]


def test_an_older_layout_warns_to_upgrade(installed: Path, desktop: None, doctor: Doctor) -> None:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_revision("head")
    older = head.down_revision
    assert isinstance(older, str)
    database = encrypted_files.open_again(installed)
    with database.transaction() as session:
        session.execute(text("UPDATE alembic_version SET version_num = :old"), {"old": older})
    database.close()
    code, checks, _ = doctor()
    assert code == 0  # a kiosk upgrades itself when it starts
    assert checks["migrations"] == {
        "name": "migrations",
        "status": "WARN",
        "message": f"at layout {older}; this version needs {head.revision}",
        "fix": "run `kiosk db upgrade` (a kiosk also does it when it starts, after a backup)",
    }


def test_a_layout_from_a_newer_version_fails(installed: Path, desktop: None, doctor: Doctor) -> None:
    database = encrypted_files.open_again(installed)
    with database.transaction() as session:
        session.execute(text("UPDATE alembic_version SET version_num = 'f999'"))
    database.close()
    code, checks, _ = doctor()
    assert code == 1
    assert "made by a newer version" in checks["migrations"]["message"]


def test_a_damaged_database_fails_quick_check(
    config: Path, database: Database, database_file: Path, desktop: None, doctor: Doctor
) -> None:
    from kiosk.services.requests import submit_request

    config.write_text(f'[database]\nurl = "sqlite:///{database_file.as_posix()}"\n', encoding="utf-8")
    for _ in range(300):
        submit_request(database, factories.appointment(), "kiosk-1")
    database.close()
    corrupt_middle(database_file)
    code, checks, _ = doctor()
    assert code == 1
    assert checks["quick_check"]["status"] == "FAIL"
    assert "`kiosk db restore FILE`" in checks["quick_check"]["fix"]


def test_bad_content_fails(installed: Path, config: Path, tmp_path: Path, desktop: None, doctor: Doctor) -> None:
    folder = tmp_path / "content"
    shutil.copytree(bundled_content_dir(), folder)
    page = folder / "es" / "sacroiliitis.md"
    page.write_text(page.read_text(encoding="utf-8").replace('related = ["si-joint-injection"]', 'related = ["x"]'))
    config.write_text(config.read_text() + '[content]\nfolder = "content"\n', encoding="utf-8")
    code, checks, _ = doctor()
    assert code == 1
    assert checks["content"]["message"].startswith(f"1 problem(s) in {folder}, first: {page}:")
    assert checks["content"]["fix"] == (
        "run `kiosk content check` to list them, correct each file, then restart the kiosk "
        "(it reads the pages when it starts)"
    )


def test_no_backup_warns(installed: Path, desktop: None, doctor: Doctor) -> None:
    shutil.rmtree(installed.parent / "backups")
    code, checks, _ = doctor()
    assert code == 0
    assert checks["backup"]["status"] == "WARN"
    assert checks["backup"]["message"] == f"no backup yet in {installed.parent / 'backups'}"
    assert "`kiosk db backup`" in checks["backup"]["fix"]


def test_an_old_backup_warns(installed: Path, desktop: None, doctor: Doctor) -> None:
    three_days_ago = (dt.datetime.now() - dt.timedelta(days=3)).timestamp()
    for backup in (installed.parent / "backups").iterdir():
        os.utime(backup, (three_days_ago, three_days_ago))
    code, checks, _ = doctor()
    assert code == 0
    assert checks["backup"]["status"] == "WARN"
    assert checks["backup"]["message"].endswith("is 3 days old")


def test_a_log_folder_that_is_a_file_warns(
    installed: Path, config: Path, tmp_path: Path, desktop: None, doctor: Doctor
) -> None:
    (tmp_path / "logs").write_text("not a folder")
    config.write_text(config.read_text() + '[logging]\nfolder = "logs"\n', encoding="utf-8")
    code, checks, _ = doctor()
    assert code == 0
    assert checks["log folder"]["message"] == f"{tmp_path / 'logs'} is a file, not a folder"


def test_qt_that_cannot_start_fails_without_taking_doctor_down(
    installed: Path, monkeypatch: pytest.MonkeyPatch, doctor: Doctor
) -> None:
    # A real child process asked for a platform plugin that does not exist: Qt aborts it, not the doctor.
    monkeypatch.setenv("QT_QPA_PLATFORM", "no-such-plugin")
    report = qt_probe.probe_qt()
    assert report.platform is None
    assert "no-such-plugin" in report.error
    assert report.kiosk_font  # fonts were still checked, off-screen
    monkeypatch.setattr(qt_probe, "probe_qt", lambda: report)
    code, checks, _ = doctor()
    assert code == 1
    assert checks["qt platform"]["status"] == "FAIL"
    assert checks["qt platform"]["message"].startswith("Qt could not start its 'no-such-plugin' platform plugin (")
    assert checks["screen"]["status"] == "FAIL"
    assert checks["fonts"]["status"] == "OK"


# -- PostgreSQL ------------------------------------------------------------------------------------------------
def _server_settings(config: Path, url: str, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.sqlite3"
    config.write_text(f'[database]\nurl = "{url}"\noutbox_path = "{outbox.as_posix()}"\n', encoding="utf-8")
    config.chmod(0o600)  # it holds the server's password: a file others can read is refused


@pytest.fixture
def pg_settings(config: Path, tmp_path: Path, pg_database: Database) -> Iterator[str]:
    url = pg_database.engine.url.render_as_string(hide_password=False)
    _server_settings(config, url, tmp_path)
    yield url


def test_a_healthy_server_database_passes(pg_settings: str, desktop: None, doctor: Doctor) -> None:
    code, checks, lines = doctor()
    assert code == 0, lines
    assert checks["database"]["status"] == "OK"
    assert checks["migrations"]["status"] == "OK"
    assert checks["backup"]["message"] == "backups are the server's job (pg_dump)"
    assert checks["outbox"]["status"] == "OK"


def test_a_wrong_server_password_is_named_and_never_shown(
    config: Path, tmp_path: Path, postgres_server: PostgresServer, desktop: None, doctor: Doctor
) -> None:
    url = postgres_server.url("postgres").replace(postgres_server.password, "not-the-password-4821")
    _server_settings(config, url, tmp_path)
    code, checks, lines = doctor()
    assert code == 1
    assert checks["database"]["message"] == (
        f"the server at 127.0.0.1:{postgres_server.port} refused the user name or password"
    )
    assert "not-the-password-4821" not in lines + json.dumps(checks)


def test_an_unreachable_server_fails_and_the_outbox_backlog_warns(
    config: Path, tmp_path: Path, desktop: None, doctor: Doctor
) -> None:
    port = _free_port()  # nothing listens there
    url = f"postgresql+psycopg://kiosk:s3cret-word@127.0.0.1:{port}/kiosk"
    _server_settings(config, url, tmp_path)
    from kiosk.config.loader import load_settings

    settings, _ = load_settings(str(config))
    outbox = open_outbox(settings)
    for _ in range(2):
        keep_in_outbox(outbox, factories.appointment(), "kiosk-1", dt.datetime.now(dt.UTC))
    outbox.close()
    code, checks, lines = doctor()
    assert code == 1
    assert checks["database"]["message"].startswith(
        f"the server postgresql+psycopg://kiosk:***@127.0.0.1:{port}/kiosk cannot be reached"
    )
    assert checks["outbox"] == {
        "name": "outbox",
        "status": "WARN",
        "message": f"2 request(s) waiting in {tmp_path / 'outbox.sqlite3'} for the server",
        "fix": "they are sent when the server can be reached again: fix the database check",
    }
    shown = lines + json.dumps(checks)
    assert "s3cret-word" not in shown
    assert not any(value in shown for value in (factories.FIRST_NAME, factories.LAST_NAME, factories.PHONE))
