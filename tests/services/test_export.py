"""CSV export as an admin gets it: a real file read back, safe cells, the filter applied, the export audited."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.domain.requests import PatientRequest, RequestKind
from kiosk.domain.staff import Actor, PermissionDenied, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services import export
from kiosk.services.casework import change_status
from kiosk.services.export import COLUMNS, ExportError, export_csv
from kiosk.services.queue import QueueFilter
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry
from tests.services import factories

ADMIN = Actor("root", Role.ADMIN, "back-office")
ALICE = Actor("alice", Role.RECEPTION, "front-desk-1")
EVERYTHING = QueueFilter(statuses=frozenset(RequestStatus))
MONDAY = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def _store(database: Database, request: PatientRequest, at: dt.datetime) -> str:
    return submit_request(database, request, "kiosk-1", now=at).reference


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def _audit(database: Database) -> list[AuditEntry]:
    with database.transaction() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_an_admin_gets_every_request_urgent_first_then_oldest(database: Database, tmp_path: Path) -> None:
    old = _store(database, factories.appointment(), MONDAY)
    newer = _store(database, factories.follow_up(), MONDAY + dt.timedelta(hours=2))
    urgent = _store(database, factories.urgent_follow_up(), MONDAY + dt.timedelta(hours=5))
    out = tmp_path / "requests.csv"

    assert export_csv(database, EVERYTHING, out, actor=ADMIN) == 3

    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM that tells Excel it is UTF-8
    with out.open(encoding="utf-8-sig", newline="") as stream:
        assert next(csv.reader(stream)) == list(COLUMNS)
    rows = _read(out)
    assert [row["reference"] for row in rows] == [urgent, old, newer]
    first = rows[0]
    assert first["type"] == "Follow-up"
    assert (first["urgent"], first["status"]) == ("yes", "New")
    assert first["received"] == (MONDAY + dt.timedelta(hours=5)).astimezone().isoformat(timespec="seconds")
    assert (first["first name"], first["last name"]) == (factories.FIRST_NAME, factories.LAST_NAME)
    assert first["date of birth"] == "1961-03-14"
    assert first["phone"] == "'" + factories.PHONE  # starts with +, so a spreadsheet keeps it as text
    assert (first["contact method"], first["contact times"]) == ("Text message", "evening")
    assert first["red flags"] == "fever; leg weakness or numbness"
    assert (first["procedure"], first["procedure date"]) == ("Sacroiliac joint injection", "2025-01-06")
    assert (first["pain before"], first["pain now"], first["relief %"]) == ("8", "3", "60")
    assert (first["relief duration"], first["concerns"]) == ("Days", factories.CONCERNS)
    assert first["next steps"] == "repeat injection; question"
    assert (first["reason"], first["preferred days"]) == ("", "")
    appointment = rows[1]
    assert appointment["reason"] == f"Other: {factories.REASON_OTHER}"
    assert (appointment["preferred days"], appointment["new or existing patient"]) == ("thursday; monday", "New")
    assert (appointment["contact times"], appointment["email"]) == ("afternoon; morning", factories.EMAIL)
    assert appointment["procedure"] == appointment["pain now"] == ""


def test_formula_cells_are_neutralised(database: Database, tmp_path: Path) -> None:
    sneaky = factories.appointment(reason_other='=HYPERLINK("http://evil.example","Open")')
    sneaky = dataclasses.replace(sneaky, contact=dataclasses.replace(sneaky.contact, last_name="@SUM(A1)"))
    _store(database, sneaky, MONDAY)
    _store(database, factories.follow_up(concerns="-2+3 and \t=1"), MONDAY)
    out = tmp_path / "requests.csv"

    export_csv(database, EVERYTHING, out, actor=ADMIN)

    rows = {row["type"]: row for row in _read(out)}
    assert rows["Appointment"]["last name"] == "'@SUM(A1)"
    assert rows["Appointment"]["reason"] == 'Other: =HYPERLINK("http://evil.example","Open")'  # not at the start
    assert rows["Follow-up"]["concerns"] == "'-2+3 and \t=1"
    for row in rows.values():
        assert all(cell[:1] not in "=+-@\t\r" for cell in row.values() if cell)


def test_reception_is_refused_and_the_attempt_is_audited(database: Database, tmp_path: Path) -> None:
    _store(database, factories.appointment(), MONDAY)
    out = tmp_path / "requests.csv"

    with pytest.raises(PermissionDenied, match=r"cannot export requests: ask a clinic admin\."):
        export_csv(database, EVERYTHING, out, actor=ALICE)

    assert not out.exists()
    [entry] = _audit(database)
    assert (entry.actor, entry.action, entry.outcome) == ("alice", "permission_denied", "denied")


def test_reception_may_export_when_the_clinic_allows_it(database: Database) -> None:
    _store(database, factories.appointment(), MONDAY)
    stream = io.StringIO()
    assert export_csv(database, EVERYTHING, stream, actor=ALICE, reception_can_export=True) == 1
    assert [(entry.actor, entry.action) for entry in _audit(database)] == [("alice", "export")]


def test_the_filter_is_respected(database: Database, tmp_path: Path) -> None:
    monday_appointment = _store(database, factories.appointment(), MONDAY)
    monday_follow_up = _store(database, factories.follow_up(), MONDAY + dt.timedelta(minutes=1))
    tuesday_urgent = _store(database, factories.urgent_follow_up(), MONDAY + dt.timedelta(days=1))
    friday = factories.appointment()
    friday_ref = _store(database, friday, MONDAY + dt.timedelta(days=4))
    change_status(database, str(friday.request_id), RequestStatus.CLOSED, expected_version=1, actor=ADMIN)

    def exported(where: QueueFilter) -> list[str]:
        stream = io.StringIO()
        export_csv(database, where, stream, actor=ADMIN)
        stream.seek(0)
        return [row["reference"] for row in csv.DictReader(stream)]

    assert exported(QueueFilter()) == [tuesday_urgent, monday_appointment, monday_follow_up]  # open ones only
    assert exported(EVERYTHING) == [tuesday_urgent, monday_appointment, monday_follow_up, friday_ref]
    assert exported(QueueFilter(statuses=frozenset({RequestStatus.CLOSED}))) == [friday_ref]
    assert exported(dataclasses.replace(EVERYTHING, kinds=frozenset({RequestKind.FOLLOW_UP}))) == [
        tuesday_urgent,
        monday_follow_up,
    ]
    assert exported(dataclasses.replace(EVERYTHING, urgency=True)) == [tuesday_urgent]
    assert exported(dataclasses.replace(EVERYTHING, urgency=False)) == [
        monday_appointment,
        monday_follow_up,
        friday_ref,
    ]
    assert exported(dataclasses.replace(EVERYTHING, search=tuesday_urgent.lower())) == [tuesday_urgent]
    assert exported(dataclasses.replace(EVERYTHING, search="Nobody-Like-This")) == []
    assert len(exported(dataclasses.replace(EVERYTHING, search=factories.LAST_NAME.upper()))) == 4
    local_monday = MONDAY.astimezone().date()
    assert exported(
        dataclasses.replace(EVERYTHING, received_from=local_monday, received_to=local_monday + dt.timedelta(days=1))
    ) == [tuesday_urgent, monday_appointment, monday_follow_up]


def test_the_audit_row_gives_the_row_count_and_no_patient_data(database: Database, tmp_path: Path) -> None:
    for hour in range(3):
        _store(database, factories.follow_up(), MONDAY + dt.timedelta(hours=hour))

    export_csv(database, EVERYTHING, tmp_path / "requests.csv", actor=ADMIN)

    [entry] = _audit(database)
    assert (entry.actor, entry.workstation, entry.action, entry.outcome, entry.detail) == (
        "root",
        "back-office",
        "export",
        "ok",
        "3 rows",
    )
    for value in factories.PATIENT_VALUES:
        assert value not in f"{entry.target} {entry.detail}"


def test_rows_are_read_in_batches_without_losing_or_repeating_one(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Several requests share a second, so the walk must break ties by id.
    references = [_store(database, factories.appointment(), MONDAY + dt.timedelta(minutes=n // 3)) for n in range(10)]
    urgent = _store(database, factories.urgent_follow_up(), MONDAY + dt.timedelta(days=2))
    monkeypatch.setattr(export, "BATCH_SIZE", 3)
    stream = io.StringIO()

    assert export_csv(database, EVERYTHING, stream, actor=ADMIN) == 11

    stream.seek(0)
    got = [row["reference"] for row in csv.DictReader(stream)]
    assert got[0] == urgent
    assert sorted(got[1:]) == sorted(references)
    assert len(set(got)) == 11


def test_an_unwritable_place_is_a_sentence_and_leaves_no_file(database: Database, tmp_path: Path) -> None:
    _store(database, factories.appointment(), MONDAY)
    out = tmp_path / "no such folder" / "requests.csv"

    with pytest.raises(ExportError) as failed:
        export_csv(database, EVERYTHING, out, actor=ADMIN)

    assert str(failed.value).startswith(f"The export could not be saved as {out} (")
    assert "choose a folder you can write to" in str(failed.value)
    assert [(entry.action, entry.outcome) for entry in _audit(database)] == [("export", "failed")]


def test_a_failed_export_keeps_the_previous_file_whole(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for hour in range(5):
        _store(database, factories.appointment(), MONDAY + dt.timedelta(hours=hour))
    out = tmp_path / "requests.csv"
    out.write_text("last week's export\n", encoding="utf-8")
    cells = export._cells
    written = 0

    def disk_fills_up(record: object) -> list[str]:
        nonlocal written
        written += 1
        if written == 3:
            raise OSError(28, "No space left on device")
        return cells(record)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "_cells", disk_fills_up)

    with pytest.raises(ExportError, match="No space left on device"):
        export_csv(database, EVERYTHING, out, actor=ADMIN)

    assert out.read_text(encoding="utf-8") == "last week's export\n"
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".part")] == []
