"""Two PCs write one PostgreSQL database's drop folder queue at once: every change comes out once, in order."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle

from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.casework import change_status
from kiosk.services.handoff import HandoffWriter, handoff_status, switch_on
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from tests.postgres_server import open_another
from tests.services import factories

ALICE = Actor("alice", Role.RECEPTION, "front-desk-1", "Alice Moreau")
REQUESTS = 30


def test_two_writers_on_two_pcs_write_each_change_once_and_in_order(pg_database: Database, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    switch_on(pg_database)
    other = open_another(pg_database)
    writers = [HandoffWriter(pg_database, folder, "front-desk-1"), HandoffWriter(other, folder, "back-office")]
    written: list[list[str]] = [[], []]
    busy = [0, 0]
    done = threading.Event()

    def write(index: int) -> None:
        while True:
            finished = done.is_set()  # read first: a change made before it was set is drained below
            result = writers[index].drain(limit=3)
            written[index].extend(result.written)
            busy[index] += result.busy
            if finished and not result.busy and handoff_status(pg_database).waiting == 0:
                return
            time.sleep(0.001)  # let the other PC in between passes

    threads = [threading.Thread(target=write, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    expected: list[str] = []
    try:
        for n in range(REQUESTS):  # new requests and status changes arrive while both write
            request = factories.urgent_follow_up() if n % 3 == 0 else factories.appointment()
            receipt = submit_request(pg_database, request, "kiosk-1")
            expected.append(f"{receipt.reference}-v1")
            if n % 2 == 0:
                change_status(pg_database, str(request.request_id), RequestStatus.CONTACTED, expected_version=1,
                              actor=ALICE)  # fmt: skip
                expected.append(f"{receipt.reference}-v2")
    finally:
        done.set()
        for thread in threads:
            thread.join()
        other.close()

    both = written[0] + written[1]
    assert len(both) == len(set(both)) == len(expected)  # nothing written twice, nothing left out
    assert all(written) or sum(busy) > 0, "the two writers never met: the test did not test anything"
    files = sorted(folder.iterdir())
    # Names sort in the order the changes were made, and they were written in that order: each file is at
    # least as new as the one before it.
    assert [path.stem.split("-", 1)[1] for path in files] == expected
    times = [path.stat().st_mtime_ns for path in files]
    assert times == sorted(times)
    for path in files:
        Bundle.model_validate_json(path.read_text(encoding="utf-8"))
    assert handoff_status(pg_database).waiting == 0
