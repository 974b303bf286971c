"""Turn a patient request into a `patient_requests` row and back, losing nothing on the way."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

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
from kiosk.domain.search import fold_name
from kiosk.storage.models import RequestRecord

# The request fields each kind keeps in `answers`; the rest have typed columns.
# tests/services/test_submit.py checks these against the dataclasses, so a field
# added to a request cannot be silently left out of the database.
APPOINTMENT_ANSWERS = frozenset({"patient_status", "reason", "reason_other", "preferred_days"})
FOLLOW_UP_ANSWERS = frozenset(
    {
        "procedure",
        "procedure_date",
        "pain_before",
        "pain_now",
        "peg_enjoyment",
        "peg_activity",
        "relief_percent",
        "relief_duration",
        "relief_within_hours",
        "concerns",
        "next_steps",
    }
)
COLUMN_FIELDS = frozenset({"request_id", "language", "contact", "red_flags"})


class UnreadableRowError(ValueError):
    """A stored row this version cannot turn back into a request (a newer kind, say)."""


def to_record(request: PatientRequest, *, reference: str, workstation: str, created_at: dt.datetime) -> RequestRecord:
    return RequestRecord(**record_values(request, reference=reference, workstation=workstation, created_at=created_at))


def record_values(
    request: PatientRequest, *, reference: str, workstation: str, created_at: dt.datetime
) -> dict[str, Any]:
    """The new row's columns by name, for an ORM object (to_record) or a Core insert (kiosk/services/requests.py)."""
    contact = request.contact
    red_flags = sorted(flag.value for flag in request.red_flags) if isinstance(request, FollowUpRequest) else []
    return dict(
        id=str(request.request_id),
        reference=reference,
        kind=request.kind.value,
        urgent=request.urgent,
        status="new",
        created_at=created_at,
        language=request.language,
        workstation=workstation,
        first_name=contact.first_name,
        last_name=contact.last_name,
        first_name_key=fold_name(contact.first_name),
        last_name_key=fold_name(contact.last_name),
        date_of_birth=contact.date_of_birth,
        phone_e164=contact.phone_e164,
        email=contact.email,
        contact_method=contact.method.value,
        contact_times=[time.value for time in contact.times],
        consent_to_contact=contact.consent_to_contact,
        consent_to_texts=contact.consent_to_texts,
        red_flags=red_flags,
        answers=_answers(request),
        version=1,
        # Reception's columns start empty; named so a Core insert writes the same row as the ORM.
        status_changed_at=None,
        status_changed_by=None,
        first_contact_at=None,
    )


def _answers(request: PatientRequest) -> dict[str, Any]:
    if isinstance(request, AppointmentRequest):
        return {
            "patient_status": request.patient_status.value,
            "reason": request.reason,
            "reason_other": request.reason_other,
            "preferred_days": [day.value for day in request.preferred_days],
        }
    return {
        "procedure": request.procedure,
        "procedure_date": request.procedure_date.isoformat(),
        "pain_before": request.pain_before,
        "pain_now": request.pain_now,
        "relief_percent": request.relief_percent,
        "relief_duration": request.relief_duration.value,
        "relief_within_hours": request.relief_within_hours.value,
        "concerns": request.concerns,
        "next_steps": [step.value for step in request.next_steps],
        "peg_enjoyment": request.peg_enjoyment,
        "peg_activity": request.peg_activity,
        # Stored beside its items so a report or an export reads the score the kiosk computed, not its own.
        "peg_score": request.peg_score,
    }


def from_record(record: RequestRecord) -> PatientRequest:
    """The request as the patient sent it; UnreadableRowError (naming only the row id) if it cannot be."""
    try:
        return _from_record(record)
    except (KeyError, ValueError, TypeError) as exc:
        # The message stays free of patient data: only the row id and the kind of problem.
        raise UnreadableRowError(f"request {record.id} cannot be read back ({type(exc).__name__})") from None


def _from_record(record: RequestRecord) -> PatientRequest:
    contact = Contact(
        first_name=record.first_name,
        last_name=record.last_name,
        date_of_birth=record.date_of_birth,
        phone_e164=record.phone_e164,
        email=record.email,
        method=ContactMethod(record.contact_method),
        times=tuple(ContactTime(time) for time in record.contact_times),
        consent_to_contact=record.consent_to_contact,
        consent_to_texts=record.consent_to_texts,
    )
    answers = record.answers
    request_id = uuid.UUID(record.id)
    kind = RequestKind(record.kind)  # ValueError for a kind this version does not know
    if kind is RequestKind.APPOINTMENT:
        return AppointmentRequest(
            request_id=request_id,
            language=record.language,
            contact=contact,
            patient_status=PatientStatus(answers["patient_status"]),
            reason=str(answers["reason"]),
            reason_other=str(answers["reason_other"]),
            preferred_days=tuple(Weekday(day) for day in answers["preferred_days"]),
        )
    if kind is not RequestKind.FOLLOW_UP:
        raise ValueError("no reader for this kind")
    return FollowUpRequest(
        request_id=request_id,
        language=record.language,
        contact=contact,
        procedure=str(answers["procedure"]),
        procedure_date=dt.date.fromisoformat(answers["procedure_date"]),
        pain_before=int(answers["pain_before"]),
        pain_now=int(answers["pain_now"]),
        relief_percent=int(answers["relief_percent"]),
        relief_duration=ReliefDuration(answers["relief_duration"]),
        relief_within_hours=YesNoUnsure(answers["relief_within_hours"]),
        red_flags=frozenset(RedFlag(flag) for flag in record.red_flags),
        concerns=str(answers["concerns"]),
        next_steps=tuple(NextStep(step) for step in answers["next_steps"]),
        # Absent from follow-ups stored before the kiosk asked the PEG's interference items.
        peg_enjoyment=_optional_int(answers.get("peg_enjoyment")),
        peg_activity=_optional_int(answers.get("peg_activity")),
    )


def _optional_int(value: object) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ValueError("not a whole number")
