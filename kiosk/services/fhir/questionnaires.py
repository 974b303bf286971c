"""The canonical Questionnaire of each form, generated from the form's fields (kiosk/domain/forms.py).

The published copies live in resources/fhir/; tests/services/test_fhir_questionnaires.py keeps them equal to
what this module generates, so a question added to a form cannot leave the clinic's record system behind.
Run `python -m kiosk.services.fhir.questionnaires` to rewrite them after changing a form.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kiosk.domain.forms import FIELDS
from kiosk.domain.red_flags import RED_FLAG_QUESTIONS, red_flag_key
from kiosk.domain.requests import (
    ContactMethod,
    ContactTime,
    NextStep,
    PatientStatus,
    ReliefDuration,
    RequestKind,
    Weekday,
    YesNoUnsure,
)
from kiosk.i18n.strings import StringCatalog
from kiosk.paths import resources_dir

# A name, not an address: the ".invalid" top-level domain (RFC 6761) can never resolve, so no interface engine
# fetches it and no real organisation's namespace is borrowed. Engines match the canonical URL as a string.
CANONICAL_BASE = "http://clinic-kiosk.invalid/fhir"
QUESTIONNAIRE_VERSION = "2"  # 2: PEG-3 in the follow-up (pain_now became the PEG's first item)
CODE_SYSTEM_BASE = f"{CANONICAL_BASE}/CodeSystem"
LOINC = "http://loinc.org"
# LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported". No LOINC code for the PEG's
# interference items or its score could be verified, so those carry none rather than a guessed one.
PAIN_SCORE_CODE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
_MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
_MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"

# Who the patient is goes into the Bundle's Patient, not into the answers: one place for identity.
PATIENT_FIELDS = frozenset({"first_name", "last_name", "dob_day", "dob_month", "dob_year", "phone", "email"})
# The form asks a date as three answers; the Questionnaire asks it as one date item.
_DATE_PARTS = ("procedure_day", "procedure_month", "procedure_year")

_CHOICES: dict[str, type[enum.StrEnum]] = {
    "patient_status": PatientStatus,
    "contact_method": ContactMethod,
    "contact_times": ContactTime,
    "preferred_days": Weekday,
    "relief_duration": ReliefDuration,
    "relief_within_hours": YesNoUnsure,
    "next_steps": NextStep,
}
_REPEATING = frozenset({"contact_times", "preferred_days", "next_steps"})
_BOOLEANS = frozenset({"consent_contact", "consent_texts", *(red_flag_key(flag) for flag in RED_FLAG_QUESTIONS)})
_PAIN_SCALES = frozenset({"pain_before", "pain_now"})
_PEG_SCALES = frozenset({"peg_enjoyment", "peg_activity"})
_REQUIRED_EXCEPT = frozenset({"reason_other", "concerns", "consent_texts", "contact_times", "preferred_days"})
_FORM_TITLES = {RequestKind.APPOINTMENT: "Appointment request", RequestKind.FOLLOW_UP: "Follow-up after a procedure"}


def questionnaire_id(kind: RequestKind) -> str:
    return f"kiosk-{kind.value.replace('_', '-')}"


def questionnaire_url(kind: RequestKind) -> str:
    return f"{CANONICAL_BASE}/Questionnaire/{questionnaire_id(kind)}"


def code_system(choices: type[enum.StrEnum]) -> str:
    """The kiosk's own code system for a closed list of answers, e.g. .../CodeSystem/relief-duration."""
    words = "".join(f"-{char.lower()}" if char.isupper() else char for char in choices.__name__).lstrip("-")
    return f"{CODE_SYSTEM_BASE}/{words}"


def link_ids(kind: RequestKind) -> tuple[str, ...]:
    """The Questionnaire's linkIds in form order: the form's answers minus identity, dates as one item."""
    found: list[str] = []
    for key in FIELDS[kind]:
        if key in PATIENT_FIELDS:
            continue
        if key in _DATE_PARTS:
            if key == _DATE_PARTS[0]:
                found.append("procedure_date")
            continue
        found.append(key)
        if key == "peg_activity":
            found.append("peg_score")  # computed by the kiosk, right after the items it is computed from
    return tuple(found)


def _english() -> StringCatalog:
    return StringCatalog.load(["en"], "en")


def _item(key: str, strings: StringCatalog) -> dict[str, Any]:
    if key == "peg_score":
        return {
            "linkId": key,
            "text": "PEG-3 score: the mean of its three items, 0 to 10 (computed by the kiosk)",
            "type": "decimal",
            "readOnly": True,
        }
    item: dict[str, Any] = {"linkId": key, "text": strings.text("en", f"fields.{key}")}
    if key in _PAIN_SCALES:
        item |= {"type": "integer", "code": [PAIN_SCORE_CODE]}
        item["extension"] = _bounds(0, 10)
    elif key in _PEG_SCALES:
        item |= {"type": "integer", "extension": _bounds(0, 10)}
    elif key == "relief_percent":
        item |= {"type": "integer", "extension": _bounds(0, 100)}
    elif key == "procedure_date":
        item["type"] = "date"
    elif key in _BOOLEANS:
        item["type"] = "boolean"
    elif key in _CHOICES:
        choices = _CHOICES[key]
        item["type"] = "choice"
        item["answerOption"] = [
            {
                "valueCoding": {
                    "system": code_system(choices),
                    "code": member.value,
                    "display": _words(member.value, strings),
                }
            }
            for member in choices
        ]
    elif key in ("procedure", "reason"):
        # A procedure is one of the clinic's own content pages, which a clinic adds without a new version of
        # this Questionnaire: its page id goes as a string ("other" when the patient typed their own reason).
        item["type"] = "string"
    elif key == "concerns":
        item["type"] = "text"
    elif key == "reason_other":
        item |= {
            "type": "string",
            "enableWhen": [{"question": "reason", "operator": "=", "answerString": "other"}],
        }
    else:  # pragma: no cover - a new field must be given a type here; the test of every linkId finds it
        raise ValueError(f"no FHIR item type for the form field {key!r}")
    if key in _REPEATING:
        item["repeats"] = True
    if key not in _REQUIRED_EXCEPT:
        item["required"] = True
    return item


def _words(value: str, strings: StringCatalog) -> str:
    return strings.text("en", f"options.{value}")


def _bounds(low: int, high: int) -> list[dict[str, Any]]:
    return [{"url": _MIN_VALUE, "valueInteger": low}, {"url": _MAX_VALUE, "valueInteger": high}]


def questionnaire(kind: RequestKind, strings: StringCatalog | None = None) -> dict[str, Any]:
    """The canonical Questionnaire of one form, as FHIR JSON (a dict, keys in a stable order)."""
    strings = strings or _english()
    return {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(kind),
        "url": questionnaire_url(kind),
        "version": QUESTIONNAIRE_VERSION,
        "name": "".join(word.capitalize() for word in questionnaire_id(kind).split("-")),
        "title": f"Clinic kiosk: {_FORM_TITLES[kind].lower()}",
        "status": "active",
        "subjectType": ["Patient"],
        "language": "en",
        "description": (
            "The questions a patient answers at the clinic's waiting-room kiosk. Name, date of birth, phone and "
            "email are sent in the Bundle's Patient, not as answers."
        ),
        "item": [_item(key, strings) for key in link_ids(kind)],
    }


def questionnaire_path(kind: RequestKind, folder: Path | None = None) -> Path:
    return (folder or resources_dir() / "fhir") / f"Questionnaire-{questionnaire_id(kind)}.json"


def questionnaire_text(kind: RequestKind) -> str:
    """The published file's exact text: two-space JSON, non-ASCII kept as written, one final newline."""
    return json.dumps(questionnaire(kind), indent=2, ensure_ascii=False) + "\n"


def write_questionnaires(kinds: Iterable[RequestKind] = tuple(RequestKind), folder: Path | None = None) -> list[Path]:
    written = []
    for kind in kinds:
        path = questionnaire_path(kind, folder)
        path.write_text(questionnaire_text(kind), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # a developer's tool: rewrite resources/fhir/ after changing a form
    for written_path in write_questionnaires():
        print(written_path)
