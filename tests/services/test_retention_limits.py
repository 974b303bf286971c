"""A retention period longer than the calendar is not an error: nothing was closed before year 1, so nothing goes."""

from __future__ import annotations

import datetime as dt

from kiosk.domain.workflow import RequestStatus
from kiosk.services.retention import count_purgeable, cutoff_for, purge_closed
from kiosk.storage.database import Database

from .test_retention import ADMIN, NOW, stored


def test_a_period_reaching_before_year_one_keeps_everything(database: Database) -> None:
    stored(database, RequestStatus.CLOSED, changed_days_ago=800)

    assert cutoff_for(3_000_000, NOW) == dt.datetime.min.replace(tzinfo=dt.UTC)
    assert count_purgeable(database, older_than_days=3_000_000, now=NOW) == 0
    assert purge_closed(database, older_than_days=10**12, actor=ADMIN, now=NOW) == 0
    assert count_purgeable(database, older_than_days=365, now=NOW) == 1
