"""Open or closed, the next change, and how the closed screen says when the clinic opens."""

from __future__ import annotations

import datetime as dt

from kiosk.config.settings import OpeningHours
from kiosk.services.opening_hours import OpensWhen, is_open, next_change, next_opening

WEEKDAYS_8_TO_5 = OpeningHours()  # the default: Monday to Friday 08:00-17:00, weekend closed
MONDAY = dt.date(2026, 11, 23)


def at(day_offset: int, hhmm: str) -> dt.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day_offset), dt.time(hour, minute))


def test_open_from_opening_time_up_to_but_not_at_closing_time() -> None:
    assert not is_open(WEEKDAYS_8_TO_5, at(0, "07:59"))
    assert is_open(WEEKDAYS_8_TO_5, at(0, "08:00"))
    assert is_open(WEEKDAYS_8_TO_5, at(0, "16:59"))
    assert not is_open(WEEKDAYS_8_TO_5, at(0, "17:00"))
    assert not is_open(WEEKDAYS_8_TO_5, at(5, "10:00"))  # Saturday


def test_before_opening_it_opens_today() -> None:
    opening = next_opening(WEEKDAYS_8_TO_5, at(0, "06:30"))
    assert opening is not None
    assert (opening.at, opening.when) == (at(0, "08:00"), OpensWhen.TODAY)


def test_in_the_evening_it_opens_tomorrow() -> None:
    opening = next_opening(WEEKDAYS_8_TO_5, at(0, "23:52"))
    assert opening is not None
    assert (opening.at, opening.when) == (at(1, "08:00"), OpensWhen.TOMORROW)


def test_on_friday_evening_it_opens_on_monday_by_name() -> None:
    opening = next_opening(WEEKDAYS_8_TO_5, at(4, "17:30"))
    assert opening is not None
    assert opening.at == at(7, "08:00")
    assert opening.when is OpensWhen.LATER
    assert opening.weekday == 1  # Monday


def test_next_change_is_closing_while_open_and_opening_while_closed() -> None:
    assert next_change(WEEKDAYS_8_TO_5, at(0, "12:00")) == at(0, "17:00")
    assert next_change(WEEKDAYS_8_TO_5, at(0, "17:00")) == at(1, "08:00")
    assert next_change(WEEKDAYS_8_TO_5, at(5, "09:00")) == at(7, "08:00")


def test_a_clinic_open_one_day_a_week_opens_next_week_on_that_day() -> None:
    tuesdays = OpeningHours.model_validate(
        {day: "closed" for day in ("monday", "wednesday", "thursday", "friday")} | {"tuesday": "09:00-12:00"}
    )
    opening = next_opening(tuesdays, at(1, "12:00"))
    assert opening is not None and opening.at == at(8, "09:00")


def test_a_clinic_that_never_opens_has_no_next_change() -> None:
    never = OpeningHours.model_validate(
        dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), "closed")
    )
    assert next_opening(never, at(0, "10:00")) is None
    assert next_change(never, at(0, "10:00")) is None
    assert not is_open(never, at(0, "10:00"))
