"""Search finds what a receptionist types: the start of a reference code (issue 24, part 4)."""

from __future__ import annotations

from kiosk.services.demo_data import generate_requests
from kiosk.services.queue import QueueFilter, fetch_rows
from kiosk.storage.database import Database
from tests.services.test_queue import EVERY_STATUS, T0


def test_the_start_of_a_reference_finds_its_request(any_database: Database) -> None:
    generate_requests(any_database, 60, seed=8, now=T0, days=1)
    everything = fetch_rows(any_database, QueueFilter(statuses=EVERY_STATUS), None, 100)
    wanted = everything[17].reference
    for typed in (wanted[:3].lower(), f"{wanted[:3]} {wanted[3]}", wanted[:5]):
        found = fetch_rows(any_database, QueueFilter(statuses=EVERY_STATUS, search=typed), None, 100)
        assert wanted in [row.reference for row in found], typed
