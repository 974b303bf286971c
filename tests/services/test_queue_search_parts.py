"""Search finds what a receptionist types: the start of a reference code (issue 24, part 4)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event

from kiosk.services.demo_data import generate_requests
from kiosk.services.queue import QueueFilter, count_requests, fetch_rows
from kiosk.storage.database import Database
from tests.services.test_queue import EVERY_STATUS, T0


def test_the_start_of_a_reference_finds_its_request(any_database: Database) -> None:
    generate_requests(any_database, 60, seed=8, now=T0, days=1)
    everything = fetch_rows(any_database, QueueFilter(statuses=EVERY_STATUS), None, 100)
    wanted = everything[17].reference
    for typed in (wanted[:3].lower(), f"{wanted[:3]} {wanted[3]}", wanted[:5]):
        found = fetch_rows(any_database, QueueFilter(statuses=EVERY_STATUS, search=typed), None, 100)
        assert wanted in [row.reference for row in found], typed


def test_the_start_of_a_code_is_read_from_the_reference_index(database: Database) -> None:
    """A plan check, not a timing: walking the queue index instead costs 0.4 s at 100k requests, 4 s at 1M."""
    generate_requests(database, 500, seed=3, now=T0, days=2)
    plans: list[str] = []

    def explain(connection: Connection, cursor: Any, statement: str, parameters: Any, *_: object) -> None:
        if statement.startswith("SELECT"):
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            plans.append(" | ".join(row[3] for row in rows))

    event.listen(database.engine, "before_cursor_execute", explain)
    try:
        for typed in ("qvw", "K7M"):
            count_requests(database, QueueFilter(search=typed))
            fetch_rows(database, QueueFilter(search=typed), None, 50)
    finally:
        event.remove(database.engine, "before_cursor_execute", explain)

    assert plans, "no statement was seen"
    for plan in plans:
        assert "(reference>? AND reference<?)" in plan, plan
        assert "ix_patient_requests_queue " not in plan and "ix_patient_requests_open_queue" not in plan, plan
