"""Answer keys: the enum names the very strings the forms, the stored requests and the FHIR files have always used."""

from __future__ import annotations

import csv
import io
import json

from kiosk.domain.answers import DATE_OF_BIRTH, PROCEDURE_DATE, AnswerKey, red_flag_answer
from kiosk.domain.forms import APPOINTMENT_FIELDS, FOLLOW_UP_FIELDS, check_fields
from kiosk.domain.problems import FieldProblem
from kiosk.domain.red_flags import red_flag_key
from kiosk.domain.requests import RedFlag, RequestKind
from tests.domain.test_forms import CONTEXT

# The keys as they were before the enum, copied by hand: the UI's string keys, the FHIR linkIds and the
# strings in stored data are these bytes, so a renamed member must not change a value.
KEYS_BEFORE_THE_ENUM = (
    "patient_status",
    "first_name",
    "last_name",
    "dob_day",
    "dob_month",
    "dob_year",
    "phone",
    "email",
    "contact_method",
    "contact_times",
    "consent_contact",
    "consent_texts",
    "reason",
    "reason_other",
    "preferred_days",
    "procedure",
    "procedure_day",
    "procedure_month",
    "procedure_year",
    "pain_before",
    "pain_now",
    "peg_enjoyment",
    "peg_activity",
    "relief_percent",
    "relief_duration",
    "relief_within_hours",
    "red_flag_fever",
    "red_flag_site_redness_or_swelling",
    "red_flag_leg_weakness_or_numbness",
    "red_flag_bladder_or_bowel_changes",
    "next_steps",
    "concerns",
)


def test_every_answer_key_is_the_string_the_forms_have_always_used() -> None:
    assert [key.value for key in AnswerKey] == list(KEYS_BEFORE_THE_ENUM)


def test_the_forms_ask_for_every_answer_key_and_no_other() -> None:
    assert set(APPOINTMENT_FIELDS) | set(FOLLOW_UP_FIELDS) == set(AnswerKey)


def test_each_warning_sign_has_its_answer_key() -> None:
    assert {red_flag_answer(flag) for flag in RedFlag} == {key for key in AnswerKey if key.startswith("red_flag_")}
    assert red_flag_answer(RedFlag.FEVER) is AnswerKey.RED_FLAG_FEVER
    # Callers outside the domain name the same answers with plain strings.
    assert all(red_flag_key(flag) == red_flag_answer(flag).value for flag in RedFlag)


def test_a_date_is_three_keys_day_month_year() -> None:
    assert DATE_OF_BIRTH == ("dob_day", "dob_month", "dob_year")
    assert PROCEDURE_DATE == ("procedure_day", "procedure_month", "procedure_year")


def test_a_key_written_out_is_its_plain_string() -> None:
    key = AnswerKey.RED_FLAG_FEVER
    assert (str(key), f"{key}", json.dumps({key: [key]})) == (
        "red_flag_fever",
        "red_flag_fever",
        '{"red_flag_fever": ["red_flag_fever"]}',
    )
    written = io.StringIO()
    csv.writer(written).writerow([key, AnswerKey.PHONE])
    assert written.getvalue() == "red_flag_fever,phone\r\n"


def test_plain_string_keys_from_outside_the_domain_still_find_their_answers() -> None:
    # The UI keeps plain strings: "phone" and AnswerKey.PHONE are the same entry and the same field.
    assert check_fields(RequestKind.APPOINTMENT, {"phone": "12"}, ["phone"], CONTEXT) == [
        FieldProblem("phone", "phone_invalid")
    ]
    assert check_fields(RequestKind.APPOINTMENT, {AnswerKey.PHONE: "12"}, [AnswerKey.PHONE], CONTEXT) == [
        FieldProblem("phone", "phone_invalid")
    ]
    problem = check_fields(RequestKind.APPOINTMENT, {}, ["phone"], CONTEXT)[0]
    assert type(problem.field) is str  # what a caller logs or shows is the plain key, never "AnswerKey.PHONE"
