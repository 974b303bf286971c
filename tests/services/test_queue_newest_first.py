"""The queue newest first (an inbox's order): every row once, urgent still first, from the same indexes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, event

from kiosk.services.demo_data import generate_requests
from kiosk.services.queue import QueueFilter, QueueRow, count_requests, fetch_rows
from kiosk.storage.database import Database
from tests.services.test_queue import EVERY_STATUS, T0


def test_newest_first_pages_return_every_row_once_urgent_first_then_newest(any_database: Database) -> None:
    generate_requests(any_database, 800, seed=11, now=T0, days=3)
    for where in (
        QueueFilter(newest_first=True),
        QueueFilter(statuses=EVERY_STATUS, newest_first=True),
        QueueFilter(statuses=EVERY_STATUS, search="ng", newest_first=True),
    ):
        paged: list[QueueRow] = []
        after = None
        while page := fetch_rows(any_database, where, after, 61):
            paged.extend(page)
            after = page[-1]

        assert len({row.id for row in paged}) == len(paged) == count_requests(any_database, where) > 0
        keys = [(not row.urgent, -row.created_at.timestamp(), row.id) for row in paged]
        assert [key[:2] for key in keys] == sorted(key[:2] for key in keys)


def test_newest_first_reads_the_open_requests_index_backwards(database: Database) -> None:
    """A plan check, not a timing: no sort of the whole queue, the same covering index as oldest first."""
    generate_requests(database, 500, seed=5, now=T0, days=3)
    plans: list[str] = []

    def explain(connection: Connection, cursor: Any, statement: str, parameters: Any, *_: object) -> None:
        if statement.startswith("SELECT") and "ORDER BY" in statement:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            plans.append(" | ".join(row[3] for row in rows))

    where = QueueFilter(newest_first=True)
    event.listen(database.engine, "before_cursor_execute", explain)
    try:
        first = fetch_rows(database, where, None, 2)
        second = fetch_rows(database, where, first[-1], 2)
    finally:
        event.remove(database.engine, "before_cursor_execute", explain)

    assert first[0].created_at >= first[1].created_at >= second[0].created_at or first[0].urgent
    assert plans
    for plan in plans:
        assert "COVERING INDEX ix_patient_requests_open_queue" in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # the index's own order, read backwards: no sort


def test_new_arrivals_come_first_newest_first(any_database: Database) -> None:
    generate_requests(any_database, 50, seed=2, now=T0, days=1)
    later = T0 + dt.timedelta(hours=1)
    generate_requests(any_database, 1, seed=99, now=later, days=1)
    rows = fetch_rows(any_database, QueueFilter(urgency=False, newest_first=True), None, 3)
    assert rows[0].created_at == max(
        row.created_at for row in fetch_rows(any_database, QueueFilter(urgency=False), None, 1000)
    )
