"""`kiosk db` as clinic IT types it, against a real encrypted database file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.cli.main import main
from kiosk.services.requests import submit_request
from kiosk.storage.backup import backup_to, key_of
from kiosk.storage.database import Database
from tests import encrypted_files
from tests.services import factories
from tests.storage.test_health import corrupt_middle

# The settings name the test's database file; it exists (encrypted, at the newest schema) before the command runs.
pytestmark = pytest.mark.usefixtures("database")

VERBS = [
    ["db"],
    ["db", "upgrade"],
    ["db", "check"],
    ["db", "backup"],
    ["db", "restore"],
    ["db", "purge"],
    ["db", "rekey"],
    ["db", "encrypt"],
]


def kiosk(settings_file: Path, *args: str) -> int:
    return main(["--config", str(settings_file), *args])


@pytest.mark.parametrize("verb", VERBS, ids=" ".join)
def test_every_db_verb_has_help(verb: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*verb, "--help"])
    assert exit_info.value.code == 0
    assert "usage: kiosk db" in capsys.readouterr().out


def test_restore_help_says_to_stop_the_kiosks_first(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["db", "restore", "--help"])
    assert "Stop every kiosk and console" in " ".join(capsys.readouterr().out.split())


def test_check_reports_a_sound_database(settings_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert kiosk(settings_file, "db", "check") == 0
    assert kiosk(settings_file, "db", "check", "--full") == 0
    out = capsys.readouterr().out
    assert "database OK: quick_check found no problems" in out
    assert "database OK: integrity_check found no problems" in out
    assert "newest backup: none yet" in out


def test_check_lists_damage_and_exits_1(
    settings_file: Path, database: Database, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(300):
        submit_request(database, factories.appointment(), "kiosk-1")
    database.close()
    corrupt_middle(database_file)

    assert kiosk(settings_file, "db", "check") == 1
    out = capsys.readouterr().out
    assert "problem: " in out
    assert "database damaged: quick_check found" in out and "`kiosk db restore FILE`" in out


def test_backup_then_restore(
    settings_file: Path, database: Database, database_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    receipt = submit_request(database, factories.appointment(), "kiosk-1")
    out_file = tmp_path / "usb" / "copy.sqlite3"
    out_file.parent.mkdir()  # a folder named with --out must exist: backup makes only its own backups folder

    assert kiosk(settings_file, "db", "backup", "--out", str(out_file)) == 0
    assert f"backup saved to {out_file}" in capsys.readouterr().out
    later = submit_request(database, factories.follow_up(), "kiosk-1")
    database.close()

    assert kiosk(settings_file, "db", "restore", str(out_file)) == 0
    out = capsys.readouterr().out
    assert f"database restored from {out_file}" in out
    connection = encrypted_files.connect(database_file)
    try:
        references = {row[0] for row in connection.execute("SELECT reference FROM patient_requests")}
    finally:
        connection.close()
    assert references == {receipt.reference}
    assert later.reference not in references


def test_backup_without_out_goes_to_the_backup_folder(
    settings_file: Path, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kiosk(settings_file, "db", "backup") == 0
    [saved] = (database_file.parent / "backups").glob("kiosk-manual-*.sqlite3")
    assert f"backup saved to {saved}" in capsys.readouterr().out


def test_restore_of_a_corrupt_file_is_one_sentence_and_exit_2(
    settings_file: Path, database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(300):
        submit_request(database, factories.appointment(), "kiosk-1")
    bad = backup_to(database, tmp_path / "bad.sqlite3", key_of(database))
    corrupt_middle(bad)
    database.close()

    assert kiosk(settings_file, "db", "restore", str(bad)) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"kiosk: The file {bad} fails SQLite's integrity check (")


def test_purge_dry_run_then_purge(settings_file: Path, database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=500)
    request = factories.appointment()
    submit_request(database, request, "kiosk-1", now=old)
    submit_request(database, factories.appointment(), "kiosk-1", now=old)  # still open
    with database.transaction() as session:
        session.connection().exec_driver_sql(
            "UPDATE patient_requests SET status = 'closed', status_changed_at = created_at WHERE id = ?",
            (str(request.request_id),),
        )

    assert kiosk(settings_file, "db", "purge", "--dry-run") == 0
    assert kiosk(settings_file, "db", "purge", "--older-than", "400") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "1 closed requests were closed more than 365 days ago and would be removed (dry run)",
        "removed 1 closed requests closed more than 400 days ago; open requests are kept",
    ]


def test_purge_refuses_a_nonsense_number_of_days(settings_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        kiosk(settings_file, "db", "purge", "--older-than", "0")
    assert exit_info.value.code == 2
    assert "not a whole number of days of 1 or more" in capsys.readouterr().err


def test_upgrade_on_a_current_database_does_nothing(settings_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert kiosk(settings_file, "db", "upgrade") == 0
    assert "already at the newest layout" in capsys.readouterr().out


def test_a_missing_database_is_one_sentence(
    write_settings: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "kiosk.sqlite3"
    settings = write_settings(f'[database]\nurl = "sqlite:///{missing.as_posix()}"\n', name="other.toml")

    assert kiosk(settings, "db", "check") == 2
    assert capsys.readouterr().err.startswith(f"kiosk: The database {missing} does not exist")
    assert not missing.exists()
