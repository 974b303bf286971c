"""One stored request as one FHIR transaction Bundle: Patient, QuestionnaireResponse, ServiceRequest, Flag.

Re-sending a bundle is harmless: every entry is a conditional request on an identifier made from the
request's UUID (and every fullUrl is derived from it), so a server that has it already changes nothing, and
a bundle sent after a status change updates the same resources instead of adding new ones.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fhir.resources.R4B.bundle import Bundle

from kiosk.domain.red_flags import RED_FLAG_QUESTIONS, red_flag_key
from kiosk.domain.requests import (
    OTHER_REASON,
    AppointmentRequest,
    FollowUpRequest,
    PatientRequest,
    RedFlag,
    RequestKind,
)
from kiosk.domain.workflow import STATUS_LABELS, RequestStatus
from kiosk.services.fhir.questionnaires import (
    CANONICAL_BASE,
    QUESTIONNAIRE_VERSION,
    code_system,
    questionnaire,
    questionnaire_url,
)
from kiosk.services.request_rows import from_record
from kiosk.storage.models import RequestRecord

IDENTIFIER_BASE = f"{CANONICAL_BASE}/identifier"
REQUEST_ID_SYSTEM = f"{IDENTIFIER_BASE}/request-id"  # the request's UUID, made on the kiosk
REFERENCE_SYSTEM = f"{IDENTIFIER_BASE}/reference-code"  # the short code the patient tells the desk
PATIENT_SYSTEM = f"{IDENTIFIER_BASE}/patient-of-request"  # "the person who sent request <UUID>"
_BCP47 = "urn:ietf:bcp:47"
_FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
# Fixed namespace for the entries' fullUrls: the same request always gives the same urn:uuid values.
_FULL_URL_NAMESPACE = uuid.UUID("6f0b8f3e-56a1-4c4e-9d0a-3f4f2a0c9b71")

# What the clinic still owes the patient, as ServiceRequest.status: a call (active), nothing (completed: an
# appointment was made or the request was closed), or nothing because the patient could not be reached.
_SERVICE_STATUS = {
    RequestStatus.NEW: "active",
    RequestStatus.CONTACTED: "active",
    RequestStatus.NO_ANSWER: "active",
    RequestStatus.SCHEDULED: "completed",
    RequestStatus.UNREACHABLE: "revoked",
    RequestStatus.CLOSED: "completed",
}
_WHAT_IS_ASKED = {
    RequestKind.APPOINTMENT: "Appointment request sent from the clinic's waiting-room kiosk",
    RequestKind.FOLLOW_UP: "Follow-up after a procedure, sent from the clinic's waiting-room kiosk",
}
WARNING_SIGN_WORDS = {
    RedFlag.BLADDER_OR_BOWEL_CHANGES: "new problems controlling bladder or bowels",
    RedFlag.LEG_WEAKNESS_OR_NUMBNESS: "new weakness or numbness in a leg",
    RedFlag.FEVER: "fever",
    RedFlag.SITE_REDNESS_OR_SWELLING: "redness or swelling at the needle site",
}


@dataclass(frozen=True)
class StoredRequest:
    """A request as the record system gets it: what the patient sent, and where the desk has got to."""

    request: PatientRequest
    reference: str
    status: RequestStatus
    received_at: dt.datetime
    updated_at: dt.datetime
    version: int  # goes up with every change at the desk, so each bundle of one request has its own identifier


def stored_request(record: RequestRecord) -> StoredRequest:
    """UnreadableRowError (naming only the row id) if the row cannot be read back."""
    return StoredRequest(
        request=from_record(record),
        reference=record.reference,
        status=RequestStatus(record.status),
        received_at=record.created_at,
        updated_at=record.status_changed_at or record.created_at,
        version=record.version,
    )


def transaction_bundle(stored: StoredRequest) -> Bundle:
    """The request's transaction Bundle, validated by fhir.resources (a ValidationError is a bug here)."""
    request = stored.request
    ids = _FullUrls(request.request_id)
    entries = [
        _entry(_patient(stored), ids.patient, conditional_create=True),
        _entry(_questionnaire_response(stored, ids), ids.response),
        _entry(_service_request(stored, ids), ids.service_request),
    ]
    if isinstance(request, FollowUpRequest) and request.red_flags:
        entries.append(_entry(_flag(stored, request, ids), ids.flag))
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "transaction",
            "identifier": {"system": REQUEST_ID_SYSTEM, "value": f"{request.request_id}/{stored.version}"},
            "timestamp": _instant(stored.updated_at),
            "entry": entries,
        }
    )


def bundle_json(stored: StoredRequest) -> str:
    """The bundle as one line of JSON (UTF-8 text, names as written): a file's content or an NDJSON line."""
    return transaction_bundle(stored).model_dump_json()


@dataclass(frozen=True)
class _FullUrls:
    request_id: uuid.UUID

    def _of(self, what: str) -> str:
        return f"urn:uuid:{uuid.uuid5(_FULL_URL_NAMESPACE, f'{self.request_id}/{what}')}"

    @property
    def patient(self) -> str:
        return self._of("Patient")

    @property
    def response(self) -> str:
        return self._of("QuestionnaireResponse")

    @property
    def service_request(self) -> str:
        return self._of("ServiceRequest")

    @property
    def flag(self) -> str:
        return self._of("Flag")


def _identifier(system: str, value: str) -> dict[str, str]:
    return {"system": system, "value": value}


def _search(identifier: dict[str, str]) -> str:
    # A conditional URL's token is system|value; both are percent-encoded as a query value must be.
    return "identifier=" + quote(f"{identifier['system']}|{identifier['value']}", safe="")


def _entry(resource: dict[str, Any], full_url: str, *, conditional_create: bool = False) -> dict[str, Any]:
    kind = resource["resourceType"]
    key = resource["identifier"][0] if isinstance(resource["identifier"], list) else resource["identifier"]
    if conditional_create:
        # The Patient is created only if none has this identifier: never overwritten, since a clinic's
        # patient index may have merged or corrected it since the first send.
        request = {"method": "POST", "url": kind, "ifNoneExist": _search(key)}
    else:
        # Conditional update: created the first time, replaced on a re-send or after a status change.
        request = {"method": "PUT", "url": f"{kind}?{_search(key)}"}
    return {"fullUrl": full_url, "resource": resource, "request": request}


def _instant(moment: dt.datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat(timespec="seconds")


def _patient(stored: StoredRequest) -> dict[str, Any]:
    contact = stored.request.contact
    telecom: list[dict[str, Any]] = [{"system": "phone", "value": contact.phone_e164}]
    if contact.email:
        telecom.append({"system": "email", "value": contact.email})
    return {
        "resourceType": "Patient",
        "identifier": [_identifier(PATIENT_SYSTEM, str(stored.request.request_id))],
        # The first name is one given name as typed ("Mary Ann" stays whole): splitting it would guess.
        "name": [
            {
                "use": "usual",
                "family": contact.last_name,
                "given": [contact.first_name],
                "text": f"{contact.first_name} {contact.last_name}",
            }
        ],
        "telecom": telecom,
        "birthDate": contact.date_of_birth.isoformat(),
        "communication": [
            {"language": {"coding": [{"system": _BCP47, "code": stored.request.language}]}, "preferred": True}
        ],
    }


def _questionnaire_response(stored: StoredRequest, ids: _FullUrls) -> dict[str, Any]:
    request = stored.request
    texts = _question_texts(request.kind)
    items = [
        {"linkId": key, "text": texts[key], "answer": answers}
        for key, answers in _answers(request).items()
        if answers  # an unanswered question is left out, as FHIR asks
    ]
    return {
        "resourceType": "QuestionnaireResponse",
        "identifier": _identifier(REQUEST_ID_SYSTEM, str(request.request_id)),
        "questionnaire": f"{questionnaire_url(request.kind)}|{QUESTIONNAIRE_VERSION}",
        "status": "completed",
        "subject": {"reference": ids.patient},
        "authored": _instant(stored.received_at),
        "source": {"reference": ids.patient},  # the patient typed the answers themself
        "language": request.language,
        "item": items,
    }


@functools.cache
def _question_texts(kind: RequestKind) -> dict[str, str]:
    return {item["linkId"]: item["text"] for item in questionnaire(kind)["item"]}


def _coding(value: enum.StrEnum) -> dict[str, Any]:
    return {"valueCoding": {"system": code_system(type(value)), "code": value.value}}


def _answers(request: PatientRequest) -> dict[str, list[dict[str, Any]]]:
    """Each linkId's answers, in the Questionnaire's order (tests check every linkId exists there)."""
    contact = request.contact
    contact_answers = {
        "contact_method": [_coding(contact.method)],
        "contact_times": [_coding(time) for time in contact.times],
        "consent_contact": [{"valueBoolean": contact.consent_to_contact}],
        "consent_texts": [{"valueBoolean": contact.consent_to_texts}],
    }
    if isinstance(request, AppointmentRequest):
        return {
            "patient_status": [_coding(request.patient_status)],
            **contact_answers,
            "reason": [{"valueString": request.reason}],
            "reason_other": [{"valueString": request.reason_other}] if request.reason == OTHER_REASON else [],
            "preferred_days": [_coding(day) for day in request.preferred_days],
        }
    score = request.peg_score
    return {
        "procedure": [{"valueString": request.procedure}],
        "procedure_date": [{"valueDate": request.procedure_date.isoformat()}],
        **contact_answers,
        "pain_before": [{"valueInteger": request.pain_before}],
        "pain_now": [{"valueInteger": request.pain_now}],
        # None only for a follow-up stored before the kiosk asked the PEG: those items are left out.
        "peg_enjoyment": [] if request.peg_enjoyment is None else [{"valueInteger": request.peg_enjoyment}],
        "peg_activity": [] if request.peg_activity is None else [{"valueInteger": request.peg_activity}],
        "peg_score": [] if score is None else [{"valueDecimal": score}],
        "relief_percent": [{"valueInteger": request.relief_percent}],
        "relief_duration": [_coding(request.relief_duration)],
        "relief_within_hours": [_coding(request.relief_within_hours)],
        **{
            red_flag_key(flag): [{"valueBoolean": flag in request.red_flags}]
            for flag in RED_FLAG_QUESTIONS  # every one was answered yes or no: none may read as unasked
        },
        "next_steps": [_coding(step) for step in request.next_steps],
        "concerns": [{"valueString": request.concerns}] if request.concerns else [],
    }


def _request_identifiers(stored: StoredRequest) -> list[dict[str, str]]:
    # The UUID first: it is what the conditional URL matches, and it never repeats across kiosks or clinics.
    return [
        _identifier(REQUEST_ID_SYSTEM, str(stored.request.request_id)),
        _identifier(REFERENCE_SYSTEM, stored.reference),
    ]


def _service_request(stored: StoredRequest, ids: _FullUrls) -> dict[str, Any]:
    # A ServiceRequest, not an Appointment(proposed): the patient asks the clinic to call them back, with no
    # time, place or practitioner yet, and an Appointment needs participants and describes a booking. The
    # clinic's scheduler books the Appointment from this request (basedOn), as it does for a referral.
    request = stored.request
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "identifier": _request_identifiers(stored),
        "status": _SERVICE_STATUS[stored.status],
        # proposal: a patient's own request, not a clinician's order; the clinic decides what to do with it.
        "intent": "proposal",
        "priority": "urgent" if request.urgent else "routine",
        "code": {"text": _WHAT_IS_ASKED[request.kind]},
        "subject": {"reference": ids.patient},
        "requester": {"reference": ids.patient},
        "authoredOn": _instant(stored.received_at),
        "supportingInfo": [{"reference": ids.response}],
        "note": [{"text": f"Status at the front desk: {STATUS_LABELS[stored.status]}."}],
    }
    if isinstance(request, FollowUpRequest) and request.red_flags:
        resource["supportingInfo"].append({"reference": ids.flag})
        resource["note"].insert(0, {"text": f"URGENT: warning signs reported: {_warning_signs(request)}."})
    return resource


def _warning_signs(request: FollowUpRequest) -> str:
    # Most serious first, as the kiosk asks them.
    return "; ".join(WARNING_SIGN_WORDS[flag] for flag in RED_FLAG_QUESTIONS if flag in request.red_flags)


def _flag(stored: StoredRequest, request: FollowUpRequest, ids: _FullUrls) -> dict[str, Any]:
    open_request = _SERVICE_STATUS[stored.status] == "active"
    return {
        "resourceType": "Flag",
        "identifier": _request_identifiers(stored),
        # Active while the clinic still owes the patient a call; inactive once the request is dealt with.
        "status": "active" if open_request else "inactive",
        "category": [{"coding": [{"system": _FLAG_CATEGORY, "code": "clinical", "display": "Clinical"}]}],
        "code": {"text": f"Warning signs after a procedure: {_warning_signs(request)}"},
        "subject": {"reference": ids.patient},
        "period": {"start": _instant(stored.received_at)},
    }
