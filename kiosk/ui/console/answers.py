"""A request's answers as staff-readable (label, value) sections; plain Python, so the detail view stays thin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers

from kiosk.domain.red_flags import RED_FLAG_QUESTIONS
from kiosk.domain.requests import (
    OTHER_REASON,
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
    YesNoUnsure,
)
from kiosk.i18n.strings import ENGLISH_NAMES

KIND_LABELS = {RequestKind.APPOINTMENT: "Appointment request", RequestKind.FOLLOW_UP: "Follow-up after a procedure"}
METHOD_LABELS = {
    ContactMethod.PHONE_CALL: "Phone call",
    ContactMethod.TEXT_MESSAGE: "Text message",
    ContactMethod.EMAIL: "Email",
}
TIME_LABELS = {ContactTime.MORNING: "Morning", ContactTime.AFTERNOON: "Afternoon", ContactTime.EVENING: "Evening"}
PATIENT_LABELS = {PatientStatus.NEW: "New patient", PatientStatus.EXISTING: "Existing patient"}
DURATION_LABELS = {
    ReliefDuration.NO_RELIEF: "No relief",
    ReliefDuration.HOURS: "Hours",
    ReliefDuration.DAYS: "Days",
    ReliefDuration.WEEKS: "Weeks",
    ReliefDuration.MONTHS: "Months",
    ReliefDuration.STILL_LASTING: "Still lasting",
}
YES_NO_LABELS = {YesNoUnsure.YES: "Yes", YesNoUnsure.NO: "No", YesNoUnsure.NOT_SURE: "Not sure"}
NEXT_STEP_LABELS = {
    NextStep.FOLLOW_UP_VISIT: "A follow-up visit",
    NextStep.REPEAT_INJECTION: "Repeat the injection",
    NextStep.RADIOFREQUENCY_ABLATION: "Ask about radiofrequency ablation",
    NextStep.QUESTION: "A question for the care team",
}
RED_FLAG_LABELS = {
    RedFlag.FEVER: "fever",
    RedFlag.SITE_REDNESS_OR_SWELLING: "redness or swelling at the injection site",
    RedFlag.LEG_WEAKNESS_OR_NUMBNESS: "new leg weakness or numbness",
    RedFlag.BLADDER_OR_BOWEL_CHANGES: "bladder or bowel changes",
}

# One list of language names in English, shared with the console's translations listing.
LANGUAGE_NAMES = ENGLISH_NAMES

Rows = list[tuple[str, str]]


@dataclass(frozen=True)
class Section:
    title: str
    rows: Rows


def local_time(moment: dt.datetime) -> str:
    """An instant on this PC's clock, like "Mon 3 Mar 2025, 14:05"."""
    local = moment.astimezone()
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def waiting_words(since: dt.datetime, now: dt.datetime) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h {minutes % 60:02d} min"
    return f"{hours // 24} days"


def phone_for_staff(e164: str, region: str) -> str:
    """National format for the clinic's own calling code (what staff dial), international otherwise."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    # Same calling code is enough: +1 numbers in Canada are dialled like US ones from a US desk.
    local = number.country_code == phonenumbers.country_code_for_region(region)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if local else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def red_flag_words(flags: frozenset[RedFlag]) -> str:
    return ", ".join(RED_FLAG_LABELS[flag] for flag in RED_FLAG_QUESTIONS if flag in flags)


def urgent_banner(request: PatientRequest) -> str:
    flags = request.red_flags if isinstance(request, FollowUpRequest) else frozenset()
    words = red_flag_words(flags)
    return "⚠ URGENT — red flags: " + words if words else "⚠ URGENT"


def _joined(labels: list[str]) -> str:
    return ", ".join(labels) if labels else "Not given"


def patient_section(contact: Contact, region: str, today: dt.date) -> Section:
    consent = "Yes" if contact.consent_to_contact else "No"
    texts = "Yes" if contact.consent_to_texts else "No"
    return Section(
        "Patient",
        [
            ("Name", f"{contact.first_name} {contact.last_name}"),
            (
                "Date of birth",
                f"{long_date(contact.date_of_birth)} (age {age_on(contact.date_of_birth, today)})",
            ),
            ("Phone", phone_for_staff(contact.phone_e164, region)),
            ("Email", contact.email or "Not given"),
            ("Contact by", METHOD_LABELS[contact.method]),
            ("Best times", _joined([TIME_LABELS[time] for time in ContactTime if time in contact.times])),
            ("May we contact", consent),
            ("Text messages OK", texts),
        ],
    )


def appointment_section(request: AppointmentRequest, procedure_title: Callable[[str], str]) -> Section:
    if request.reason == OTHER_REASON:
        reason = f"Something else: {request.reason_other}" if request.reason_other else "Something else"
    else:
        reason = procedure_title(request.reason)
    days = [day.value.capitalize() for day in request.preferred_days]
    return Section(
        "Appointment",
        [
            ("Patient", PATIENT_LABELS[request.patient_status]),
            ("Reason", reason),
            ("Preferred days", _joined(sorted(days, key=_weekday_order))),
        ],
    )


def _weekday_order(day: str) -> int:
    order = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    return order.index(day) if day in order else len(order)


def follow_up_section(request: FollowUpRequest, procedure_title: Callable[[str], str]) -> Section:
    """Pain is listed in words here too; the view adds the bar pair beside these rows."""
    change = request.pain_before - request.pain_now
    points = "1 point" if abs(change) == 1 else f"{abs(change)} points"
    trend = f"{points} better" if change > 0 else (f"{points} worse" if change < 0 else "no change")
    return Section(
        "Follow-up",
        [
            ("Procedure", procedure_title(request.procedure)),
            ("Procedure date", long_date(request.procedure_date)),
            ("Pain", f"{request.pain_before} before → {request.pain_now} now out of 10: {trend}"),
            ("PEG-3 score", _peg_words(request)),
            ("Relief", f"{request.relief_percent}%"),
            ("Relief lasted", DURATION_LABELS[request.relief_duration]),
            ("Relief within hours", YES_NO_LABELS[request.relief_within_hours]),
            ("Red flags", red_flag_words(request.red_flags) or "None"),
            ("Concerns", request.concerns or "None written"),
            ("Would like", _joined([NEXT_STEP_LABELS[step] for step in request.next_steps])),
        ],
    )


def _peg_words(request: FollowUpRequest) -> str:
    score = request.peg_score
    if score is None:
        return "Not asked (sent before the kiosk asked the PEG questions)"
    return (
        f"{score:.1f} out of 10 (average pain {request.pain_now}, enjoyment of life {request.peg_enjoyment}, "
        f"general activity {request.peg_activity}; higher is worse)"
    )


def request_sections(
    request: PatientRequest, *, region: str, procedure_title: Callable[[str], str], today: dt.date
) -> list[Section]:
    if isinstance(request, AppointmentRequest):
        answers = appointment_section(request, procedure_title)
    else:
        answers = follow_up_section(request, procedure_title)
    patient = patient_section(request.contact, region, today)
    patient.rows.append(("Kiosk language", LANGUAGE_NAMES.get(request.language, request.language)))
    return [patient, answers]
