"""The dashboard's figures: requests per local day by type, who is waiting, and time to first contact."""

from __future__ import annotations

import datetime as dt

from kiosk.domain.requests import PatientRequest
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.casework import change_status
from kiosk.services.overview import DayCount, overview
from kiosk.services.queue import local_day_start
from kiosk.services.requests import submit_request
from kiosk.services.urgent_alarm import mark_seen_at_desk
from kiosk.storage.database import Database
from tests.services import factories

ALICE = Actor("alice", Role.RECEPTION, "front-desk-1")
TODAY = dt.date(2025, 3, 14)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment on a local calendar day, the way the desk's clock shows it."""
    return local_day_start(day) + dt.timedelta(hours=hour, minutes=minute)


def _store(database: Database, request: PatientRequest, at: dt.datetime) -> str:
    submit_request(database, request, "kiosk-1", now=at)
    return str(request.request_id)


def test_an_empty_database_gives_zeroes_for_every_day(database: Database) -> None:
    figures = overview(database, today=TODAY)

    assert len(figures.per_day) == 30
    assert figures.per_day[0] == DayCount(TODAY - dt.timedelta(days=29), 0, 0)
    assert figures.per_day[-1] == DayCount(TODAY, 0, 0)
    assert (figures.waiting_now, figures.waiting_urgent, figures.median_first_contact) == (0, 0, None)


def test_requests_are_counted_per_local_day_and_type_inside_the_window_only(database: Database) -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    _store(database, factories.appointment(), _at(TODAY, 0, 1))  # just after midnight: today
    _store(database, factories.appointment(), _at(TODAY, 23, 59))
    _store(database, factories.follow_up(), _at(TODAY, 12))
    _store(database, factories.follow_up(), _at(yesterday, 23, 59))  # just before midnight: yesterday
    _store(database, factories.appointment(), _at(TODAY - dt.timedelta(days=6), 10))
    _store(database, factories.appointment(), _at(TODAY - dt.timedelta(days=7), 10))  # before the window
    _store(database, factories.appointment(), _at(TODAY + dt.timedelta(days=1), 0, 0))  # after it

    figures = overview(database, today=TODAY, days=7)

    assert [day.day for day in figures.per_day] == [TODAY - dt.timedelta(days=n) for n in range(6, -1, -1)]
    assert figures.per_day[-1] == DayCount(TODAY, appointments=2, follow_ups=1)
    assert figures.per_day[-2] == DayCount(yesterday, appointments=0, follow_ups=1)
    assert figures.per_day[0] == DayCount(TODAY - dt.timedelta(days=6), appointments=1, follow_ups=0)
    assert sum(day.appointments + day.follow_ups for day in figures.per_day) == 5


def test_waiting_counts_only_requests_nobody_has_acted_on(database: Database) -> None:
    _store(database, factories.appointment(), _at(TODAY, 9))
    _store(database, factories.urgent_follow_up(), _at(TODAY, 9))
    _store(database, factories.urgent_follow_up(), _at(TODAY - dt.timedelta(days=90), 9))  # old but still waiting
    handled = _store(database, factories.urgent_follow_up(), _at(TODAY, 10))
    change_status(database, handled, RequestStatus.NO_ANSWER, expected_version=1, actor=ALICE, now=_at(TODAY, 11))

    figures = overview(database, today=TODAY)

    assert (figures.waiting_now, figures.waiting_urgent) == (3, 2)


def test_median_time_to_first_contact_over_the_windows_contacted_requests(database: Database) -> None:
    waits = {10: 30, 11: 90, 12: 240}  # received at hour -> minutes until the desk acted
    for hour, minutes in waits.items():
        request_id = _store(database, factories.appointment(), _at(TODAY, hour))
        arrived = _at(TODAY, hour)
        change_status(
            database,
            request_id,
            RequestStatus.CONTACTED,
            expected_version=1,
            actor=ALICE,
            now=arrived + dt.timedelta(minutes=minutes),
        )
        # A later change does not move the first contact.
        change_status(
            database,
            request_id,
            RequestStatus.SCHEDULED,
            expected_version=2,
            actor=ALICE,
            now=arrived + dt.timedelta(days=2),
        )
    _store(database, factories.appointment(), _at(TODAY, 13))  # not contacted yet: not counted
    old = _store(database, factories.appointment(), _at(TODAY - dt.timedelta(days=40), 9))  # outside the window
    change_status(database, old, RequestStatus.CONTACTED, expected_version=1, actor=ALICE, now=_at(TODAY, 9))

    figures = overview(database, today=TODAY)

    assert figures.median_first_contact == dt.timedelta(minutes=90)


def test_an_even_count_takes_the_middle_two(database: Database) -> None:
    for hour, minutes in ((9, 10), (10, 20)):
        request_id = _store(database, factories.follow_up(), _at(TODAY, hour))
        change_status(
            database,
            request_id,
            RequestStatus.CONTACTED,
            expected_version=1,
            actor=ALICE,
            now=_at(TODAY, hour) + dt.timedelta(minutes=minutes),
        )

    assert overview(database, today=TODAY).median_first_contact == dt.timedelta(minutes=15)


def test_time_to_seen_at_the_desk_per_day_for_the_last_fourteen_days(database: Database) -> None:
    day = TODAY - dt.timedelta(days=2)
    for minutes_to_seen in (2, 4, 30):
        arrived = _at(day, 10, minutes_to_seen)
        request_id = _store(database, factories.urgent_follow_up(), arrived)
        mark_seen_at_desk(database, request_id, ALICE, now=arrived + dt.timedelta(minutes=minutes_to_seen))
    _store(database, factories.urgent_follow_up(), _at(TODAY, 9))  # today: one nobody has seen yet
    _store(database, factories.appointment(), _at(TODAY - dt.timedelta(days=5), 9))  # not urgent: not counted

    seen = overview(database, today=TODAY).seen_at_desk

    assert [times.day for times in seen] == [TODAY - dt.timedelta(days=13 - n) for n in range(14)]
    by_day = {times.day: times for times in seen}
    assert (by_day[day].urgent, by_day[day].seen) == (3, 3)
    assert (by_day[day].median, by_day[day].p90) == (dt.timedelta(minutes=4), dt.timedelta(minutes=30))
    assert (by_day[TODAY].urgent, by_day[TODAY].seen, by_day[TODAY].median) == (1, 0, None)
    quiet = [times for times in seen if times.day not in (day, TODAY)]
    assert {(times.urgent, times.seen, times.median, times.p90) for times in quiet} == {(0, 0, None, None)}
