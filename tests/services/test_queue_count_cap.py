"""A dense search (part of a number every demo phone holds, one letter of a name) is counted only up to a cap:
counting every match exactly took seconds at a million requests. The queue still pages through all of them."""

from __future__ import annotations

from kiosk.services.demo_data import generate_requests
from kiosk.services.queue import QueueFilter, count_requests, fetch_rows
from kiosk.storage.database import Database
from tests.services.test_queue import EVERY_STATUS, T0

CAP = 3


def _all_rows(database: Database, where: QueueFilter) -> int:
    seen, after = 0, None
    while batch := fetch_rows(database, where, after, 7):
        seen, after = seen + len(batch), batch[-1]
    return seen


def test_a_dense_search_stops_counting_past_the_cap_but_every_match_is_listed(any_database: Database) -> None:
    generate_requests(any_database, 80, seed=5, now=T0, days=2)
    for typed in ("555", "a", ""):  # part of every demo number, one letter, no search at all
        where = QueueFilter(statuses=EVERY_STATUS, search=typed)
        exact = count_requests(any_database, where)
        assert exact > CAP + 1, typed
        assert count_requests(any_database, where, cap=CAP) == CAP + 1, typed  # "more than 3"
        assert _all_rows(any_database, where) == exact, typed


def test_a_count_under_the_cap_is_exact(any_database: Database) -> None:
    generate_requests(any_database, 40, seed=5, now=T0, days=2)
    wanted = fetch_rows(any_database, QueueFilter(statuses=EVERY_STATUS), None, 40)[11]
    for typed in (wanted.reference[:5], wanted.last_name):
        where = QueueFilter(statuses=EVERY_STATUS, search=typed)
        exact = count_requests(any_database, where)
        assert 1 <= exact <= CAP
        assert count_requests(any_database, where, cap=CAP) == exact
