"""`kiosk audit verify` and `kiosk export` as clinic IT types them, against a real database file."""

from __future__ import annotations

import csv
import datetime as dt
import getpass
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.cli.main import main
from kiosk.domain.audit import AuditAction
from kiosk.domain.requests import PatientRequest
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.audit import record_for
from kiosk.services.casework import change_status
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry
from tests import encrypted_files
from tests.services import factories

# The settings name the test's database file; it exists (encrypted, at the newest schema) before the command runs.
pytestmark = pytest.mark.usefixtures("database")

ALICE = Actor("alice", Role.RECEPTION, "front-desk-1")
MONDAY = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def _kiosk(settings_file: Path, *args: str) -> int:
    return main(["--config", str(settings_file), *args])


def _some_history(database: Database) -> list[str]:
    references = []
    requests: list[PatientRequest] = [factories.appointment(), factories.urgent_follow_up(), factories.follow_up()]
    for hours, request in enumerate(requests):
        references.append(submit_request(database, request, "kiosk-1", now=MONDAY + dt.timedelta(days=hours)).reference)
    change_status(database, str(request.request_id), RequestStatus.CLOSED, expected_version=1, actor=ALICE)
    with database.transaction() as session:
        record_for(session, ALICE, AuditAction.LOGIN)
        record_for(session, ALICE, AuditAction.LOGOUT)
    return references


def test_verify_reports_an_intact_trail(
    settings_file: Path, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _some_history(database)
    assert _kiosk(settings_file, "audit", "verify") == 0
    assert capsys.readouterr().out == "audit trail intact: 3 rows checked\n"


def test_verify_names_each_problem_and_exits_1(
    settings_file: Path, database: Database, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _some_history(database)
    with database.transaction() as session:
        for _ in range(3):
            record_for(session, ALICE, AuditAction.VIEW_REQUEST, target="x")
    connection = encrypted_files.connect(database_file)
    connection.execute("DROP TRIGGER audit_log_no_update")
    connection.execute("DROP TRIGGER audit_log_no_delete")
    connection.execute("UPDATE audit_log SET actor = 'bob' WHERE id = 2")
    connection.execute("DELETE FROM audit_log WHERE id = 4")
    connection.commit()
    connection.close()

    assert _kiosk(settings_file, "audit", "verify") == 1

    lines = capsys.readouterr().out.splitlines()
    assert lines[:-1] == [
        "problem: the database trigger audit_log_no_update, which stops audit_log rows being changed, was removed",
        "problem: the database trigger audit_log_no_delete, which stops audit_log rows being changed, was removed",
        "problem: row 2 was changed after it was written",
        "problem: rows 4 to 4 are missing",
        "problem: row 5 does not follow the row before it (a row was removed or changed)",
    ]
    assert lines[-1].startswith("audit trail damaged: 5 problems in 5 rows checked; keep a copy of the database")


def test_verify_without_a_database_file_is_one_sentence(
    write_settings: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "kiosk.sqlite3"
    settings = write_settings(f'[database]\nurl = "sqlite:///{missing.as_posix()}"\n')

    assert _kiosk(settings, "audit", "verify") == 2

    assert capsys.readouterr().err == (
        f"kiosk: There is no database at {missing.as_posix()}: check database.url in the settings, "
        "or run `kiosk init` to create it.\n"
    )
    assert not missing.exists()


def test_export_writes_the_filtered_requests_and_is_audited_for_the_os_user(
    settings_file: Path, database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _appointment, urgent, _closed = _some_history(database)
    out = tmp_path / "out" / "requests.csv"
    out.parent.mkdir()

    assert _kiosk(settings_file, "export", "--out", str(out)) == 0
    assert capsys.readouterr().out == f"wrote 3 requests to {out}\n"
    assert _kiosk(settings_file, "export", "--out", str(out), "--status", "new", "--type", "follow_up") == 0
    assert capsys.readouterr().out == f"wrote 1 request to {out}\n"

    with out.open(encoding="utf-8-sig", newline="") as stream:
        assert [row["reference"] for row in csv.DictReader(stream)] == [urgent]
    with database.transaction() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert (entry.actor, entry.action, entry.detail) == (f"cli:{getpass.getuser()}", "export", "1 rows")


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--urgent"], 1),
        (["--not-urgent"], 2),
        (["--from", "2025-03-04", "--to", "2025-03-04"], 1),
        (["--status", "new", "--status", "closed"], 3),
    ],
)
def test_export_filters(
    settings_file: Path,
    database: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
    expected: int,
) -> None:
    _some_history(database)
    out = tmp_path / "requests.csv"
    assert _kiosk(settings_file, "export", "--out", str(out), *flags) == 0
    assert capsys.readouterr().out == f"wrote {expected} request{'s' if expected != 1 else ''} to {out}\n"


@pytest.mark.parametrize(
    ("flags", "sentence"),
    [
        (["--from", "3/4/2025"], "kiosk: --from '3/4/2025' is not a date: write it as YYYY-MM-DD, like 2025-03-31.\n"),
        (["--to", "2025-02-30"], "kiosk: --to '2025-02-30' is not a date: write it as YYYY-MM-DD, like 2025-03-31.\n"),
        (
            ["--from", "2025-03-05", "--to", "2025-03-01"],
            "kiosk: --from 2025-03-05 is after --to 2025-03-01: swap them.\n",
        ),
    ],
)
def test_export_bad_dates_are_one_sentence(
    settings_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], sentence: str
) -> None:
    out = tmp_path / "requests.csv"
    assert _kiosk(settings_file, "export", "--out", str(out), *flags) == 2
    assert capsys.readouterr().err == sentence
    assert not out.exists()


def test_export_to_a_missing_folder_is_one_sentence(
    settings_file: Path, database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _some_history(database)
    out = tmp_path / "no such folder" / "requests.csv"

    assert _kiosk(settings_file, "export", "--out", str(out)) == 2

    err = capsys.readouterr().err
    assert err.startswith(f"kiosk: The export could not be saved as {out} (")
    assert err.count("\n") == 1


@pytest.mark.parametrize("verb", [["audit"], ["audit", "verify"], ["export"]], ids=" ".join)
def test_every_verb_has_help(verb: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*verb, "--help"])
    assert exit_info.value.code == 0
    assert "usage: kiosk" in capsys.readouterr().out
