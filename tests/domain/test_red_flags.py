"""The red-flag rules: which warning signs are asked, which answers mark them, what is urgent."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.red_flags import RED_FLAG_QUESTIONS, is_urgent, red_flag_key, red_flags_from
from kiosk.domain.requests import (
    AppointmentRequest,
    Contact,
    ContactMethod,
    FollowUpRequest,
    NextStep,
    PatientStatus,
    RedFlag,
    ReliefDuration,
    YesNoUnsure,
)

CONTACT = Contact(
    first_name="Ana",
    last_name="Pérez",
    date_of_birth=dt.date(1961, 3, 14),
    phone_e164="+12025550143",
    email=None,
    method=ContactMethod.PHONE_CALL,
    times=(),
    consent_to_contact=True,
    consent_to_texts=False,
)


def follow_up(red_flags: frozenset[RedFlag]) -> FollowUpRequest:
    return FollowUpRequest(
        request_id=uuid.uuid4(),
        language="en",
        contact=CONTACT,
        procedure="epidural_steroid_injection",
        procedure_date=dt.date(2025, 6, 1),
        pain_before=8,
        pain_now=3,
        relief_percent=60,
        relief_duration=ReliefDuration.DAYS,
        relief_within_hours=YesNoUnsure.YES,
        red_flags=red_flags,
        concerns="",
        next_steps=(NextStep.FOLLOW_UP_VISIT,),
    )


def appointment() -> AppointmentRequest:
    return AppointmentRequest(
        request_id=uuid.uuid4(),
        language="en",
        contact=CONTACT,
        patient_status=PatientStatus.NEW,
        reason="other",
        reason_other="Hip pain",
        preferred_days=(),
    )


def test_questions_are_asked_most_serious_first_each_once() -> None:
    assert RED_FLAG_QUESTIONS == (
        RedFlag.BLADDER_OR_BOWEL_CHANGES,
        RedFlag.LEG_WEAKNESS_OR_NUMBNESS,
        RedFlag.FEVER,
        RedFlag.SITE_REDNESS_OR_SWELLING,
    )
    assert set(RED_FLAG_QUESTIONS) == set(RedFlag)


def test_each_question_has_its_answer_key() -> None:
    assert [red_flag_key(flag) for flag in RED_FLAG_QUESTIONS] == [
        "red_flag_bladder_or_bowel_changes",
        "red_flag_leg_weakness_or_numbness",
        "red_flag_fever",
        "red_flag_site_redness_or_swelling",
    ]


@pytest.mark.parametrize("flag", RED_FLAG_QUESTIONS)
def test_a_yes_marks_its_red_flag(flag: RedFlag) -> None:
    answers = {red_flag_key(other): "no" for other in RED_FLAG_QUESTIONS} | {red_flag_key(flag): "yes"}
    assert red_flags_from(answers) == {flag}


@pytest.mark.parametrize("answer", ["no", "not_sure", "YES", "Yes", " yes", True, 1, None])
def test_only_the_answer_yes_marks_a_red_flag(answer: object) -> None:
    # Validation rejects anything but "yes" or "no" before a request is built, so nothing slips through.
    assert red_flags_from({red_flag_key(RedFlag.FEVER): answer}) == frozenset()


def test_no_answers_mark_no_red_flags() -> None:
    assert red_flags_from({}) == frozenset()


def test_a_follow_up_with_any_red_flag_is_urgent() -> None:
    assert is_urgent(follow_up(frozenset({RedFlag.BLADDER_OR_BOWEL_CHANGES})))
    assert follow_up(frozenset({RedFlag.FEVER})).urgent


def test_a_follow_up_without_red_flags_is_not_urgent() -> None:
    assert not is_urgent(follow_up(frozenset()))
    assert not follow_up(frozenset()).urgent


def test_an_appointment_request_is_never_urgent() -> None:
    assert not is_urgent(appointment())
    assert not appointment().urgent


@settings(max_examples=60, deadline=None)
@given(st.fixed_dictionaries({red_flag_key(flag): st.sampled_from(["yes", "no"]) for flag in RED_FLAG_QUESTIONS}))
def test_urgent_exactly_when_some_answer_is_yes(answers: dict[str, str]) -> None:
    flags = red_flags_from(answers)
    assert flags == {flag for flag in RED_FLAG_QUESTIONS if answers[red_flag_key(flag)] == "yes"}
    assert follow_up(flags).urgent == ("yes" in answers.values())
