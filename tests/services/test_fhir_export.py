"""FHIR exports with the CSV export's guarantees: audited first, private whole files, the filter, no formulas."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from kiosk.domain.requests import PatientRequest
from kiosk.domain.staff import Actor, PermissionDenied, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.export import ExportError
from kiosk.services.fhir.export import FhirLayout, export_fhir
from kiosk.services.queue import QueueFilter
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry
from kiosk.storage.output_files import PARTIAL_PREFIX
from tests.services import factories

ADMIN = Actor("root", Role.ADMIN, "back-office")
ALICE = Actor("alice", Role.RECEPTION, "front-desk-1")
EVERYTHING = QueueFilter(statuses=frozenset(RequestStatus))
MONDAY = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def _audit(database: Database) -> list[tuple[str, str, str]]:
    with database.transaction() as session:
        return [
            (row.action, row.outcome, row.detail) for row in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "hand-off"  # beside, not with, the test's database files
    made.mkdir()
    return made


def _some(database: Database) -> list[str]:
    requests: list[PatientRequest] = [factories.appointment(), factories.follow_up(), factories.urgent_follow_up()]
    return [
        submit_request(database, request, "kiosk-1", now=MONDAY + dt.timedelta(hours=hours)).reference
        for hours, request in enumerate(requests)
    ]


def test_a_folder_gets_one_private_bundle_file_per_request(database: Database, folder: Path) -> None:
    references = _some(database)

    assert export_fhir(database, EVERYTHING, folder, FhirLayout.FOLDER, actor=ADMIN) == 3

    files = sorted(folder.iterdir())
    assert [path.name for path in files] == sorted(f"{reference}.json" for reference in references)
    for path in files:
        Bundle.model_validate_json(path.read_text(encoding="utf-8"))
        if os.name == "posix":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _audit(database) == [("export", "ok", "3 rows")]


def test_exporting_the_same_requests_again_replaces_their_files(database: Database, folder: Path) -> None:
    _some(database)
    export_fhir(database, EVERYTHING, folder, FhirLayout.FOLDER, actor=ADMIN)
    first = {path.name: path.read_bytes() for path in folder.iterdir()}

    export_fhir(database, EVERYTHING, folder, FhirLayout.FOLDER, actor=ADMIN)

    assert {path.name: path.read_bytes() for path in folder.iterdir()} == first
    assert not [path for path in folder.iterdir() if path.name.startswith(PARTIAL_PREFIX)]


def test_ndjson_is_one_bundle_a_line_in_the_filters_order(database: Database, tmp_path: Path) -> None:
    appointment, _follow_up, urgent = _some(database)
    out = tmp_path / "requests.ndjson"
    where = QueueFilter(statuses=frozenset(RequestStatus), urgency=None)

    assert export_fhir(database, where, out, FhirLayout.NDJSON, actor=ADMIN) == 3

    lines = out.read_text(encoding="utf-8").splitlines()
    for line in lines:
        Bundle.model_validate_json(line)
    codes = [
        identifier["value"]
        for bundle in map(json.loads, lines)
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "ServiceRequest"
        for identifier in entry["resource"]["identifier"]
        if identifier["system"].endswith("/reference-code")
    ]
    assert codes[0] == urgent and codes[1] == appointment  # urgent first, then oldest, as the CSV
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_formula_typed_by_a_patient_reaches_the_record_system_unchanged_and_never_starts_a_line(
    database: Database, tmp_path: Path
) -> None:
    formula = '=HYPERLINK("http://example.invalid","click")'
    submit_request(database, factories.follow_up(concerns=formula), "kiosk-1", now=MONDAY)
    out = tmp_path / "requests.ndjson"

    export_fhir(database, EVERYTHING, out, FhirLayout.NDJSON, actor=ADMIN)

    text = out.read_text(encoding="utf-8")
    assert all(line.startswith("{") for line in text.splitlines())
    assert '"valueString":"=HYPERLINK(\\"http://example.invalid\\",\\"click\\")"' in text


def test_reception_is_refused_and_the_attempt_is_audited(database: Database, folder: Path) -> None:
    _some(database)

    with pytest.raises(PermissionDenied, match=r"ask a clinic admin"):
        export_fhir(database, EVERYTHING, folder, FhirLayout.FOLDER, actor=ALICE)

    assert list(folder.iterdir()) == []
    assert [(action, outcome) for action, outcome, _ in _audit(database)] == [("permission_denied", "denied")]


def test_a_folder_that_does_not_exist_is_named_and_nothing_is_audited_or_written(
    database: Database, tmp_path: Path
) -> None:
    _some(database)
    missing = tmp_path / "not-made"

    with pytest.raises(ExportError, match=r"not-made does not exist: give the path of an existing folder\.$"):
        export_fhir(database, EVERYTHING, missing, FhirLayout.FOLDER, actor=ADMIN)

    assert not missing.exists()
    assert [(action, outcome) for action, outcome, _ in _audit(database)] == [("export", "failed")]
