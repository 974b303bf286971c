"""What a patient can send: appointment and follow-up requests, as plain validated values."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass


class RequestKind(enum.StrEnum):
    APPOINTMENT = "appointment"
    FOLLOW_UP = "follow_up"


class PatientStatus(enum.StrEnum):
    NEW = "new"
    EXISTING = "existing"


class ContactMethod(enum.StrEnum):
    PHONE_CALL = "phone_call"
    TEXT_MESSAGE = "text_message"
    EMAIL = "email"


class ContactTime(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


class Weekday(enum.StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"


class ReliefDuration(enum.StrEnum):
    NO_RELIEF = "no_relief"
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    STILL_LASTING = "still_lasting"


class YesNoUnsure(enum.StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


class NextStep(enum.StrEnum):
    FOLLOW_UP_VISIT = "follow_up_visit"
    REPEAT_INJECTION = "repeat_injection"
    RADIOFREQUENCY_ABLATION = "radiofrequency_ablation"
    QUESTION = "question"


class RedFlag(enum.StrEnum):
    """Answers after a procedure that mean a patient must speak to the desk now."""

    FEVER = "fever"
    SITE_REDNESS_OR_SWELLING = "site_redness_or_swelling"
    LEG_WEAKNESS_OR_NUMBNESS = "leg_weakness_or_numbness"
    BLADDER_OR_BOWEL_CHANGES = "bladder_or_bowel_changes"


OTHER_REASON = "other"


@dataclass(frozen=True)
class Contact:
    """Who the patient is and how the clinic may reach them."""

    first_name: str
    last_name: str
    date_of_birth: dt.date
    phone_e164: str
    email: str | None
    method: ContactMethod
    times: tuple[ContactTime, ...]
    consent_to_contact: bool
    consent_to_texts: bool


@dataclass(frozen=True)
class AppointmentRequest:
    request_id: uuid.UUID
    language: str
    contact: Contact
    patient_status: PatientStatus
    reason: str  # a procedure page id, or OTHER_REASON
    reason_other: str  # the patient's own words when reason is OTHER_REASON, else ""
    preferred_days: tuple[Weekday, ...]

    kind = RequestKind.APPOINTMENT

    @property
    def urgent(self) -> bool:
        # Imported here: red_flags imports this module, and the rule lives in one place.
        from kiosk.domain.red_flags import is_urgent

        return is_urgent(self)


@dataclass(frozen=True)
class FollowUpRequest:
    request_id: uuid.UUID
    language: str
    contact: Contact
    procedure: str  # a procedure page id
    procedure_date: dt.date
    pain_before: int  # 0 to 10
    # Since PEG-3 came in, this is the PEG's first item (average pain in the past week), 0 to 10.
    pain_now: int
    relief_percent: int  # 0 to 100
    relief_duration: ReliefDuration
    relief_within_hours: YesNoUnsure
    red_flags: frozenset[RedFlag]
    concerns: str
    next_steps: tuple[NextStep, ...]
    # The PEG's other two items, 0 to 10; None only for a follow-up stored before the kiosk asked them.
    peg_enjoyment: int | None = None
    peg_activity: int | None = None

    kind = RequestKind.FOLLOW_UP

    @property
    def peg_score(self) -> float | None:
        """The PEG-3 score: the mean of its three items, or None when the two interference items were not asked."""
        if self.peg_enjoyment is None or self.peg_activity is None:
            return None
        return peg_score(self.pain_now, self.peg_enjoyment, self.peg_activity)

    @property
    def urgent(self) -> bool:
        # Imported here: red_flags imports this module, and the rule lives in one place.
        from kiosk.domain.red_flags import is_urgent

        return is_urgent(self)


PatientRequest = AppointmentRequest | FollowUpRequest


def peg_score(average_pain: int, enjoyment: int, activity: int) -> float:
    """The PEG-3 score (Krebs et al., J Gen Intern Med 2009): the mean of its three 0-10 items, to one decimal,
    as the published scoring reports it."""
    return round((average_pain + enjoyment + activity) / 3, 1)
