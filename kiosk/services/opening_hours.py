"""When the clinic is open, when that next changes, and how to say when it opens: plain rules, no Qt.

Times are the clinic's local wall-clock times, as written in [clinic.hours]; callers pass "now" so tests
can stand anywhere in the week.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from kiosk.config.settings import OpeningHours

DAYS_AHEAD = 7  # a week covers every pattern of [clinic.hours]; beyond it the clinic never opens


class OpensWhen(enum.StrEnum):
    TODAY = "today"
    TOMORROW = "tomorrow"
    LATER = "later"  # said with the weekday's name


@dataclass(frozen=True)
class NextOpening:
    at: dt.datetime
    when: OpensWhen

    @property
    def weekday(self) -> int:
        """ISO weekday (Monday 1 ... Sunday 7), for the name in the patient's language."""
        return self.at.isoweekday()


def is_open(hours: OpeningHours, now: dt.datetime) -> bool:
    today = hours.for_date(now.date())
    return today is not None and today.opens <= now.time() < today.closes


def next_opening(hours: OpeningHours, now: dt.datetime) -> NextOpening | None:
    """The next moment the clinic opens after `now` (not counting an opening it is already past), or None if never."""
    for offset in range(DAYS_AHEAD + 1):
        day = now.date() + dt.timedelta(days=offset)
        day_hours = hours.for_date(day)
        if day_hours is None:
            continue
        opens = dt.datetime.combine(day, day_hours.opens)
        if opens > now:
            return NextOpening(opens, _when(offset))
    return None


def next_change(hours: OpeningHours, now: dt.datetime) -> dt.datetime | None:
    """The next opening or closing moment after `now`; None when the clinic is never open."""
    if is_open(hours, now):
        today = hours.for_date(now.date())
        assert today is not None  # is_open said so
        return dt.datetime.combine(now.date(), today.closes)
    opening = next_opening(hours, now)
    return opening.at if opening is not None else None


def _when(days_ahead: int) -> OpensWhen:
    if days_ahead == 0:
        return OpensWhen.TODAY
    if days_ahead == 1:
        return OpensWhen.TOMORROW
    return OpensWhen.LATER
