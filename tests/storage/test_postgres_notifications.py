"""New requests announced on PostgreSQL (LISTEN/NOTIFY): seen within the console's 1 s poll, only once committed."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services import changes
from kiosk.services.casework import change_status, open_case
from kiosk.services.changes import ChangeWatcher
from kiosk.services.requests import SubmitFailed, submit_request
from kiosk.storage.database import Database
from kiosk.ui.console.queue_watch import POLL_MS
from tests.postgres_server import open_another
from tests.services import factories

BOB = Actor("bob", Role.RECEPTION, "front-desk-2")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def watcher(pg_database: Database, clock: Clock) -> Iterator[ChangeWatcher]:
    watching = ChangeWatcher(pg_database, clock=clock)
    yield watching
    watching.close()


@pytest.fixture
def other_pc(pg_database: Database) -> Iterator[Database]:
    """A kiosk on another PC: its own engine, its own connections."""
    other = open_another(pg_database)
    yield other
    other.close()


def seconds_until_changed(watcher: ChangeWatcher, limit_s: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        if watcher.changed():
            return time.monotonic() - started
        time.sleep(0.01)
    return None


def test_a_request_stored_by_another_pc_is_announced_within_one_poll(
    watcher: ChangeWatcher, other_pc: Database
) -> None:
    assert watcher.listening
    assert not watcher.changed()

    submit_request(other_pc, factories.urgent_follow_up(), "kiosk-2")
    seen_after = seconds_until_changed(watcher, POLL_MS / 1000)

    print(f"\nPostgreSQL NOTIFY seen {seen_after} s after the submit returned")
    assert seen_after is not None
    assert not watcher.changed()  # once only


def test_idle_time_and_reads_are_not_changes(watcher: ChangeWatcher, pg_database: Database, clock: Clock) -> None:
    submit_request(pg_database, factories.appointment(), "kiosk-1")
    # The notification travels to the listening connection on its own: wait as the console's poll would.
    assert seconds_until_changed(watcher, POLL_MS / 1000) is not None
    for _ in range(3):
        with pg_database.read() as session:
            session.execute(text("SELECT count(*) FROM patient_requests")).scalar()
        clock.now += changes.TOKEN_EVERY_S  # the periodic token check finds nothing new either
        assert not watcher.changed()


def test_a_submit_that_fails_announces_nothing(
    watcher: ChangeWatcher, other_pc: Database, pg_database: Database
) -> None:
    # A trigger stands in for a server that refuses the insert: the NOTIFY goes with the rolled-back transaction.
    with pg_database.transaction() as session:
        session.execute(
            text(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'full'; END $$;"
                " CREATE TRIGGER refuse BEFORE INSERT ON patient_requests FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        )
    watcher.changed()  # the DDL above is not a request

    with pytest.raises(SubmitFailed):
        submit_request(other_pc, factories.appointment(), "kiosk-2")

    assert seconds_until_changed(watcher, POLL_MS / 1000) is None


def test_a_status_change_on_another_console_is_seen_at_the_next_token_check(
    watcher: ChangeWatcher, other_pc: Database, pg_database: Database, clock: Clock
) -> None:
    request = factories.appointment()
    submit_request(pg_database, request, "kiosk-1")
    assert seconds_until_changed(watcher, POLL_MS / 1000) is not None
    case = open_case(other_pc, str(request.request_id), BOB)

    change_status(other_pc, str(request.request_id), RequestStatus.CONTACTED, expected_version=case.version, actor=BOB)

    assert not watcher.changed()  # no announcement for status changes...
    clock.now += changes.TOKEN_EVERY_S
    assert watcher.changed()  # ...but the token, checked every TOKEN_EVERY_S, moved


def test_when_the_listening_connection_drops_the_token_takes_over_then_listening_resumes(
    watcher: ChangeWatcher, other_pc: Database, clock: Clock
) -> None:
    with other_pc.transaction() as session:  # e.g. the server restarted, or a firewall cut an idle connection
        killed = session.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
            )
        ).scalar()
    assert killed == 1
    time.sleep(0.2)

    # The server's goodbye is read at one poll, the closed socket found at the next; not knowing what
    # it missed, the watcher then says "changed" so the console looks once.
    assert [watcher.changed(), watcher.changed()] == [False, True]
    assert not watcher.listening
    submit_request(other_pc, factories.appointment(), "kiosk-2")
    assert watcher.changed()  # every poll compares the token meanwhile
    assert not watcher.changed()

    clock.now += changes.RELISTEN_EVERY_S
    assert not watcher.changed()
    assert watcher.listening
    submit_request(other_pc, factories.appointment(), "kiosk-2")
    assert seconds_until_changed(watcher, POLL_MS / 1000) is not None
