"""PEG-3 in the follow-up: asked on the pain step, its score kept with the request, shown at the desk, exported."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest
from sqlalchemy import update

from kiosk.domain.forms import check_fields
from kiosk.domain.requests import FollowUpRequest, RequestKind, peg_score
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.export import export_csv
from kiosk.services.queue import QueueFilter
from kiosk.services.request_form import FieldKind, follow_up_steps
from kiosk.services.request_rows import from_record
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.models import RequestRecord
from kiosk.ui.console.answers import follow_up_section
from tests.domain.test_forms import CONTEXT, follow_up_answers
from tests.services import factories

ADMIN = Actor("root", Role.ADMIN, "back-office")
MONDAY = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def _peg(pain: int, enjoyment: int, activity: int) -> FollowUpRequest:
    return dataclasses.replace(factories.follow_up(), pain_now=pain, peg_enjoyment=enjoyment, peg_activity=activity)


def test_the_peg_is_asked_on_the_pain_step_without_a_new_step() -> None:
    steps = follow_up_steps(["si-joint-injection"])
    pain = next(step for step in steps if step.id == "pain")
    scales = [spec for spec in pain.fields if spec.kind is FieldKind.SCALE]
    assert [spec.key for spec in scales] == ["pain_before", "pain_now", "peg_enjoyment", "peg_activity"]
    assert [spec.scale_words for spec in scales] == ["pain", "pain", "interference", "interference"]
    assert [step.id for step in steps].count("pain") == 1


@pytest.mark.parametrize("key", ["peg_enjoyment", "peg_activity"])
def test_each_interference_item_must_be_answered_on_the_scale(key: str) -> None:
    for bad in (None, -1, 11, True, "5"):
        answers = follow_up_answers(**{key: bad})
        assert [(p.field, p.code) for p in check_fields(RequestKind.FOLLOW_UP, answers, [key], CONTEXT)] == [
            (key, "scale_invalid")
        ]


@pytest.mark.parametrize(
    ("items", "score"), [((0, 0, 0), 0.0), ((10, 10, 10), 10.0), ((6, 7, 4), 5.7), ((1, 0, 0), 0.3), ((5, 5, 6), 5.3)]
)
def test_the_score_is_the_mean_of_the_three_to_one_decimal(items: tuple[int, int, int], score: float) -> None:
    assert peg_score(*items) == score
    assert _peg(*items).peg_score == score


def test_the_score_is_stored_shown_at_the_desk_and_exported(database: Database) -> None:
    request = _peg(6, 7, 4)
    submit_request(database, request, "kiosk-1", now=MONDAY)

    with database.read() as session:
        record = session.get(RequestRecord, str(request.request_id))
        assert record is not None
        assert record.answers["peg_score"] == 5.7
        assert from_record(record) == request
    rows = dict(follow_up_section(request, str.title).rows)
    assert rows["PEG-3 score"] == (
        "5.7 out of 10 (average pain 6, enjoyment of life 7, general activity 4; higher is worse)"
    )
    stream = io.StringIO()
    export_csv(database, QueueFilter(statuses=frozenset(RequestStatus)), stream, actor=ADMIN)
    stream.seek(0)
    [row] = csv.DictReader(stream)
    assert row["PEG-3 score"] == "5.7"


def test_a_follow_up_sent_before_the_peg_reads_back_without_a_score(database: Database) -> None:
    request = factories.follow_up()
    submit_request(database, request, "kiosk-1", now=MONDAY)
    with database.transaction() as session:
        record = session.get(RequestRecord, str(request.request_id))
        assert record is not None
        old = {key: value for key, value in record.answers.items() if not key.startswith("peg_")}
        session.execute(update(RequestRecord).where(RequestRecord.id == record.id).values(answers=old))

    with database.read() as session:
        record = session.get(RequestRecord, str(request.request_id))
        assert record is not None
        before_peg = from_record(record)
    assert isinstance(before_peg, FollowUpRequest)
    assert before_peg.peg_score is None
    assert dict(follow_up_section(before_peg, str.title).rows)["PEG-3 score"].startswith("Not asked")
    stream = io.StringIO()
    export_csv(database, QueueFilter(statuses=frozenset(RequestStatus)), stream, actor=ADMIN)
    stream.seek(0)
    assert next(csv.DictReader(stream))["PEG-3 score"] == ""
