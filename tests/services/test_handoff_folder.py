"""The drop folder on a real folder tree: one valid private bundle per new request and per status change, in
order, once; a folder removed, read-only or full loses nothing and is written again when it comes back."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from kiosk.domain.requests import PatientRequest
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.casework import change_status
from kiosk.services.handoff import FolderState, HandoffWriter, handoff_status, switch_on
from kiosk.services.handoff_runner import HandoffRunner
from kiosk.services.requests import Receipt, submit_request
from kiosk.storage.database import Database
from kiosk.storage.output_files import PARTIAL_PREFIX
from tests.services import factories

ALICE = Actor("alice", Role.RECEPTION, "front-desk-1", "Alice Moreau")
MONDAY = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
HARD_NAMES = (("Thị Minh", "Nguyễn"), ("María José", "Ñúñez-O'Brien"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "interface-engine" / "inbox"
    made.mkdir(parents=True)
    return made


@contextlib.contextmanager
def _tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """A real small file system at `folder` (root only: skipped elsewhere, failed on CI)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        reason = f"cannot mount a tmpfs ({mounted.stderr.strip() or mounted.returncode}); needs root"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _named(request: PatientRequest, first: str, last: str) -> PatientRequest:
    return dataclasses.replace(request, contact=dataclasses.replace(request.contact, first_name=first, last_name=last))


def _submit(database: Database, request: PatientRequest, minutes: int = 0) -> Receipt:
    return submit_request(database, request, "kiosk-1", now=MONDAY + dt.timedelta(minutes=minutes))


def _bundles(folder: Path) -> list[tuple[str, Bundle]]:
    return [
        (path.name, Bundle.model_validate_json(path.read_text(encoding="utf-8"))) for path in sorted(folder.iterdir())
    ]


def _resource(bundle: Bundle, kind: str) -> dict[str, Any]:
    [resource] = [entry.resource for entry in bundle.entry or [] if entry.resource.get_resource_type() == kind]  # type: ignore[union-attr]
    found: dict[str, Any] = json.loads(resource.model_dump_json())  # type: ignore[union-attr]
    return found


def _service_request(bundle: Bundle) -> dict[str, Any]:
    return _resource(bundle, "ServiceRequest")


def _patient_name(bundle: Bundle) -> tuple[list[str], str]:
    name = _resource(bundle, "Patient")["name"][0]
    return name["given"], name["family"]


def test_each_request_and_status_change_is_one_valid_private_bundle_in_order_once(
    any_database: Database, folder: Path
) -> None:
    switch_on(any_database)
    urgent = _named(factories.urgent_follow_up(), *HARD_NAMES[0])
    routine = _named(factories.appointment(), *HARD_NAMES[1])
    first = _submit(any_database, urgent)
    second = _submit(any_database, routine, minutes=1)
    change_status(any_database, str(urgent.request_id), RequestStatus.CONTACTED, expected_version=1, actor=ALICE,
                  now=MONDAY + dt.timedelta(minutes=20))  # fmt: skip
    writer = HandoffWriter(any_database, folder, "front-desk-1")

    result = writer.drain()

    bundles = _bundles(folder)
    assert [name for name, _ in bundles] == result.written
    assert [name.split("-", 1)[1] for name, _ in bundles] == [
        f"{first.reference}-v1.json",
        f"{second.reference}-v1.json",
        f"{first.reference}-v2.json",
    ]
    assert [bundle.identifier.value for _, bundle in bundles] == [  # type: ignore[union-attr]
        f"{urgent.request_id}/1",
        f"{routine.request_id}/1",
        f"{urgent.request_id}/2",
    ]
    assert [_patient_name(bundle) for _, bundle in bundles] == [
        ([HARD_NAMES[0][0]], HARD_NAMES[0][1]),
        ([HARD_NAMES[1][0]], HARD_NAMES[1][1]),
        ([HARD_NAMES[0][0]], HARD_NAMES[0][1]),
    ]
    assert [_service_request(bundle)["priority"] for _, bundle in bundles] == ["urgent", "routine", "urgent"]
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # Written once: the queue is empty, and another pass (or another writer) writes nothing more.
    assert handoff_status(any_database).waiting == 0
    assert writer.drain().written == []
    assert HandoffWriter(any_database, folder, "front-desk-2").drain().written == []
    assert len(list(folder.iterdir())) == 3


def test_a_status_change_updates_the_same_resources(any_database: Database, folder: Path) -> None:
    switch_on(any_database)
    request = factories.urgent_follow_up()
    receipt = _submit(any_database, request)
    change_status(any_database, str(request.request_id), RequestStatus.CLOSED, expected_version=1, actor=ALICE,
                  now=MONDAY + dt.timedelta(hours=2))  # fmt: skip

    HandoffWriter(any_database, folder, "front-desk-1").drain()

    [(_, created), (_, closed)] = _bundles(folder)
    assert [entry.fullUrl for entry in created.entry or []] == [entry.fullUrl for entry in closed.entry or []]
    assert [entry.request.url for entry in created.entry or []] == [entry.request.url for entry in closed.entry or []]  # type: ignore[union-attr]
    before, after = _service_request(created), _service_request(closed)
    assert (
        before["identifier"]
        == after["identifier"]
        == [
            {"system": "http://clinic-kiosk.invalid/fhir/identifier/request-id", "value": str(request.request_id)},
            {"system": "http://clinic-kiosk.invalid/fhir/identifier/reference-code", "value": receipt.reference},
        ]
    )
    assert (before["status"], after["status"]) == ("active", "completed")
    assert closed.timestamp == MONDAY + dt.timedelta(hours=2)  # the change's moment, not the writing's


def test_a_folder_removed_keeps_everything_queued_and_is_never_made_by_the_kiosk(
    database: Database, folder: Path
) -> None:
    switch_on(database)
    folder.rmdir()  # the share was disconnected
    receipt = _submit(database, factories.appointment())
    writer = HandoffWriter(database, folder, "front-desk-1")

    result = writer.drain()

    assert (result.state, result.written) == (FolderState.MISSING, [])
    assert not folder.exists()
    status = handoff_status(database)
    assert (status.folder_state, status.waiting, status.oldest_waiting) == (FolderState.MISSING, 1, MONDAY)

    folder.mkdir()  # connected again
    assert writer.drain().written == [f"{1:012d}-{receipt.reference}-v1.json"]
    assert handoff_status(database).folder_state is FolderState.OK
    assert handoff_status(database).waiting == 0


def test_a_read_only_folder_keeps_everything_queued_until_it_can_be_written(database: Database, folder: Path) -> None:
    switch_on(database)
    receipt = _submit(database, factories.follow_up())
    writer = HandoffWriter(database, folder, "front-desk-1")
    with _tmpfs(folder, "size=1m"):
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)

        result = writer.drain()

        assert result.state is FolderState.NOT_WRITABLE
        assert list(folder.iterdir()) == []
        assert handoff_status(database).waiting == 1
        subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
        assert writer.drain().written == [f"{1:012d}-{receipt.reference}-v1.json"]
        assert [name for name, _ in _bundles(folder)] == [f"{1:012d}-{receipt.reference}-v1.json"]


def test_a_full_folder_leaves_no_half_file_and_loses_nothing(database: Database, folder: Path) -> None:
    switch_on(database)
    receipts = [_submit(database, factories.urgent_follow_up(), minutes=n) for n in range(3)]
    writer = HandoffWriter(database, folder, "front-desk-1")
    with _tmpfs(folder, "size=64k"):
        filler = folder / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as stream:  # until the disk refuses: ENOSPC
            while True:
                stream.write(b"\0" * 4096)
                stream.flush()

        result = writer.drain()

        assert result.state is FolderState.FULL
        assert sorted(path.name for path in folder.iterdir()) == ["filler"]  # no .kiosk-partial- left behind
        assert handoff_status(database).waiting == 3
        filler.unlink()  # IT makes room
        written = writer.drain().written
        assert [name.split("-", 1)[1] for name in written] == [f"{r.reference}-v1.json" for r in receipts]
        assert not any(path.name.startswith(PARTIAL_PREFIX) for path in folder.iterdir())
        assert len(_bundles(folder)) == 3


def test_the_runner_logs_each_change_of_state_once_and_no_patient_data(
    database: Database, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    runner = HandoffRunner(database, folder, "front-desk-1", check_seconds=5)
    runner.step()  # switches the queue on
    request = _named(factories.appointment(), *HARD_NAMES[1])
    _submit(database, request)
    folder.rmdir()
    caplog.set_level(logging.INFO)

    pauses = [runner.step() for _ in range(4)]
    folder.mkdir()
    after = runner.step()

    assert pauses == [10.0, 20.0, 40.0, 80.0]  # backing off while the folder is away
    assert after == 5.0
    lines = [record.getMessage() for record in caplog.records if record.name.startswith("kiosk.services.handoff")]
    assert lines == [
        f"drop folder {folder} is not there (a share not connected, or the folder moved or removed) (ENOENT);"
        " requests stay queued and are tried again",
        f"drop folder {folder}: files are written again (1 just now)",
    ]
    text = caplog.text
    for secret in (*HARD_NAMES[1], request.contact.phone_e164, str(request.contact.email)):
        assert secret not in text
    assert len(list(folder.iterdir())) == 1


def test_a_writer_stopped_between_its_file_and_its_entry_leaves_one_file_for_the_next(
    database: Database, folder: Path
) -> None:
    switch_on(database)
    receipt = _submit(database, factories.appointment())
    stopped = HandoffWriter(database, folder, "front-desk-1")
    claim = stopped._claim(MONDAY)  # what a writer does before the PC is switched off: claimed, written, not removed
    assert claim is not None and not isinstance(claim, bool)
    stopped._write(claim)  # type: ignore[arg-type]
    first = (folder / f"{1:012d}-{receipt.reference}-v1.json").read_bytes()

    # Another PC takes over once the lease has run out, and writes the same name with the same content.
    written = HandoffWriter(database, folder, "back-office").drain(now=MONDAY + dt.timedelta(minutes=2)).written

    assert written == [f"{1:012d}-{receipt.reference}-v1.json"]
    assert [path.read_bytes() for path in folder.iterdir()] == [first]
    assert handoff_status(database).waiting == 0
