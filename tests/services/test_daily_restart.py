"""The nightly restart happens only while the clinic is closed, once a night, never right after a start."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.config.loader import settings_from_mapping
from kiosk.config.settings import OpeningHours
from kiosk.services.daily_restart import may_restart_now, next_restart

HOURS = OpeningHours()  # weekdays 08:00-17:00, closed at weekends
AT = dt.time(3, 30)
MONDAY = dt.date(2026, 12, 7)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def test_a_kiosk_up_since_yesterday_restarts_at_the_time_and_not_before() -> None:
    started = at(MONDAY - dt.timedelta(days=1), 9)
    assert next_restart(HOURS, AT, at(MONDAY, 1), started) == at(MONDAY, 3, 30)
    assert not may_restart_now(HOURS, AT, at(MONDAY, 3, 29), started)
    assert may_restart_now(HOURS, AT, at(MONDAY, 3, 30), started)
    assert may_restart_now(HOURS, AT, at(MONDAY, 4, 45), started)  # still nobody's time: a visit made it wait


def test_the_kiosk_the_restart_started_waits_for_the_next_night() -> None:
    restarted = at(MONDAY, 3, 30)
    assert not may_restart_now(HOURS, AT, at(MONDAY, 3, 31), restarted)
    assert next_restart(HOURS, AT, at(MONDAY, 3, 31), restarted) == at(MONDAY + dt.timedelta(days=1), 3, 30)


def test_a_kiosk_started_minutes_before_the_time_is_left_alone_that_night() -> None:
    after_a_power_cut = at(MONDAY, 3, 10)
    assert not may_restart_now(HOURS, AT, at(MONDAY, 3, 30), after_a_power_cut)


def test_once_the_clinic_opens_the_restart_waits_for_the_next_night() -> None:
    started = at(MONDAY - dt.timedelta(days=3), 9)
    early = dt.time(7, 0)
    assert may_restart_now(HOURS, early, at(MONDAY, 7, 59), started)
    assert not may_restart_now(HOURS, early, at(MONDAY, 8, 0), started)  # open: patients may be coming
    assert next_restart(HOURS, early, at(MONDAY, 9, 0), started) == at(MONDAY + dt.timedelta(days=1), 7, 0)


def test_a_time_inside_opening_hours_restarts_only_on_closed_days() -> None:
    started = at(MONDAY - dt.timedelta(days=1), 9)
    noon = dt.time(12, 0)
    saturday = MONDAY + dt.timedelta(days=5)
    assert next_restart(HOURS, noon, at(MONDAY, 1), started) == at(saturday, 12, 0)


def test_a_clinic_open_around_the_clock_never_restarts() -> None:
    always = settings_from_mapping(
        {"clinic": {"hours": {day: "00:00-23:59" for day in OpeningHours.model_fields}}}
    ).clinic.hours
    assert next_restart(always, AT, at(MONDAY, 1), at(MONDAY, 0)) is None


def test_it_is_on_at_half_past_three_unless_turned_off() -> None:
    assert settings_from_mapping({}).maintenance.daily_restart == AT


@pytest.mark.parametrize(
    ("written", "meant"), [("off", None), ("OFF", None), ("03:30", AT), ("3:05", dt.time(3, 5)), ("23:59", None)]
)
def test_the_setting_is_off_or_a_time(written: str, meant: dt.time | None) -> None:
    maintenance = settings_from_mapping({"maintenance": {"daily_restart": written}}).maintenance
    assert maintenance.daily_restart == (meant if written != "23:59" else dt.time(23, 59))


@pytest.mark.parametrize("written", ["3.30", "25:00", "03:61", "tonight", "noon"])
def test_anything_else_is_refused(written: str) -> None:
    with pytest.raises(Exception, match=r"maintenance\.daily_restart"):
        settings_from_mapping({"maintenance": {"daily_restart": written}})
