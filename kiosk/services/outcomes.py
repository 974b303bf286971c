"""Do the procedures help? Pain before and after, and PEG-3, from the follow-ups patients sent; no one named.

The figures, per procedure and per band of weeks between the procedure and the follow-up:
- follow-ups: how many follow-up requests were received in the period;
- median pain before the procedure and now (0-10, as the patient rated them) and the median change;
- improved by 30 %: the share whose pain now is at least 30 % lower than before, (before - now) / before >= 0.3.
  A 30 % fall in a 0-10 pain rating is the change patients call "much better" (IMMPACT: Dworkin et al., J Pain
  2008; Farrar et al., Pain 2001). A follow-up with no pain before (0) cannot fall by 30 %: it is left out of
  this share (counted in `rated`), not counted as "not improved";
- at least 50 % relief: the share who answered 50 % or more to "how much relief" (the figure issue 20 names);
- median PEG-3 now (0-10, the mean of its three items; Krebs et al. 2009), over follow-ups that asked it. The kiosk
  asks the PEG once, at the follow-up, so there is no PEG before to compare with.

Only answers are read (procedure, dates, ratings), never a name, phone or free text, and only counts and medians
leave this module. The period is by the day a follow-up was received, on this PC's clock.

The same figures (but PEG-3 and the 30 % rule) also come per procedure and per calendar month the follow-up was
received, over the last 12 months (`by_month`), so the clinic sees a trend, as issue 20 asks. The settings name no
clinic time zone: a follow-up's month is that of the day it was received on this PC's clock (the zone the
console's PC is set to, which is the clinic's own), like the period above.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from kiosk.domain.requests import RequestKind
from kiosk.services.queue import local_day_start
from kiosk.storage.database import Database
from kiosk.storage.models import RequestRecord

IMPROVED_SHARE = 0.30  # a fall in pain of at least 30 % of the rating before: "much better" (see above)
RELIEF_PERCENT = 50  # "at least 50 % relief", as issue 20 asks
ALL_WEEKS = "all"
MONTHS = 12  # calendar months in `by_month`, the last one the month of the period's end (or of today)
# Weeks from the procedure to the follow-up: the numbing medicine's first days, the steroid's weeks, the three
# months a good injection is hoped to last, and after. (first week, last week or None for "and later", name)
WEEK_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 1, "0-1"),
    (2, 5, "2-5"),
    (6, 12, "6-12"),
    (13, None, "13+"),
)


@dataclass(frozen=True)
class FollowUpScores:
    """What one follow-up says about its procedure: no name, no contact, no free text."""

    procedure: str  # the procedure page's id
    received_on: dt.date  # the day the follow-up was received, on this PC's clock
    weeks_after: int  # whole weeks from the procedure to the day the follow-up was received
    pain_before: int
    pain_now: int
    relief_percent: int
    peg_score: float | None


@dataclass(frozen=True)
class OutcomeGroup:
    procedure: str
    weeks: str  # ALL_WEEKS, or a band's name from WEEK_BANDS ("2-5")
    follow_ups: int
    median_pain_before: float | None
    median_pain_now: float | None
    median_change: float | None  # before minus now: positive is less pain
    rated: int  # follow-ups with some pain before (the 30 % rule's denominator)
    improved: int  # of those, pain down by at least 30 %
    relief_50: int  # follow-ups reporting at least 50 % relief
    with_peg: int
    median_peg: float | None

    @property
    def improved_share(self) -> float | None:
        return self.improved / self.rated if self.rated else None

    @property
    def relief_50_share(self) -> float | None:
        return self.relief_50 / self.follow_ups if self.follow_ups else None


@dataclass(frozen=True)
class MonthGroup:
    """One procedure's follow-ups received in one calendar month."""

    procedure: str
    month: str  # "2026-11": the year and month the follow-ups were received
    follow_ups: int
    median_pain_before: float | None
    median_pain_now: float | None
    median_change: float | None  # before minus now: positive is less pain
    relief_50: int  # follow-ups reporting at least 50 % relief

    @property
    def relief_50_share(self) -> float | None:
        return self.relief_50 / self.follow_ups if self.follow_ups else None


@dataclass(frozen=True)
class OutcomesReport:
    received_from: dt.date | None
    received_to: dt.date | None
    follow_ups: int
    # Per procedure (by id): first its row over every week, then one row per band that has follow-ups.
    groups: list[OutcomeGroup]
    # Per procedure (by id), one row per month of the last MONTHS that has follow-ups, oldest first.
    by_month: list[MonthGroup] = field(default_factory=list)

    def as_json(self, titles: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The figures for other programs; each group names its procedure by id and by title (`titles`)."""
        return {
            "received_from": self.received_from.isoformat() if self.received_from else None,
            "received_to": self.received_to.isoformat() if self.received_to else None,
            "follow_ups": self.follow_ups,
            "rules": {
                "improved": f"pain now at least {IMPROVED_SHARE:.0%} lower than pain before, of those with pain before",
                "relief_50": f"relief answered as {RELIEF_PERCENT} % or more",
                "weeks": "whole weeks from the procedure date to the day the follow-up was received",
                "by_month": f"the calendar month the follow-up was received (this PC's clock), last {MONTHS} months",
            },
            "groups": [
                {
                    "procedure": group.procedure,
                    "title": procedure_title(group.procedure, titles or {}),
                    "weeks": group.weeks,
                    "follow_ups": group.follow_ups,
                    "median_pain_before": group.median_pain_before,
                    "median_pain_now": group.median_pain_now,
                    "median_change": group.median_change,
                    "rated": group.rated,
                    "improved": group.improved,
                    "improved_share": _rounded(group.improved_share),
                    "relief_50": group.relief_50,
                    "relief_50_share": _rounded(group.relief_50_share),
                    "with_peg": group.with_peg,
                    "median_peg": group.median_peg,
                }
                for group in self.groups
            ],
            "by_month": [
                {
                    "procedure": group.procedure,
                    "title": procedure_title(group.procedure, titles or {}),
                    "month": group.month,
                    "follow_ups": group.follow_ups,
                    "median_pain_before": group.median_pain_before,
                    "median_pain_now": group.median_pain_now,
                    "median_change": group.median_change,
                    "relief_50": group.relief_50,
                    "relief_50_share": _rounded(group.relief_50_share),
                }
                for group in self.by_month
            ],
        }


def procedure_title(procedure: str, titles: Mapping[str, str]) -> str:
    """The procedure's page title where the content has one; else its id as the follow-up recorded it (a page
    since removed, or one from another clinic's content), never a guessed name."""
    return titles.get(procedure) or procedure


def outcomes(
    database: Database,
    *,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    today: dt.date | None = None,
) -> OutcomesReport:
    """The figures over follow-ups received from `received_from` to `received_to` (local days, both included).

    `by_month` covers the MONTHS calendar months up to the month of `received_to`, or of `today` (this PC's
    date unless given) when the period has no end.
    """
    conditions = [RequestRecord.kind == RequestKind.FOLLOW_UP.value]
    if received_from is not None:
        conditions.append(RequestRecord.created_at >= local_day_start(received_from))
    if received_to is not None:
        conditions.append(RequestRecord.created_at < local_day_start(received_to + dt.timedelta(days=1)))
    with database.read() as session:
        rows = session.execute(select(RequestRecord.created_at, RequestRecord.answers).where(*conditions)).all()
    scores = [score for created_at, answers in rows if (score := follow_up_scores(created_at, answers))]
    last_month = received_to or today or dt.date.today()
    return OutcomesReport(
        received_from, received_to, len(scores), summarise(scores), summarise_months(scores, last_month)
    )


def follow_up_scores(received_at: dt.datetime, answers: object) -> FollowUpScores | None:
    """The scores in one stored follow-up's answers; None for answers this version cannot read (left out)."""
    if not isinstance(answers, dict):
        return None
    try:
        procedure_day = dt.date.fromisoformat(str(answers["procedure_date"]))
        peg = answers.get("peg_score")
        received_on = received_at.astimezone().date()
        return FollowUpScores(
            procedure=str(answers["procedure"]),
            received_on=received_on,
            # A follow-up dated before its procedure (a typo) counts as the first week, not a negative one.
            weeks_after=max(0, (received_on - procedure_day).days // 7),
            pain_before=_whole(answers["pain_before"]),
            pain_now=_whole(answers["pain_now"]),
            relief_percent=_whole(answers["relief_percent"]),
            peg_score=float(peg) if isinstance(peg, int | float) and not isinstance(peg, bool) else None,
        )
    except (KeyError, ValueError, TypeError):
        return None


def summarise(scores: Iterable[FollowUpScores]) -> list[OutcomeGroup]:
    """Per procedure (by id), its row over every week, then one per band of weeks that has follow-ups."""
    by_procedure: dict[str, list[FollowUpScores]] = defaultdict(list)
    for score in scores:
        by_procedure[score.procedure].append(score)
    groups: list[OutcomeGroup] = []
    for procedure in sorted(by_procedure):
        found = by_procedure[procedure]
        groups.append(_group(procedure, ALL_WEEKS, found))
        for first, last, name in WEEK_BANDS:
            band = [s for s in found if s.weeks_after >= first and (last is None or s.weeks_after <= last)]
            if band:
                groups.append(_group(procedure, name, band))
    return groups


def summarise_months(scores: Iterable[FollowUpScores], last_month: dt.date) -> list[MonthGroup]:
    """Per procedure (by id), one row per calendar month received that has follow-ups, oldest first, over the
    MONTHS months ending with `last_month`'s; a month without follow-ups has no row (nothing to measure)."""
    first = _month_index(last_month) - MONTHS + 1
    found: dict[tuple[str, int], list[FollowUpScores]] = defaultdict(list)
    for score in scores:
        month = _month_index(score.received_on)
        if first <= month <= first + MONTHS - 1:
            found[(score.procedure, month)].append(score)
    return [
        MonthGroup(
            procedure=procedure,
            month=f"{month // 12:04d}-{month % 12 + 1:02d}",
            follow_ups=len(group),
            median_pain_before=_median([s.pain_before for s in group]),
            median_pain_now=_median([s.pain_now for s in group]),
            median_change=_median([s.pain_before - s.pain_now for s in group]),
            relief_50=sum(1 for s in group if s.relief_percent >= RELIEF_PERCENT),
        )
        for (procedure, month), group in sorted(found.items())
    ]


def _month_index(day: dt.date) -> int:
    """Months since year 0: consecutive calendar months are consecutive numbers, across a new year too."""
    return day.year * 12 + day.month - 1


def improved(score: FollowUpScores) -> bool | None:
    """Pain down by at least 30 % of the rating before; None when there was no pain before to fall."""
    if score.pain_before <= 0:
        return None
    return (score.pain_before - score.pain_now) / score.pain_before >= IMPROVED_SHARE


def _group(procedure: str, weeks: str, scores: Sequence[FollowUpScores]) -> OutcomeGroup:
    verdicts = [verdict for score in scores if (verdict := improved(score)) is not None]
    pegs = [score.peg_score for score in scores if score.peg_score is not None]
    return OutcomeGroup(
        procedure=procedure,
        weeks=weeks,
        follow_ups=len(scores),
        median_pain_before=_median([s.pain_before for s in scores]),
        median_pain_now=_median([s.pain_now for s in scores]),
        median_change=_median([s.pain_before - s.pain_now for s in scores]),
        rated=len(verdicts),
        improved=sum(verdicts),
        relief_50=sum(1 for s in scores if s.relief_percent >= RELIEF_PERCENT),
        with_peg=len(pegs),
        median_peg=_median(pegs),
    )


def _median(values: Sequence[float]) -> float | None:
    return round(float(statistics.median(values)), 1) if values else None


def _rounded(share: float | None) -> float | None:
    return round(share, 3) if share is not None else None


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not a whole number")
    return value
