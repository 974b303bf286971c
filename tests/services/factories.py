"""Patient requests as the kiosk's forms build them, with values easy to spot in a log."""

from __future__ import annotations

import datetime as dt
import uuid

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
    Weekday,
    YesNoUnsure,
)

# Patient values no log line, error message or traceback may contain.
FIRST_NAME = "Zelphine"
LAST_NAME = "Quorrington-Abara"
DATE_OF_BIRTH = dt.date(1961, 3, 14)
PHONE = "+16135550143"
EMAIL = "zelphine.q@example.org"
REASON_OTHER = "Sharp ache in my left hip since the fall"
CONCERNS = "The injection site itches at night"
PATIENT_VALUES = (
    FIRST_NAME,
    LAST_NAME,
    DATE_OF_BIRTH.isoformat(),
    "1961, 3, 14",  # how a date's repr shows it
    PHONE,
    PHONE.removeprefix("+"),
    EMAIL,
    REASON_OTHER,
    CONCERNS,
)


def contact(
    *,
    email: str | None = EMAIL,
    method: ContactMethod = ContactMethod.PHONE_CALL,
    times: tuple[ContactTime, ...] = (ContactTime.AFTERNOON, ContactTime.MORNING),
    consent_to_texts: bool = True,
) -> Contact:
    return Contact(
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        date_of_birth=DATE_OF_BIRTH,
        phone_e164=PHONE,
        email=email,
        method=method,
        times=times,
        consent_to_contact=True,
        consent_to_texts=consent_to_texts,
    )


def appointment(
    *,
    request_id: uuid.UUID | None = None,
    language: str = "en",
    email: str | None = EMAIL,
    reason: str = OTHER_REASON,
    reason_other: str = REASON_OTHER,
) -> AppointmentRequest:
    return AppointmentRequest(
        request_id=request_id or uuid.uuid4(),
        language=language,
        contact=contact(email=email),
        patient_status=PatientStatus.NEW,
        reason=reason,
        reason_other=reason_other,
        preferred_days=(Weekday.THURSDAY, Weekday.MONDAY),
    )


def follow_up(
    *,
    request_id: uuid.UUID | None = None,
    language: str = "es",
    red_flags: frozenset[RedFlag] = frozenset(),
    concerns: str = CONCERNS,
) -> FollowUpRequest:
    return FollowUpRequest(
        request_id=request_id or uuid.uuid4(),
        language=language,
        contact=contact(method=ContactMethod.TEXT_MESSAGE, times=(ContactTime.EVENING,)),
        procedure="sacroiliac-joint-injection",
        procedure_date=dt.date(2025, 1, 6),
        pain_before=8,
        pain_now=3,
        peg_enjoyment=4,
        peg_activity=5,
        relief_percent=60,
        relief_duration=ReliefDuration.DAYS,
        relief_within_hours=YesNoUnsure.YES,
        red_flags=red_flags,
        concerns=concerns,
        next_steps=(NextStep.REPEAT_INJECTION, NextStep.QUESTION),
    )


def urgent_follow_up(*, request_id: uuid.UUID | None = None) -> FollowUpRequest:
    return follow_up(
        request_id=request_id,
        red_flags=frozenset({RedFlag.LEG_WEAKNESS_OR_NUMBNESS, RedFlag.FEVER}),
    )
