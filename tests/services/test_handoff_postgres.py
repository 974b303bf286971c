"""The drop folder with PostgreSQL: two PCs write the queue at once, and each change comes out once and in order;
a request a kiosk kept in its outbox is queued when it reaches the server."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import func, select

from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.casework import change_status
from kiosk.services.handoff import HandoffWriter, handoff_status, switch_on
from kiosk.services.outbox import forward_pending, keep_in_outbox, open_outbox
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.models import HandoffEvent
from tests.postgres_server import open_another, url_of
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


def test_a_request_kept_in_a_kiosks_outbox_is_queued_when_it_reaches_the_server(
    pg_database: Database, tmp_path: Path
) -> None:
    switch_on(pg_database)
    settings = Settings(database=DatabaseSettings(url=url_of(pg_database), outbox_path=tmp_path / "outbox.db"))
    outbox = open_outbox(settings)
    try:
        kept = keep_in_outbox(outbox, factories.urgent_follow_up(), "kiosk-1", dt.datetime.now(dt.UTC))
        with outbox.read() as session:  # the kiosk's own file keeps no hand-off queue: only the server's counts
            assert session.scalar(select(func.count(HandoffEvent.id))) == 0
        assert handoff_status(pg_database).waiting == 0

        assert forward_pending(outbox, pg_database) == 1
    finally:
        outbox.close()

    folder = tmp_path / "inbox"
    folder.mkdir()
    assert HandoffWriter(pg_database, folder, "front-desk-1").drain().written == [f"{1:012d}-{kept.reference}-v1.json"]
