"""When the kiosk's optional daily restart ([maintenance] daily_restart) may happen: plain rules, no Qt.

The restart is a safety net against slow growth nobody has found yet (docs/performance.md, the soak). It happens
only while the clinic is closed, so no patient can be in the middle of a visit; the screen decides the rest
(nobody touching it, the closed or attract screen showing). Times are the clinic's wall-clock times; callers pass
"now", so tests can stand anywhere in the week.
"""

from __future__ import annotations

import datetime as dt

from kiosk.config.settings import OpeningHours
from kiosk.services.opening_hours import DAYS_AHEAD, is_open, next_opening

# A kiosk that started less than this long ago (after a power cut at 03:25, say) waits for the next night.
MIN_UPTIME = dt.timedelta(hours=1)
# Past its time, the restart waits for a quiet moment until this much later, then for the next night.
LATE_BY_AT_MOST = dt.timedelta(hours=2)


def next_restart(hours: OpeningHours, at: dt.time, now: dt.datetime, started: dt.datetime) -> dt.datetime | None:
    """The next restart moment at or after `now`: `at` on a day the clinic is closed then, for a kiosk that was up
    at least MIN_UPTIME by then (a kiosk started at or after it, such as the one the restart started, waits for
    the next night). None when the clinic is open at that time every day of the week."""
    for offset in range(-1, DAYS_AHEAD + 2):
        moment = dt.datetime.combine(now.date() + dt.timedelta(days=offset), at)
        if started + MIN_UPTIME > moment or is_open(hours, moment):
            continue
        opening = next_opening(hours, moment)
        ends = min(moment + LATE_BY_AT_MOST, opening.at if opening is not None else moment + LATE_BY_AT_MOST)
        if ends <= now:
            continue  # that night's chance is over
        return max(moment, now)
    return None


def may_restart_now(hours: OpeningHours, at: dt.time, now: dt.datetime, started: dt.datetime) -> bool:
    """True from `at` until LATE_BY_AT_MOST after it, while the clinic is closed and the kiosk has been up long
    enough (whether a patient is at the screen is the screen's to say)."""
    due = next_restart(hours, at, now, started)
    return due is not None and due <= now and not is_open(hours, now)
