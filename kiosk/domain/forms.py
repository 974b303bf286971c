"""Turn a patient's raw form answers into a validated request, checking one step's answers at a time."""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar, cast

import phonenumbers
from email_validator import validate_email

from kiosk.domain.problems import FieldProblem, ProblemCode, RequestInvalid
from kiosk.domain.red_flags import NO, RED_FLAG_QUESTIONS, YES, red_flag_key, red_flags_from
from kiosk.domain.requests import (
    OTHER_REASON,
    AppointmentRequest,
    Contact,
    ContactMethod,
    ContactTime,
    FollowUpRequest,
    NextStep,
    PatientStatus,
    RedFlag,
    ReliefDuration,
    RequestKind,
    Weekday,
    YesNoUnsure,
)
from kiosk.domain.text import clean_text

Answers = Mapping[str, object]
_E = TypeVar("_E", bound=enum.StrEnum)

NAME_MAX = 80
EMAIL_MAX = 254  # the longest address SMTP can carry (RFC 5321 path limit)
REASON_OTHER_MAX = 500
CONCERNS_MAX = 2000
# Longer than any number written out with spaces and a country code; stops a pasted essay early.
PHONE_MAX = 64
MAX_AGE_YEARS = 120
PROCEDURE_MAX_YEARS_AGO = 2

# Letters and their accents (marks) of any script, plus what joins parts of real names:
# spaces, hyphens, apostrophes (typed or typographic), periods, and the middle dots of
# Catalan ("Paral·lel") and of Japanese names written in katakana ("ジョン・スミス").
_NAME_JOINERS = frozenset(" -\u2010\u2011'\u2019.\u00b7\u30fb")


@dataclass(frozen=True)
class FormContext:
    """What checking answers needs beyond the answers: where, when, which procedures, which request."""

    region: str  # phone region for numbers typed without a country code, like "US"
    today: dt.date
    procedures: frozenset[str]  # procedure page ids a patient may choose
    request_id: uuid.UUID
    language: str


_CONTACT_FIELDS = (
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
)
APPOINTMENT_FIELDS: tuple[str, ...] = (
    "patient_status",
    *_CONTACT_FIELDS,
    "reason",
    "reason_other",
    "preferred_days",
)
FOLLOW_UP_FIELDS: tuple[str, ...] = (
    "procedure",
    "procedure_day",
    "procedure_month",
    "procedure_year",
    *_CONTACT_FIELDS,
    "pain_before",
    "pain_now",
    "peg_enjoyment",
    "peg_activity",
    "relief_percent",
    "relief_duration",
    "relief_within_hours",
    *(red_flag_key(flag) for flag in RED_FLAG_QUESTIONS),
    "next_steps",
    "concerns",
)
FIELDS: Mapping[RequestKind, tuple[str, ...]] = {
    RequestKind.APPOINTMENT: APPOINTMENT_FIELDS,
    RequestKind.FOLLOW_UP: FOLLOW_UP_FIELDS,
}


class _AnswerError(Exception):
    """A reader's verdict on an answer; check_fields puts it on the field the rule names."""

    def __init__(self, code: ProblemCode) -> None:
        super().__init__(code.value)
        self.code = code


# -- readers: an answer's stored value, or _AnswerError naming what is wrong ---------------------


def _text(answers: Answers, key: str, *, multiline: bool = False) -> str:
    value = answers.get(key, "")
    # Another type can only be a programming slip; as "not answered" the patient can still go on.
    return clean_text(value, multiline=multiline) if isinstance(value, str) else ""


def _bounded(text: str, limit: int) -> str:
    if len(text) > limit:
        raise _AnswerError(ProblemCode.TOO_LONG)
    return text


def _name(answers: Answers, key: str) -> str:
    name = _bounded(_text(answers, key), NAME_MAX)
    if not name:
        raise _AnswerError(ProblemCode.REQUIRED)
    if not any(char.isalpha() for char in name) or not all(
        char.isalpha() or unicodedata.category(char).startswith("M") or char in _NAME_JOINERS for char in name
    ):
        raise _AnswerError(ProblemCode.NAME_INVALID)
    return name


def _date(answers: Answers, prefix: str) -> dt.date:
    day, month, year = (_text(answers, f"{prefix}_{part}") for part in ("day", "month", "year"))
    if not (day and month and year):
        raise _AnswerError(ProblemCode.REQUIRED)
    # A two-digit year is ambiguous (19xx or 20xx?), so the patient types all four.
    if not (len(day) <= 2 and len(month) <= 2 and len(year) == 4 and (day + month + year).isdecimal()):
        raise _AnswerError(ProblemCode.DATE_INVALID)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:  # February 30, month 13, year 0000
        raise _AnswerError(ProblemCode.DATE_INVALID) from None


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # February 29 in a year that has none
        return day.replace(year=day.year - years, day=28)


def _date_of_birth(answers: Answers, context: FormContext) -> dt.date:
    born = _date(answers, "dob")
    if born > context.today:
        raise _AnswerError(ProblemCode.DOB_FUTURE)
    # Whole years lived: the birthday this year counts only once it has come.
    age = context.today.year - born.year - ((context.today.month, context.today.day) < (born.month, born.day))
    if age > MAX_AGE_YEARS:
        raise _AnswerError(ProblemCode.DOB_TOO_OLD)
    return born


def _procedure_date(answers: Answers, context: FormContext) -> dt.date:
    done = _date(answers, "procedure")
    if done > context.today:
        raise _AnswerError(ProblemCode.PROCEDURE_DATE_FUTURE)
    if done < _years_before(context.today, PROCEDURE_MAX_YEARS_AGO):
        raise _AnswerError(ProblemCode.PROCEDURE_DATE_TOO_OLD)
    return done


def _phone(answers: Answers, context: FormContext) -> str:
    typed = _text(answers, "phone")
    if not typed:
        raise _AnswerError(ProblemCode.REQUIRED)
    if len(typed) > PHONE_MAX:
        raise _AnswerError(ProblemCode.PHONE_INVALID)
    try:
        number = phonenumbers.parse(typed, context.region)
    except phonenumbers.NumberParseException:
        raise _AnswerError(ProblemCode.PHONE_INVALID) from None
    if not phonenumbers.is_valid_number(number):
        raise _AnswerError(ProblemCode.PHONE_INVALID)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email(answers: Answers) -> str | None:
    typed = _bounded(_text(answers, "email"), EMAIL_MAX)
    if not typed:
        return None
    try:
        normalized = validate_email(typed, check_deliverability=False).normalized
    except ValueError:  # EmailNotValidError is one, and so is any idna or codec error on an odd domain
        raise _AnswerError(ProblemCode.EMAIL_INVALID) from None
    return _bounded(normalized, EMAIL_MAX)


def _choice(answers: Answers, key: str, choices: type[_E]) -> _E:
    value = answers.get(key)
    if isinstance(value, str):
        try:
            return choices(value)
        except ValueError:
            pass
    raise _AnswerError(ProblemCode.CHOICE_REQUIRED)


def _choices(answers: Answers, key: str, choices: type[_E]) -> tuple[_E, ...]:
    value = answers.get(key, frozenset())
    known = {member.value for member in choices}
    if not isinstance(value, set | frozenset | list | tuple) or not all(
        isinstance(item, str) and item in known for item in value
    ):
        raise _AnswerError(ProblemCode.CHOICE_REQUIRED)
    # In the enum's order, so the same choices always read back as the same tuple.
    return tuple(member for member in choices if member.value in value)


def _page(answers: Answers, key: str, pages: Iterable[str]) -> str:
    value = answers.get(key)
    if isinstance(value, str) and value in pages:
        return value
    raise _AnswerError(ProblemCode.CHOICE_REQUIRED)


def _consent_to_contact(answers: Answers, context: FormContext) -> bool:
    if answers.get("consent_contact") is not True:
        raise _AnswerError(ProblemCode.CONSENT_REQUIRED)
    return True


def _texts_opt_in(answers: Answers, context: FormContext) -> None:
    texts = answers.get("contact_method") == ContactMethod.TEXT_MESSAGE
    if texts and answers.get("consent_texts") is not True:
        raise _AnswerError(ProblemCode.TEXTS_NEED_OPT_IN)


def _email_for_method(answers: Answers, context: FormContext) -> None:
    if answers.get("contact_method") == ContactMethod.EMAIL and _email(answers) is None:
        raise _AnswerError(ProblemCode.EMAIL_NEEDED)


def _reason(answers: Answers, context: FormContext) -> str:
    return _page(answers, "reason", context.procedures | {OTHER_REASON})


def _reason_other(answers: Answers, context: FormContext) -> str:
    if _reason(answers, context) != OTHER_REASON:
        return ""  # words typed before the patient chose a listed reason are not kept
    words = _bounded(_text(answers, "reason_other"), REASON_OTHER_MAX)
    if not words:
        raise _AnswerError(ProblemCode.REASON_OTHER_REQUIRED)
    return words


def _scale(answers: Answers, key: str, top: int, step: int = 1) -> int:
    value = answers.get(key)
    # bool is an int to Python, but True is not a point on a scale.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top or value % step:
        raise _AnswerError(ProblemCode.SCALE_INVALID)
    return value


def _red_flag_answered(answers: Answers, flag: RedFlag) -> None:
    # No default: a warning sign left unanswered must never read as "no".
    if answers.get(red_flag_key(flag)) not in (YES, NO):
        raise _AnswerError(ProblemCode.RED_FLAG_UNANSWERED)


def _next_steps(answers: Answers) -> tuple[NextStep, ...]:
    chosen = _choices(answers, "next_steps", NextStep)
    if not chosen:
        raise _AnswerError(ProblemCode.NEXT_STEP_REQUIRED)
    return chosen


def _concerns(answers: Answers) -> str:
    return _bounded(_text(answers, "concerns", multiline=True), CONCERNS_MAX)


# -- rules: which answers each check reads, and where its problem is shown --------------------------


@dataclass(frozen=True)
class _Rule:
    reads: tuple[str, ...]
    field: str  # the answer the patient must change
    check: Callable[[Answers, FormContext], object]


def _one(key: str, check: Callable[[Answers, FormContext], object]) -> _Rule:
    return _Rule((key,), key, check)


def _red_flag_rule(flag: RedFlag) -> _Rule:
    return _one(red_flag_key(flag), lambda answers, _: _red_flag_answered(answers, flag))


_CONTACT_RULES = (
    _one("first_name", lambda answers, _: _name(answers, "first_name")),
    _one("last_name", lambda answers, _: _name(answers, "last_name")),
    _Rule(("dob_day", "dob_month", "dob_year"), "dob_day", _date_of_birth),
    _one("phone", _phone),
    _one("email", lambda answers, _: _email(answers)),
    _one("contact_method", lambda answers, _: _choice(answers, "contact_method", ContactMethod)),
    _one("contact_times", lambda answers, _: _choices(answers, "contact_times", ContactTime)),
    _one("consent_contact", _consent_to_contact),
    _Rule(("contact_method", "consent_texts"), "contact_method", _texts_opt_in),
    _Rule(("contact_method", "email"), "email", _email_for_method),
)
_RULES: dict[RequestKind, tuple[_Rule, ...]] = {
    RequestKind.APPOINTMENT: (
        _one("patient_status", lambda answers, _: _choice(answers, "patient_status", PatientStatus)),
        *_CONTACT_RULES,
        _one("reason", _reason),
        _Rule(("reason", "reason_other"), "reason_other", _reason_other),
        _one("preferred_days", lambda answers, _: _choices(answers, "preferred_days", Weekday)),
    ),
    RequestKind.FOLLOW_UP: (
        _one("procedure", lambda answers, context: _page(answers, "procedure", context.procedures)),
        _Rule(("procedure_day", "procedure_month", "procedure_year"), "procedure_day", _procedure_date),
        *_CONTACT_RULES,
        _one("pain_before", lambda answers, _: _scale(answers, "pain_before", 10)),
        _one("pain_now", lambda answers, _: _scale(answers, "pain_now", 10)),
        _one("peg_enjoyment", lambda answers, _: _scale(answers, "peg_enjoyment", 10)),
        _one("peg_activity", lambda answers, _: _scale(answers, "peg_activity", 10)),
        _one("relief_percent", lambda answers, _: _scale(answers, "relief_percent", 100, step=10)),
        _one("relief_duration", lambda answers, _: _choice(answers, "relief_duration", ReliefDuration)),
        _one("relief_within_hours", lambda answers, _: _choice(answers, "relief_within_hours", YesNoUnsure)),
        *(_red_flag_rule(flag) for flag in RED_FLAG_QUESTIONS),
        _one("next_steps", lambda answers, _: _next_steps(answers)),
        _one("concerns", lambda answers, _: _concerns(answers)),
    ),
}


def check_fields(
    kind: RequestKind, answers: Answers, fields: Iterable[str], context: FormContext
) -> list[FieldProblem]:
    """Problems with the named answers only, in form order, at most one per field."""
    return _check(kind, answers, fields, context, {})


def _check(
    kind: RequestKind, answers: Answers, fields: Iterable[str], context: FormContext, read: dict[str, object]
) -> list[FieldProblem]:
    # `read` gets each field's value from the first rule naming it: its reader, as readers come before the
    # rules across answers that name the same field. build_request uses them instead of reading twice.
    checking = frozenset(fields)
    problems: dict[str, FieldProblem] = {}
    failed: set[str] = set()
    for rule in _RULES[kind]:
        # A rule across answers waits until all of them are being checked, and keeps quiet
        # while one of them is already wrong: the patient fixes that first.
        if not checking.issuperset(rule.reads) or failed.intersection(rule.reads):
            continue
        try:
            read.setdefault(rule.field, rule.check(answers, context))
        except _AnswerError as invalid:
            problems.setdefault(rule.field, FieldProblem(rule.field, invalid.code.value))
            failed.update(rule.reads)
    order = FIELDS[kind]
    return sorted(problems.values(), key=lambda problem: order.index(problem.field))


def build_request(kind: RequestKind, answers: Answers, context: FormContext) -> AppointmentRequest | FollowUpRequest:
    """The request the answers describe; RequestInvalid with every problem if any answer is wrong."""
    read: dict[str, object] = {}
    problems = _check(kind, answers, FIELDS[kind], context, read)
    if problems:
        raise RequestInvalid(problems)
    # Every rule has passed, so `read` holds each field's value as its reader returned it.
    contact = Contact(
        first_name=cast(str, read["first_name"]),
        last_name=cast(str, read["last_name"]),
        date_of_birth=cast(dt.date, read["dob_day"]),
        phone_e164=cast(str, read["phone"]),
        email=cast(str | None, read["email"]),
        method=cast(ContactMethod, read["contact_method"]),
        times=cast(tuple[ContactTime, ...], read["contact_times"]),
        consent_to_contact=cast(bool, read["consent_contact"]),
        consent_to_texts=answers.get("consent_texts") is True,
    )
    if kind is RequestKind.APPOINTMENT:
        return AppointmentRequest(
            request_id=context.request_id,
            language=context.language,
            contact=contact,
            patient_status=cast(PatientStatus, read["patient_status"]),
            reason=cast(str, read["reason"]),
            reason_other=cast(str, read["reason_other"]),
            preferred_days=cast(tuple[Weekday, ...], read["preferred_days"]),
        )
    return FollowUpRequest(
        request_id=context.request_id,
        language=context.language,
        contact=contact,
        procedure=cast(str, read["procedure"]),
        procedure_date=cast(dt.date, read["procedure_day"]),
        pain_before=cast(int, read["pain_before"]),
        pain_now=cast(int, read["pain_now"]),
        relief_percent=cast(int, read["relief_percent"]),
        relief_duration=cast(ReliefDuration, read["relief_duration"]),
        relief_within_hours=cast(YesNoUnsure, read["relief_within_hours"]),
        red_flags=red_flags_from(answers),
        concerns=cast(str, read["concerns"]),
        next_steps=cast(tuple[NextStep, ...], read["next_steps"]),
        peg_enjoyment=cast(int, read["peg_enjoyment"]),
        peg_activity=cast(int, read["peg_activity"]),
    )
