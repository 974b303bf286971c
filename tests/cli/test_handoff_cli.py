"""`kiosk handoff` and doctor's "drop folder" check, on a real settings file, database and folder."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from kiosk.cli.main import main
from kiosk.config.loader import load_settings
from kiosk.ops.doctor_handoff import handoff_check
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from tests.services import factories


@pytest.fixture
def drop_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "engine-inbox"
    folder.mkdir()
    return folder


@pytest.fixture
def handoff_settings(settings_file: Path, drop_folder: Path) -> Path:
    text = settings_file.read_text(encoding="utf-8")
    settings_file.write_text(text + f'\n[handoff]\ndrop_folder = "{drop_folder.as_posix()}"\n', encoding="utf-8")
    return settings_file


def _kiosk(settings: Path, *args: str) -> int:
    return main(["--config", str(settings), *args])


def _private(printed: str) -> None:
    for secret in (factories.FIRST_NAME, factories.LAST_NAME, factories.PHONE):
        assert secret not in printed


def test_without_a_drop_folder_run_says_what_to_set(
    settings_file: Path, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _kiosk(settings_file, "handoff", "run", "--once") == 2
    assert capsys.readouterr().err == (
        "kiosk: No drop folder is set on this PC: add drop_folder under [handoff] in the settings file"
        " (docs/it/fhir.md).\n"
    )
    assert handoff_check(load_settings(str(settings_file))[0]).line() == (
        "OK   drop folder: none set: requests are not written for the record system ([handoff] drop_folder)"
    )


def test_run_once_writes_what_waits_and_doctor_sees_it(
    handoff_settings: Path, database: Database, drop_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _kiosk(handoff_settings, "handoff", "run", "--once") == 0  # switches the queue on; nothing waits yet
    receipt = submit_request(database, factories.urgent_follow_up(), "kiosk-1")

    assert _kiosk(handoff_settings, "handoff", "run", "--once") == 0

    [written] = drop_folder.iterdir()
    assert written.name == f"{1:012d}-{receipt.reference}-v1.json"
    assert Bundle.model_validate_json(written.read_text(encoding="utf-8")).type == "transaction"
    printed = capsys.readouterr().out
    assert printed.splitlines()[-1].startswith("Drop folder for the record system: nothing waits (last file at ")
    assert _kiosk(handoff_settings, "handoff", "status") == 0
    assert capsys.readouterr().out.startswith(
        f"OK   drop folder: {drop_folder} is writable; nothing waits, last file at "
    )


def test_a_missing_folder_is_a_doctor_failure_with_the_queue_and_nothing_lost(
    handoff_settings: Path, database: Database, drop_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _kiosk(handoff_settings, "handoff", "run", "--once") == 0
    received = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
    submit_request(database, factories.appointment(), "kiosk-1", now=received)
    drop_folder.rmdir()

    assert _kiosk(handoff_settings, "handoff", "run", "--once") == 1
    capsys.readouterr()
    _kiosk(handoff_settings, "doctor", "--json")  # its exit code is the other checks' business: a WARN here
    printed = capsys.readouterr()

    [check] = [check for check in json.loads(printed.out)["checks"] if check["name"] == "drop folder"]
    assert check == {
        "name": "drop folder",
        "status": "WARN",
        "message": f"{drop_folder} is not there; 1 change waits since {received.astimezone():%H:%M}, nothing is lost",
        "fix": "connect the share or correct [handoff] drop_folder (the kiosk never creates it)",
    }
    assert not drop_folder.exists()
    _private(printed.out + printed.err)
    drop_folder.mkdir()  # the share is back: the request waiting all along is written
    assert _kiosk(handoff_settings, "handoff", "run", "--once") == 0
    assert len(list(drop_folder.iterdir())) == 1
