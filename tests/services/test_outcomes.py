"""Outcomes after procedures: pain before and after, the 30 % rule, 50 % relief and PEG-3, from stored follow-ups."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from kiosk.domain.requests import FollowUpRequest
from kiosk.services.outcomes import ALL_WEEKS, outcomes, summarise_months
from kiosk.services.queue import local_day_start
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from tests.services import factories

PROCEDURE_DAY = dt.date(2025, 1, 6)


def _send(
    database: Database,
    *,
    before: int,
    now: int,
    relief: int = 0,
    weeks: int = 3,
    procedure: str = "si-joint-injection",
    peg: tuple[int, int] | None = (4, 5),
    received_on: dt.date | None = None,
) -> None:
    request: FollowUpRequest = dataclasses.replace(
        factories.follow_up(),
        procedure=procedure,
        procedure_date=PROCEDURE_DAY,
        pain_before=before,
        pain_now=now,
        relief_percent=relief,
        peg_enjoyment=peg[0] if peg else None,
        peg_activity=peg[1] if peg else None,
    )
    day = received_on or PROCEDURE_DAY + dt.timedelta(weeks=weeks)
    received = local_day_start(day) + dt.timedelta(hours=10)
    submit_request(database, request, "kiosk-1", now=received)


def test_no_follow_ups_give_an_empty_report(database: Database) -> None:
    report = outcomes(database)

    assert (report.follow_ups, report.groups) == (0, [])


def test_pain_medians_and_the_thirty_percent_rule_per_procedure(database: Database) -> None:
    _send(database, before=10, now=7, relief=30)  # exactly 30 % less: improved
    _send(database, before=8, now=6, relief=50)  # 25 % less: not improved
    _send(database, before=6, now=1, relief=90)
    _send(database, before=0, now=2, relief=0)  # no pain before: cannot fall by 30 %, left out of the share
    factories_appointment = factories.appointment()
    submit_request(database, factories_appointment, "kiosk-1")  # an appointment is no follow-up

    [overall, band] = outcomes(database).groups

    assert (overall.procedure, overall.weeks, overall.follow_ups) == ("si-joint-injection", ALL_WEEKS, 4)
    assert (overall.median_pain_before, overall.median_pain_now, overall.median_change) == (7.0, 4.0, 2.5)
    assert (overall.rated, overall.improved, overall.improved_share) == (3, 2, 2 / 3)
    assert (overall.relief_50, overall.relief_50_share) == (2, 0.5)
    assert band.weeks == "2-5" and band.follow_ups == 4


def test_follow_ups_are_grouped_by_weeks_since_the_procedure(database: Database) -> None:
    _send(database, before=8, now=2, weeks=1)
    _send(database, before=8, now=4, weeks=4)
    _send(database, before=8, now=7, weeks=12)
    _send(database, before=8, now=8, weeks=20)
    _send(database, before=5, now=1, weeks=3, procedure="rfa-si-joint")

    groups = outcomes(database).groups

    assert [(g.procedure, g.weeks, g.follow_ups, g.improved) for g in groups] == [
        ("rfa-si-joint", ALL_WEEKS, 1, 1),
        ("rfa-si-joint", "2-5", 1, 1),
        ("si-joint-injection", ALL_WEEKS, 4, 2),
        ("si-joint-injection", "0-1", 1, 1),
        ("si-joint-injection", "2-5", 1, 1),
        ("si-joint-injection", "6-12", 1, 0),
        ("si-joint-injection", "13+", 1, 0),
    ]


def test_peg_median_counts_only_follow_ups_that_asked_it(database: Database) -> None:
    _send(database, before=8, now=3, peg=(4, 5))  # PEG-3 = (3 + 4 + 5) / 3 = 4.0
    _send(database, before=8, now=6, peg=(8, 7))  # (6 + 8 + 7) / 3 = 7.0
    _send(database, before=8, now=6, peg=None)  # stored before the kiosk asked the PEG

    overall = outcomes(database).groups[0]

    assert (overall.with_peg, overall.median_peg) == (2, 5.5)


def test_the_period_is_by_the_local_day_received(database: Database) -> None:
    _send(database, before=8, now=2, weeks=1)
    _send(database, before=8, now=4, weeks=4)

    first_weeks = outcomes(database, received_from=PROCEDURE_DAY, received_to=PROCEDURE_DAY + dt.timedelta(weeks=1))
    later = outcomes(database, received_from=PROCEDURE_DAY + dt.timedelta(weeks=1, days=1))

    assert first_weeks.follow_ups == 1 and first_weeks.groups[0].median_pain_now == 2.0
    assert later.follow_ups == 1 and later.groups[0].median_pain_now == 4.0


def test_the_json_names_no_patient(database: Database) -> None:
    request = factories.follow_up()
    submit_request(database, request, "kiosk-1")

    text = json.dumps(outcomes(database).as_json())

    for private in (
        request.contact.first_name,
        request.contact.last_name,
        request.contact.phone_e164,
        request.concerns,
    ):
        assert private not in text
    assert '"improved_share": 1.0' in text and '"follow_ups": 1' in text


def test_follow_ups_are_also_counted_per_procedure_and_calendar_month_of_the_last_twelve(database: Database) -> None:
    _send(database, before=8, now=2, relief=80, received_on=dt.date(2025, 12, 31))
    _send(database, before=6, now=5, relief=10, received_on=dt.date(2025, 12, 1))
    _send(database, before=9, now=3, relief=50, received_on=dt.date(2026, 1, 2))  # a new year: a month of its own
    _send(database, before=7, now=7, procedure="rfa-si-joint", received_on=dt.date(2026, 1, 20))
    _send(database, before=8, now=1, received_on=dt.date(2025, 1, 31))  # 13 months before: out of the twelve

    report = outcomes(database, today=dt.date(2026, 1, 25))

    assert [(m.procedure, m.month, m.follow_ups, m.relief_50) for m in report.by_month] == [
        ("rfa-si-joint", "2026-01", 1, 0),
        ("si-joint-injection", "2025-12", 2, 1),
        ("si-joint-injection", "2026-01", 1, 1),
    ]
    december = report.by_month[1]
    assert (december.median_pain_before, december.median_pain_now, december.median_change) == (7.0, 3.5, 3.5)
    assert december.relief_50_share == 0.5
    assert report.follow_ups == 5  # the weeks bands keep every follow-up of the period


def test_the_months_end_with_the_period_s_end(database: Database) -> None:
    _send(database, before=8, now=2, received_on=dt.date(2025, 3, 10))
    _send(database, before=8, now=4, received_on=dt.date(2025, 4, 10))

    report = outcomes(database, received_to=dt.date(2025, 3, 31), today=dt.date(2026, 6, 1))

    assert [(m.month, m.follow_ups, m.median_pain_now) for m in report.by_month] == [("2025-03", 1, 2.0)]
    assert summarise_months([], dt.date(2025, 3, 31)) == []


def test_the_json_keeps_its_keys_and_adds_the_months(database: Database) -> None:
    _send(database, before=8, now=2, relief=60, received_on=dt.date(2025, 3, 10))

    figures = outcomes(database, today=dt.date(2025, 3, 31)).as_json({"si-joint-injection": "SI joint injection"})

    assert {"received_from", "received_to", "follow_ups", "rules", "groups", "by_month"} <= set(figures)
    assert figures["by_month"] == [
        {
            "procedure": "si-joint-injection",
            "title": "SI joint injection",
            "month": "2025-03",
            "follow_ups": 1,
            "median_pain_before": 8.0,
            "median_pain_now": 2.0,
            "median_change": 6.0,
            "relief_50": 1,
            "relief_50_share": 1.0,
        }
    ]
