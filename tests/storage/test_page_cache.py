"""A kiosk that has stored weeks of requests keeps no more than 2 MiB of the database in memory (issue 22).

SQLite keeps every page a connection reads or writes in that connection's page cache, up to its cache_size; the
SQLCipher build the kiosk ships sets that to 8,000 KiB. The kiosk keeps one connection for good and mostly writes,
so each request it stored stayed in memory until the cache was full: `kiosk bench --soak` measured the cache given
back by one `PRAGMA shrink_memory` growing by about 0.8 KiB a visit (167 KiB after 200 visits, 791 KiB after
1,000), a month-long creep of resident memory that stops only at 8 MiB. A kiosk never reads back the requests it
sent, so those pages were of no use to it.
"""

from __future__ import annotations

import sys

import pytest

from kiosk.ops.heap import c_heap
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from tests.services import factories

REQUESTS = 3_000  # about 3 MiB of pages, as 3,000 visits leave them: above the bound, well below SQLCipher's 8


def _held_by_sqlite(database: Database) -> int:
    """KiB the kiosk's kept connection gives back when SQLite lets go of every page it holds."""
    with database.engine.connect() as connection:
        before = c_heap()
        connection.exec_driver_sql("PRAGMA shrink_memory")
        after = c_heap()
    assert before is not None and after is not None
    return (before.in_use_kib + before.mmapped_kib) - (after.in_use_kib + after.mmapped_kib)


@pytest.mark.skipif(not sys.platform.startswith("linux") or c_heap() is None, reason="glibc's mallinfo2 only")
def test_requests_stored_for_weeks_are_not_kept_in_memory(database: Database) -> None:
    for number in range(REQUESTS):
        request = factories.follow_up() if number % 2 else factories.appointment()
        submit_request(database, request, "waiting-room")
    held = _held_by_sqlite(database)
    assert held <= 2_400, f"{held} KiB of the database kept in memory after {REQUESTS:,} requests"
