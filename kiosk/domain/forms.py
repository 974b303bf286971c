"""Turn a patient's raw form answers into a validated request, checking one step's answers at a time."""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, TypeVar

import phonenumbers
from email_validator import validate_email

from kiosk.domain.answers import DATE_OF_BIRTH, PROCEDURE_DATE, AnswerKey, DateKeys, red_flag_answer
from kiosk.domain.problems import FieldProblem, ProblemCode, RequestInvalid
from kiosk.domain.red_flags import NO, RED_FLAG_QUESTIONS, YES
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
    AnswerKey.FIRST_NAME,
    AnswerKey.LAST_NAME,
    *DATE_OF_BIRTH,
    AnswerKey.PHONE,
    AnswerKey.EMAIL,
    AnswerKey.CONTACT_METHOD,
    AnswerKey.CONTACT_TIMES,
    AnswerKey.CONSENT_CONTACT,
    AnswerKey.CONSENT_TEXTS,
)
APPOINTMENT_FIELDS: tuple[AnswerKey, ...] = (
    AnswerKey.PATIENT_STATUS,
    *_CONTACT_FIELDS,
    AnswerKey.REASON,
    AnswerKey.REASON_OTHER,
    AnswerKey.PREFERRED_DAYS,
)
FOLLOW_UP_FIELDS: tuple[AnswerKey, ...] = (
    AnswerKey.PROCEDURE,
    *PROCEDURE_DATE,
    *_CONTACT_FIELDS,
    AnswerKey.PAIN_BEFORE,
    AnswerKey.PAIN_NOW,
    AnswerKey.PEG_ENJOYMENT,
    AnswerKey.PEG_ACTIVITY,
    AnswerKey.RELIEF_PERCENT,
    AnswerKey.RELIEF_DURATION,
    AnswerKey.RELIEF_WITHIN_HOURS,
    *(red_flag_answer(flag) for flag in RED_FLAG_QUESTIONS),
    AnswerKey.NEXT_STEPS,
    AnswerKey.CONCERNS,
)
FIELDS: Mapping[RequestKind, tuple[AnswerKey, ...]] = {
    RequestKind.APPOINTMENT: APPOINTMENT_FIELDS,
    RequestKind.FOLLOW_UP: FOLLOW_UP_FIELDS,
}


class _AnswerError(Exception):
    """A reader's verdict on an answer; the check that ran the reader shows it on its field."""

    def __init__(self, code: ProblemCode) -> None:
        super().__init__(code.value)
        self.code = code


# -- parsers: one answer's stored value, or _AnswerError naming what is wrong ----------------------


def _text(answers: Answers, key: AnswerKey, *, multiline: bool = False) -> str:
    value = answers.get(key, "")
    # Another type can only be a programming slip; as "not answered" the patient can still go on.
    return clean_text(value, multiline=multiline) if isinstance(value, str) else ""


def _bounded(text: str, limit: int) -> str:
    if len(text) > limit:
        raise _AnswerError(ProblemCode.TOO_LONG)
    return text


def _name(answers: Answers, key: AnswerKey) -> str:
    name = _bounded(_text(answers, key), NAME_MAX)
    if not name:
        raise _AnswerError(ProblemCode.REQUIRED)
    if not any(char.isalpha() for char in name) or not all(
        char.isalpha() or unicodedata.category(char).startswith("M") or char in _NAME_JOINERS for char in name
    ):
        raise _AnswerError(ProblemCode.NAME_INVALID)
    return name


def _date(answers: Answers, keys: DateKeys) -> dt.date:
    day, month, year = (_text(answers, key) for key in keys)
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


def _choice(answers: Answers, key: AnswerKey, choices: type[_E]) -> _E:
    value = answers.get(key)
    if isinstance(value, str):
        try:
            return choices(value)
        except ValueError:
            pass
    raise _AnswerError(ProblemCode.CHOICE_REQUIRED)


def _choices(answers: Answers, key: AnswerKey, choices: type[_E]) -> tuple[_E, ...]:
    value = answers.get(key, frozenset())
    known = {member.value for member in choices}
    if not isinstance(value, set | frozenset | list | tuple) or not all(
        isinstance(item, str) and item in known for item in value
    ):
        raise _AnswerError(ProblemCode.CHOICE_REQUIRED)
    # In the enum's order, so the same choices always read back as the same tuple.
    return tuple(member for member in choices if member.value in value)


def _page(answers: Answers, key: AnswerKey, pages: Iterable[str]) -> str:
    value = answers.get(key)
    if isinstance(value, str) and value in pages:
        return value
    raise _AnswerError(ProblemCode.CHOICE_REQUIRED)


def _scale(answers: Answers, key: AnswerKey, top: int, step: int = 1) -> int:
    value = answers.get(key)
    # bool is an int to Python, but True is not a point on a scale.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top or value % step:
        raise _AnswerError(ProblemCode.SCALE_INVALID)
    return value


# -- readers: each field's typed value, read at most once per check ---------------------------------


class _Reading:
    """One patient's answers, read field by field: each reader returns its typed value or raises the problem.

    Readers are cached, so the values the checks accepted are the ones built into the request, and the
    dearest read (parsing the phone number, which Submit waits for) is done once. A reader that reads
    another field's value (reason_other reads reason) runs only once that field has passed (_FormRules).
    """

    def __init__(self, answers: Answers, context: FormContext) -> None:
        self.answers = answers
        self.context = context

    @cached_property
    def first_name(self) -> str:
        return _name(self.answers, AnswerKey.FIRST_NAME)

    @cached_property
    def last_name(self) -> str:
        return _name(self.answers, AnswerKey.LAST_NAME)

    @cached_property
    def date_of_birth(self) -> dt.date:
        born = _date(self.answers, DATE_OF_BIRTH)
        today = self.context.today
        if born > today:
            raise _AnswerError(ProblemCode.DOB_FUTURE)
        # Whole years lived: the birthday this year counts only once it has come.
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if age > MAX_AGE_YEARS:
            raise _AnswerError(ProblemCode.DOB_TOO_OLD)
        return born

    @cached_property
    def phone(self) -> str:
        typed = _text(self.answers, AnswerKey.PHONE)
        if not typed:
            raise _AnswerError(ProblemCode.REQUIRED)
        if len(typed) > PHONE_MAX:
            raise _AnswerError(ProblemCode.PHONE_INVALID)
        try:
            number = phonenumbers.parse(typed, self.context.region)
        except phonenumbers.NumberParseException:
            raise _AnswerError(ProblemCode.PHONE_INVALID) from None
        if not phonenumbers.is_valid_number(number):
            raise _AnswerError(ProblemCode.PHONE_INVALID)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @cached_property
    def email(self) -> str | None:
        typed = _bounded(_text(self.answers, AnswerKey.EMAIL), EMAIL_MAX)
        if not typed:
            return None
        try:
            normalized = validate_email(typed, check_deliverability=False).normalized
        except ValueError:  # EmailNotValidError is one, and so is any idna or codec error on an odd domain
            raise _AnswerError(ProblemCode.EMAIL_INVALID) from None
        return _bounded(normalized, EMAIL_MAX)

    @cached_property
    def contact_method(self) -> ContactMethod:
        return _choice(self.answers, AnswerKey.CONTACT_METHOD, ContactMethod)

    @cached_property
    def contact_times(self) -> tuple[ContactTime, ...]:
        return _choices(self.answers, AnswerKey.CONTACT_TIMES, ContactTime)

    @cached_property
    def consent_contact(self) -> Literal[True]:
        if self.answers.get(AnswerKey.CONSENT_CONTACT) is not True:
            raise _AnswerError(ProblemCode.CONSENT_REQUIRED)
        return True

    @cached_property
    def consent_texts(self) -> bool:
        return self.answers.get(AnswerKey.CONSENT_TEXTS) is True  # optional: anything but a tick is "no"

    @cached_property
    def contact(self) -> Contact:
        return Contact(
            first_name=self.first_name,
            last_name=self.last_name,
            date_of_birth=self.date_of_birth,
            phone_e164=self.phone,
            email=self.email,
            method=self.contact_method,
            times=self.contact_times,
            consent_to_contact=self.consent_contact,
            consent_to_texts=self.consent_texts,
        )

    @cached_property
    def patient_status(self) -> PatientStatus:
        return _choice(self.answers, AnswerKey.PATIENT_STATUS, PatientStatus)

    @cached_property
    def reason(self) -> str:
        return _page(self.answers, AnswerKey.REASON, self.context.procedures | {OTHER_REASON})

    @cached_property
    def reason_other(self) -> str:
        if self.reason != OTHER_REASON:
            return ""  # words typed before the patient chose a listed reason are not kept
        words = _bounded(_text(self.answers, AnswerKey.REASON_OTHER), REASON_OTHER_MAX)
        if not words:
            raise _AnswerError(ProblemCode.REASON_OTHER_REQUIRED)
        return words

    @cached_property
    def preferred_days(self) -> tuple[Weekday, ...]:
        return _choices(self.answers, AnswerKey.PREFERRED_DAYS, Weekday)

    @cached_property
    def procedure(self) -> str:
        return _page(self.answers, AnswerKey.PROCEDURE, self.context.procedures)

    @cached_property
    def procedure_date(self) -> dt.date:
        done = _date(self.answers, PROCEDURE_DATE)
        if done > self.context.today:
            raise _AnswerError(ProblemCode.PROCEDURE_DATE_FUTURE)
        if done < _years_before(self.context.today, PROCEDURE_MAX_YEARS_AGO):
            raise _AnswerError(ProblemCode.PROCEDURE_DATE_TOO_OLD)
        return done

    @cached_property
    def pain_before(self) -> int:
        return _scale(self.answers, AnswerKey.PAIN_BEFORE, 10)

    @cached_property
    def pain_now(self) -> int:
        return _scale(self.answers, AnswerKey.PAIN_NOW, 10)

    @cached_property
    def peg_enjoyment(self) -> int:
        return _scale(self.answers, AnswerKey.PEG_ENJOYMENT, 10)

    @cached_property
    def peg_activity(self) -> int:
        return _scale(self.answers, AnswerKey.PEG_ACTIVITY, 10)

    @cached_property
    def relief_percent(self) -> int:
        return _scale(self.answers, AnswerKey.RELIEF_PERCENT, 100, step=10)

    @cached_property
    def relief_duration(self) -> ReliefDuration:
        return _choice(self.answers, AnswerKey.RELIEF_DURATION, ReliefDuration)

    @cached_property
    def relief_within_hours(self) -> YesNoUnsure:
        return _choice(self.answers, AnswerKey.RELIEF_WITHIN_HOURS, YesNoUnsure)

    def red_flag(self, flag: RedFlag) -> bool:
        """True for "yes"; a warning sign left unanswered must never read as "no", so it has no default."""
        answer = self.answers.get(red_flag_answer(flag))
        if answer not in (YES, NO):
            raise _AnswerError(ProblemCode.RED_FLAG_UNANSWERED)
        return answer == YES

    @cached_property
    def red_flags(self) -> frozenset[RedFlag]:
        return frozenset(flag for flag in RED_FLAG_QUESTIONS if self.red_flag(flag))

    @cached_property
    def next_steps(self) -> tuple[NextStep, ...]:
        chosen = _choices(self.answers, AnswerKey.NEXT_STEPS, NextStep)
        if not chosen:
            raise _AnswerError(ProblemCode.NEXT_STEP_REQUIRED)
        return chosen

    @cached_property
    def concerns(self) -> str:
        return _bounded(_text(self.answers, AnswerKey.CONCERNS, multiline=True), CONCERNS_MAX)

    # Rules across answers: they read fields that have already passed, and raise on the field to change.

    def texts_opt_in(self) -> None:
        if self.contact_method is ContactMethod.TEXT_MESSAGE and not self.consent_texts:
            raise _AnswerError(ProblemCode.TEXTS_NEED_OPT_IN)

    def email_for_method(self) -> None:
        if self.contact_method is ContactMethod.EMAIL and self.email is None:
            raise _AnswerError(ProblemCode.EMAIL_NEEDED)


# -- rules: which answers each reader reads, and where its problem is shown -------------------------


@dataclass(frozen=True)
class _Check:
    reads: tuple[AnswerKey, ...]  # checked only when all of these are
    shown_on: AnswerKey  # the answer the patient must change
    run: Callable[[_Reading], object]


def _field(key: AnswerKey, run: Callable[[_Reading], object]) -> _Check:
    return _Check((key,), key, run)


# The warning signs are asked as one checklist (each sign tapped, or "None of these"), so they are checked as one
# field, as a date's three boxes are: one problem, shown on the first sign, never four of the same sentence.
RED_FLAG_ANSWERS: tuple[AnswerKey, ...] = tuple(red_flag_answer(flag) for flag in RED_FLAG_QUESTIONS)


@dataclass(frozen=True)
class _FormRules:
    """One form's checks: each field's own reader, then the rules across answers.

    The two tiers make the result independent of the order checks are listed in: a field's reader needs
    no other answer, and a rule across answers runs only after every field it reads has passed, so it
    keeps quiet while one of them is wrong (the patient fixes that first) and never shows a second
    problem on a field (it shows its problem on one of the fields it reads).
    """

    order: tuple[AnswerKey, ...]  # the form's answers, in the order problems are listed
    fields: tuple[_Check, ...]
    across: tuple[_Check, ...]

    def __post_init__(self) -> None:
        # A slip here would show two problems on one field, let a rule speak over a field's own problem,
        # or read an answer the form does not ask for.
        if not {key for check in (*self.fields, *self.across) for key in check.reads} <= set(self.order):
            raise ValueError("a check reads an answer the form does not ask for")
        for tier in (self.fields, self.across):
            shown = [check.shown_on for check in tier]
            if len(set(shown)) != len(shown):
                raise ValueError(f"two checks of one tier show their problem on the same field: {shown}")
        for check in self.across:
            if check.shown_on not in check.reads:
                raise ValueError(f"a rule across answers shows its problem on {check.shown_on}, which it does not read")
            # It must wait for the whole of each field it reads (all three boxes of a date), or it could run
            # that field's reader before the field's own check and show the field's problem as its own.
            reads = set(check.reads)
            if any(not reads.isdisjoint(field.reads) and not reads.issuperset(field.reads) for field in self.fields):
                raise ValueError(f"a rule across answers reads part of a field: {check.reads}")

    def problems(self, reading: _Reading, fields: Iterable[str]) -> list[FieldProblem]:
        checking = frozenset(fields)
        found: dict[AnswerKey, ProblemCode] = {}
        failed: set[AnswerKey] = set()
        for check in self.fields:
            if checking.issuperset(check.reads) and (code := _verdict(check, reading)) is not None:
                found[check.shown_on] = code
                failed.update(check.reads)
        for check in self.across:
            ready = checking.issuperset(check.reads) and not failed.intersection(check.reads)
            if ready and (code := _verdict(check, reading)) is not None:
                found.setdefault(check.shown_on, code)
        return [FieldProblem(key.value, found[key].value) for key in self.order if key in found]


def _verdict(check: _Check, reading: _Reading) -> ProblemCode | None:
    try:
        check.run(reading)
    except _AnswerError as invalid:
        return invalid.code
    return None


_CONTACT_CHECKS = (
    _field(AnswerKey.FIRST_NAME, lambda reading: reading.first_name),
    _field(AnswerKey.LAST_NAME, lambda reading: reading.last_name),
    _Check(DATE_OF_BIRTH, AnswerKey.DOB_DAY, lambda reading: reading.date_of_birth),
    _field(AnswerKey.PHONE, lambda reading: reading.phone),
    _field(AnswerKey.EMAIL, lambda reading: reading.email),
    _field(AnswerKey.CONTACT_METHOD, lambda reading: reading.contact_method),
    _field(AnswerKey.CONTACT_TIMES, lambda reading: reading.contact_times),
    _field(AnswerKey.CONSENT_CONTACT, lambda reading: reading.consent_contact),
)
_CONTACT_ACROSS = (
    _Check((AnswerKey.CONTACT_METHOD, AnswerKey.CONSENT_TEXTS), AnswerKey.CONTACT_METHOD, _Reading.texts_opt_in),
    _Check((AnswerKey.CONTACT_METHOD, AnswerKey.EMAIL), AnswerKey.EMAIL, _Reading.email_for_method),
)
_RULES: Mapping[RequestKind, _FormRules] = {
    RequestKind.APPOINTMENT: _FormRules(
        order=APPOINTMENT_FIELDS,
        fields=(
            _field(AnswerKey.PATIENT_STATUS, lambda reading: reading.patient_status),
            *_CONTACT_CHECKS,
            _field(AnswerKey.REASON, lambda reading: reading.reason),
            _field(AnswerKey.PREFERRED_DAYS, lambda reading: reading.preferred_days),
        ),
        across=(
            *_CONTACT_ACROSS,
            _Check(
                (AnswerKey.REASON, AnswerKey.REASON_OTHER), AnswerKey.REASON_OTHER, lambda reading: reading.reason_other
            ),
        ),
    ),
    RequestKind.FOLLOW_UP: _FormRules(
        order=FOLLOW_UP_FIELDS,
        fields=(
            _field(AnswerKey.PROCEDURE, lambda reading: reading.procedure),
            _Check(PROCEDURE_DATE, AnswerKey.PROCEDURE_DAY, lambda reading: reading.procedure_date),
            *_CONTACT_CHECKS,
            _field(AnswerKey.PAIN_BEFORE, lambda reading: reading.pain_before),
            _field(AnswerKey.PAIN_NOW, lambda reading: reading.pain_now),
            _field(AnswerKey.PEG_ENJOYMENT, lambda reading: reading.peg_enjoyment),
            _field(AnswerKey.PEG_ACTIVITY, lambda reading: reading.peg_activity),
            _field(AnswerKey.RELIEF_PERCENT, lambda reading: reading.relief_percent),
            _field(AnswerKey.RELIEF_DURATION, lambda reading: reading.relief_duration),
            _field(AnswerKey.RELIEF_WITHIN_HOURS, lambda reading: reading.relief_within_hours),
            _Check(RED_FLAG_ANSWERS, RED_FLAG_ANSWERS[0], lambda reading: reading.red_flags),
            _field(AnswerKey.NEXT_STEPS, lambda reading: reading.next_steps),
            _field(AnswerKey.CONCERNS, lambda reading: reading.concerns),
        ),
        across=_CONTACT_ACROSS,
    ),
}


def check_fields(
    kind: RequestKind, answers: Answers, fields: Iterable[str], context: FormContext
) -> list[FieldProblem]:
    """Problems with the named answers only, in form order, at most one per field."""
    return _RULES[kind].problems(_Reading(answers, context), fields)


def build_request(kind: RequestKind, answers: Answers, context: FormContext) -> AppointmentRequest | FollowUpRequest:
    """The request the answers describe; RequestInvalid with every problem if any answer is wrong."""
    reading = _Reading(answers, context)
    problems = _RULES[kind].problems(reading, FIELDS[kind])
    if problems:
        raise RequestInvalid(problems)
    # Every check has passed, so each reader below returns the value it was checked with, without reading again.
    if kind is RequestKind.APPOINTMENT:
        return AppointmentRequest(
            request_id=context.request_id,
            language=context.language,
            contact=reading.contact,
            patient_status=reading.patient_status,
            reason=reading.reason,
            reason_other=reading.reason_other,
            preferred_days=reading.preferred_days,
        )
    return FollowUpRequest(
        request_id=context.request_id,
        language=context.language,
        contact=reading.contact,
        procedure=reading.procedure,
        procedure_date=reading.procedure_date,
        pain_before=reading.pain_before,
        pain_now=reading.pain_now,
        relief_percent=reading.relief_percent,
        relief_duration=reading.relief_duration,
        relief_within_hours=reading.relief_within_hours,
        red_flags=reading.red_flags,
        concerns=reading.concerns,
        next_steps=reading.next_steps,
        peg_enjoyment=reading.peg_enjoyment,
        peg_activity=reading.peg_activity,
    )
