"""Issue 18, class 7, from outside: the audit trail covers every release of the data and cannot be quietly cut.

Each test attacks a real encrypted installation in tmp_path through the real CLI, the way someone
holding the key file (and the sqlcipher tool) or a hurried IT person would.
"""

from __future__ import annotations

import json
import os
import pwd
import socket
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.cli.main import main
from kiosk.config.loader import load_settings
from kiosk.domain.audit import AuditAction, AuditFields, HashVersion, row_hash
from kiosk.domain.staff import Actor, Role
from kiosk.i18n.strings import available_languages
from kiosk.ops import qt_probe
from kiosk.ops.qt_probe import QtReport
from kiosk.services import audit_head
from kiosk.services.audit import record_for
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.keys import KeyFile, is_plain_sqlite, open_configured_database
from kiosk.storage.migrations import upgrade_to_head
from kiosk.storage.models import AuditEntry, RequestRecord
from tests import encrypted_files
from tests.services import factories

# The settings name the test's database file; it exists (encrypted, at the newest schema) before the command runs.
pytestmark = pytest.mark.usefixtures("database")

ALICE = Actor("alice", Role.RECEPTION, "front-desk-1")
# A healthy desktop as the Qt probe reports it, so `kiosk doctor` needs no Qt child process here.
DESKTOP = QtReport(
    platform="xcb",
    qt_version="6",
    screen=(1920, 1080),
    kiosk_font="Noto Sans",
    kiosk_font_covers=True,
    fonts_with_vietnamese=["Noto Sans"],
    keyboard_plugin=True,
    speech_locales={"speechd": ["en_US"]},
    audio_outputs=["Built-in Audio Analog Stereo"],
)
# What a disk that fills up (or any write failure) does to the audit insert, on demand.
_AUDIT_FAILS = (
    "CREATE TRIGGER test_audit_fails BEFORE INSERT ON audit_log "
    "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
)


def kiosk(settings_file: Path, *args: str) -> int:
    return main(["--config", str(settings_file), *args])


def _history(database: Database, rows: int = 5) -> None:
    with database.transaction() as session:
        for _ in range(rows):
            record_for(session, ALICE, AuditAction.VIEW_REQUEST, target="x")


def _as_forger(database_file: Path, *statements: str) -> None:
    """The sqlcipher tool with the key file: drop the guards, change the trail, put the guards back."""
    connection = encrypted_files.connect(database_file)
    try:
        guards = connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        ).fetchall()
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("DROP TRIGGER audit_log_no_delete")
        for statement in statements:
            connection.execute(statement)
        for (sql,) in guards:
            connection.execute(sql)
        connection.commit()
    finally:
        connection.close()


def _run_sql(database_file: Path, statement: str) -> None:
    connection = encrypted_files.connect(database_file)
    try:
        connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def _trail(database_file: Path) -> list[AuditEntry]:
    database = encrypted_files.open_again(database_file)
    try:
        with database.read() as session:
            return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    finally:
        database.close()


def _problems(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("problem: ")]


def test_deleting_the_last_rows_verifies_as_cut(
    settings_file: Path, database: Database, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _history(database)
    head_file = audit_head.head_file(database.engine)
    assert head_file is not None
    assert stat.S_IMODE(head_file.stat().st_mode) == 0o600
    _as_forger(database_file, "DELETE FROM audit_log WHERE id > 3")

    assert kiosk(settings_file, "audit", "verify") == 1

    assert _problems(capsys) == [
        "problem: the trail was cut: rows 4 to 5 were written and are gone (the end of the trail was deleted)"
    ]


def test_pointing_the_head_file_at_an_older_row_needs_the_key(
    settings_file: Path, database: Database, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _history(database)
    rows = _trail(database_file)
    head_file = audit_head.head_file(database.engine)
    assert head_file is not None
    _as_forger(database_file, "DELETE FROM audit_log WHERE id > 3")
    document = json.loads(head_file.read_text())
    document.update(last_id=3, last_hash=rows[2].row_hash)  # the seal cannot be recomputed without the key
    head_file.write_text(json.dumps(document))

    assert kiosk(settings_file, "audit", "verify") == 1

    assert any("was changed by hand" in line for line in _problems(capsys))


def test_a_last_row_edited_and_resealed_with_sha256_is_found(
    settings_file: Path, database: Database, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The old chain was plain SHA-256: whoever edited the newest row could simply recompute its hash."""
    _history(database)
    last = _trail(database_file)[-1]
    assert last.hash_version == HashVersion.KEYED
    forged = AuditFields(last.at, "mallory", last.workstation, last.action, last.target, last.outcome, last.detail)
    for version in (HashVersion.LEGACY, HashVersion.PLAIN, HashVersion.KEYED):
        # KEYED with a guessed key: the key derived from the database key is not the database key itself.
        seal = row_hash(last.id, forged, last.prev_hash, version, encrypted_files.key_of(database_file))
        _as_forger(
            database_file,
            f"UPDATE audit_log SET actor = 'mallory', row_hash = '{seal}', hash_version = {int(version)} "
            f"WHERE id = {last.id}",
        )

        assert kiosk(settings_file, "audit", "verify") == 1

        problems = _problems(capsys)
        assert problems, version
        assert all(f"row {last.id} " in problem for problem in problems), problems


def test_rows_with_ids_of_zero_or_less_are_reported(
    settings_file: Path, database: Database, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _history(database, rows=2)
    _run_sql(
        database_file,
        "INSERT INTO audit_log (id, at, actor, workstation, action, target, outcome, detail, prev_hash, row_hash) "
        f"VALUES (-1, '2025-01-01 00:00:00', 'mallory', 'x', 'login', '', 'ok', '', '{'0' * 64}', '{'0' * 64}')",
    )

    assert kiosk(settings_file, "audit", "verify") == 1

    assert _problems(capsys) == [
        "problem: 1 row has an id of 0 or less, which the kiosk never writes (added behind its back)"
    ]


def test_a_dropped_guard_trigger_is_reported(
    settings_file: Path, database: Database, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _history(database, rows=2)
    _run_sql(database_file, "DROP TRIGGER audit_log_no_delete")

    assert kiosk(settings_file, "audit", "verify") == 1

    assert _problems(capsys) == [
        "problem: the database trigger audit_log_no_delete, which stops audit_log rows being changed, was removed"
    ]


def test_doctor_fails_on_a_cut_trail_and_a_dropped_guard(
    settings_file: Path,
    database: Database,
    database_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(qt_probe, "probe_qt", lambda: DESKTOP)
    _history(database)

    def audit_trail() -> dict[str, str]:
        capsys.readouterr()
        kiosk(settings_file, "doctor", "--json")
        checks: dict[str, dict[str, str]] = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
        return checks["audit trail"]

    assert audit_trail()["status"] == "OK"
    _as_forger(database_file, "DELETE FROM audit_log WHERE id > 3")
    cut = audit_trail()
    assert (cut["status"], cut["message"]) == (
        "FAIL",
        "the trail was cut: rows 4 to 5 were written and are gone (the end of the trail was deleted)",
    )
    assert "kiosk audit verify" in cut["fix"]
    _run_sql(database_file, "DROP TRIGGER audit_log_no_update")
    assert audit_trail()["message"].startswith("the database trigger audit_log_no_update, which stops audit_log")
    assert kiosk(settings_file, "doctor") == 1


def test_the_cli_actor_is_the_os_account_and_the_host_not_user(
    settings_file: Path, database: Database, database_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.setenv(variable, "mallory")

    assert kiosk(settings_file, "db", "purge", "--older-than", "400") == 0

    purge = [entry for entry in _trail(database_file) if entry.action == AuditAction.PURGE]
    assert purge
    assert {(entry.actor, entry.workstation) for entry in purge} == {
        (f"cli:{pwd.getpwuid(os.getuid()).pw_name}", socket.gethostname())
    }


def test_rekey_is_audited_first_and_the_trail_still_verifies_under_the_new_key(
    settings_file: Path, database: Database, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _history(database, rows=3)
    database.close()
    old_key = encrypted_files.key_of(database_file)

    assert kiosk(settings_file, "db", "rekey") == 0
    assert encrypted_files.key_of(database_file) != old_key
    reopened = encrypted_files.open_again(database_file)
    try:
        _history(reopened, rows=2)
    finally:
        reopened.close()

    assert kiosk(settings_file, "audit", "verify") == 0
    assert "audit trail intact: 6 rows checked" in capsys.readouterr().out
    assert [entry.action for entry in _trail(database_file)][3] == AuditAction.REKEY


def test_restore_is_audited_on_both_sides_and_the_trail_verifies(
    settings_file: Path, database: Database, database_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _history(database, rows=3)
    backup = tmp_path / "saved.sqlite3"
    assert kiosk(settings_file, "db", "backup", "--out", str(backup)) == 0
    _history(database, rows=4)
    database.close()

    assert kiosk(settings_file, "db", "restore", str(backup)) == 0

    assert kiosk(settings_file, "audit", "verify") == 0
    restored = _trail(database_file)
    assert restored[-1].action == AuditAction.RESTORE
    assert restored[-1].detail == "from saved.sqlite3"
    kept = next((tmp_path / "backups").glob("kiosk-before-restore-*"))
    assert encrypted_files.connect(kept, key=encrypted_files.key_of(database_file)).execute(
        "SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone() == ("restore", "replaced by saved.sqlite3")


def test_no_audit_row_means_no_purge(
    settings_file: Path, database: Database, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = factories.appointment()
    submit_request(database, request, "kiosk-1")
    _run_sql(database_file, "UPDATE patient_requests SET status = 'closed', status_changed_at = '2000-01-01 00:00:00'")
    _run_sql(database_file, _AUDIT_FAILS)

    assert kiosk(settings_file, "db", "purge", "--older-than", "30") == 2

    err = capsys.readouterr().err
    assert err.startswith("kiosk: Nothing was done: the audit trail could not record the purge")
    assert err.count("\n") == 1 and "Traceback" not in err
    with database.read() as session:
        assert session.scalar(select(RequestRecord.id)) == str(request.request_id)


def test_a_purge_whose_batch_cannot_be_audited_stops_with_a_sentence(
    settings_file: Path, database: Database, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = factories.appointment()
    submit_request(database, request, "kiosk-1")
    _run_sql(database_file, "UPDATE patient_requests SET status = 'closed', status_changed_at = '2000-01-01 00:00:00'")
    # Who asked is recorded; the disk fills before the batch's own row (deleted requests and their count).
    _run_sql(
        database_file,
        "CREATE TRIGGER test_batch_fails BEFORE INSERT ON audit_log WHEN NEW.detail LIKE '%requests closed%' "
        "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END",
    )

    assert kiosk(settings_file, "db", "purge", "--older-than", "30") == 2

    err = capsys.readouterr().err
    assert err.startswith("kiosk: The purge stopped (")
    assert err.count("\n") == 1 and "Traceback" not in err
    with database.read() as session:
        assert session.scalar(select(RequestRecord.id)) == str(request.request_id)
    assert [entry.detail for entry in _trail(database_file)][-1] == "closed more than 30 days ago"


def test_no_audit_row_means_no_rekey(
    settings_file: Path, database: Database, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database.close()
    old_key = encrypted_files.key_of(database_file)
    _run_sql(database_file, _AUDIT_FAILS)

    assert kiosk(settings_file, "db", "rekey") == 2

    assert capsys.readouterr().err.startswith("kiosk: Nothing was done: the audit trail could not record the rekey")
    assert encrypted_files.key_of(database_file) == old_key
    encrypted_files.open_again(database_file).close()  # still opens with the key it had


def test_no_audit_row_means_no_restore(
    settings_file: Path, database: Database, database_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "saved.sqlite3"
    assert kiosk(settings_file, "db", "backup", "--out", str(backup)) == 0
    database.close()
    _run_sql(database_file, _AUDIT_FAILS)
    capsys.readouterr()

    assert kiosk(settings_file, "db", "restore", str(backup)) == 2

    assert capsys.readouterr().err.startswith("kiosk: Nothing was done: the audit trail could not record the restore")
    triggers = encrypted_files.connect(database_file).execute(
        "SELECT name FROM sqlite_master WHERE name = 'test_audit_fails'"
    )
    assert triggers.fetchall() == [("test_audit_fails",)]  # the same database, not the backup


def test_no_audit_row_means_no_encrypt(
    write_settings: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain_file = tmp_path / "plain.sqlite3"
    plain = Database.open(f"sqlite:///{plain_file}")
    upgrade_to_head(plain.engine)
    plain.close()
    _run_sql(plain_file, _AUDIT_FAILS)
    settings = write_settings(f'[database]\nurl = "sqlite:///{plain_file.as_posix()}"\n')

    assert kiosk(settings, "db", "encrypt") == 2

    assert capsys.readouterr().err.startswith("kiosk: Nothing was done: the audit trail could not record the encrypt")
    assert is_plain_sqlite(plain_file)
    assert not list(tmp_path.glob("plain.sqlite3.plain-backup-*"))


def test_encrypt_is_audited_first_and_the_trail_carries_on_sealed(
    write_settings: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain_file = tmp_path / "plain.sqlite3"
    plain = Database.open(f"sqlite:///{plain_file}")
    upgrade_to_head(plain.engine)
    _history(plain, rows=2)
    plain.close()
    settings = write_settings(f'[database]\nurl = "sqlite:///{plain_file.as_posix()}"\n')

    assert kiosk(settings, "db", "encrypt") == 0
    assert kiosk(settings, "audit", "verify") == 0  # before any sealed row: the plain trail's head still holds
    encrypted = encrypted_files.open_again(plain_file)
    try:
        _history(encrypted, rows=2)
    finally:
        encrypted.close()

    assert kiosk(settings, "audit", "verify") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "audit trail intact: 5 rows checked"
    trail = _trail(plain_file)
    assert [(entry.action, entry.hash_version) for entry in trail[2:]] == [
        (AuditAction.ENCRYPT, HashVersion.PLAIN),
        (AuditAction.VIEW_REQUEST, HashVersion.KEYED),
        (AuditAction.VIEW_REQUEST, HashVersion.KEYED),
    ]


def test_with_a_chosen_key_file_the_head_sits_beside_it_for_every_account(
    write_settings: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data, key_file = tmp_path / "data" / "kiosk.sqlite3", tmp_path / "secrets" / "kiosk.key"
    text = f'[database]\nurl = "sqlite:///{data.as_posix()}"\nkey_file = "{key_file.as_posix()}"\n'
    settings = write_settings(text)
    database = open_configured_database(load_settings(str(settings), available_languages())[0], create_if_missing=True)
    upgrade_to_head(database.engine)
    _history(database)
    database.close()
    assert (key_file.parent / "kiosk.key.audit-head").is_file()

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "another account's data"))  # IT's own account
    assert kiosk(settings, "audit", "verify") == 0
    connection = encrypted_files.connect(data, key=KeyFile(key_file).load())
    guards = connection.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'audit_log' AND type = 'trigger'")
    saved = [sql for (sql,) in guards]
    connection.execute("DROP TRIGGER audit_log_no_delete")
    connection.execute("DELETE FROM audit_log WHERE id = 5")
    connection.execute(saved[1])
    connection.commit()
    connection.close()
    capsys.readouterr()

    assert kiosk(settings, "audit", "verify") == 1
    assert _problems(capsys) == [
        "problem: the trail was cut: rows 5 to 5 were written and are gone (the end of the trail was deleted)"
    ]
