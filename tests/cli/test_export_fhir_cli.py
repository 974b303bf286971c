"""`kiosk export --format fhir|ndjson` as clinic IT types it, against a real database file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from kiosk.cli.main import main
from kiosk.domain.requests import PatientRequest
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry
from tests.services import factories

pytestmark = pytest.mark.usefixtures("database")

MONDAY = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def _kiosk(settings_file: Path, *args: str) -> int:
    return main(["--config", str(settings_file), *args])


def _some(database: Database) -> list[str]:
    requests: list[PatientRequest] = [factories.appointment(), factories.urgent_follow_up(), factories.follow_up()]
    return [
        submit_request(database, request, "kiosk-1", now=MONDAY + dt.timedelta(hours=hours)).reference
        for hours, request in enumerate(requests)
    ]


def _export_rows(database: Database) -> list[tuple[str, str]]:
    with database.transaction() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id))
        return [(row.actor, row.detail) for row in rows]


def test_fhir_writes_a_bundle_file_per_request_into_the_folder(
    settings_file: Path, database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    references = _some(database)
    folder = tmp_path / "to-ehr"
    folder.mkdir()

    assert _kiosk(settings_file, "export", "--format", "fhir", "--out", str(folder), "--urgent") == 0

    urgent = references[1]
    assert [path.name for path in folder.iterdir()] == [f"{urgent}.json"]
    bundle = Bundle.model_validate_json((folder / f"{urgent}.json").read_text(encoding="utf-8"))
    assert bundle.type == "transaction"
    assert capsys.readouterr().out == f"wrote 1 request to {folder}\n"
    [(actor, detail)] = _export_rows(database)
    assert actor.startswith("cli:") and detail == "1 rows"


def test_ndjson_writes_every_request_as_a_line(
    settings_file: Path, database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _some(database)
    out = tmp_path / "requests.ndjson"

    assert _kiosk(settings_file, "export", "--format", "ndjson", "--out", str(out)) == 0

    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["resourceType"] for line in lines] == ["Bundle"] * 3
    assert capsys.readouterr().out == f"wrote 3 requests to {out}\n"


def test_a_folder_that_is_not_there_gets_one_sentence(
    settings_file: Path, database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _some(database)
    missing = tmp_path / "typo"

    assert _kiosk(settings_file, "export", "--format", "fhir", "--out", str(missing)) == 2

    error = capsys.readouterr().err
    assert error == f"kiosk: Nothing was exported: {missing} does not exist: give the path of an existing folder.\n"
    assert not missing.exists()


def test_the_kiosks_own_files_are_refused(
    settings_file: Path, database: Database, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _some(database)

    assert _kiosk(settings_file, "export", "--format", "ndjson", "--out", str(database_file)) == 2

    assert capsys.readouterr().err == (
        f"kiosk: Nothing was exported: {database_file} is the kiosk's database; choose another file name.\n"
    )
