"""The names of a patient's answers: one key per question, three for a date (day, month, year)."""

from __future__ import annotations

import enum

from kiosk.domain.requests import RedFlag


class AnswerKey(enum.StrEnum):
    """Every answer a request form asks for.

    A StrEnum, so each key is the very string the forms have always used: the UI's field keys, the FHIR
    linkIds and the words the desk sees keep their bytes, and a plain string from outside the domain still
    finds its answer (`answers["phone"]` and `answers[AnswerKey.PHONE]` are the same entry).
    """

    PATIENT_STATUS = "patient_status"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    DOB_DAY = "dob_day"
    DOB_MONTH = "dob_month"
    DOB_YEAR = "dob_year"
    PHONE = "phone"
    EMAIL = "email"
    CONTACT_METHOD = "contact_method"
    CONTACT_TIMES = "contact_times"
    CONSENT_CONTACT = "consent_contact"
    CONSENT_TEXTS = "consent_texts"
    REASON = "reason"
    REASON_OTHER = "reason_other"
    PREFERRED_DAYS = "preferred_days"
    PROCEDURE = "procedure"
    PROCEDURE_DAY = "procedure_day"
    PROCEDURE_MONTH = "procedure_month"
    PROCEDURE_YEAR = "procedure_year"
    PAIN_BEFORE = "pain_before"
    PAIN_NOW = "pain_now"
    PEG_ENJOYMENT = "peg_enjoyment"
    PEG_ACTIVITY = "peg_activity"
    RELIEF_PERCENT = "relief_percent"
    RELIEF_DURATION = "relief_duration"
    RELIEF_WITHIN_HOURS = "relief_within_hours"
    # One per RedFlag, named "red_flag_<flag>" as red_flags.red_flag_key says (a test holds the two together).
    RED_FLAG_FEVER = "red_flag_fever"
    RED_FLAG_SITE_REDNESS_OR_SWELLING = "red_flag_site_redness_or_swelling"
    RED_FLAG_LEG_WEAKNESS_OR_NUMBNESS = "red_flag_leg_weakness_or_numbness"
    RED_FLAG_BLADDER_OR_BOWEL_CHANGES = "red_flag_bladder_or_bowel_changes"
    NEXT_STEPS = "next_steps"
    CONCERNS = "concerns"


# A date is typed in three boxes; its problem is shown on the first.
DateKeys = tuple[AnswerKey, AnswerKey, AnswerKey]
DATE_OF_BIRTH: DateKeys = (AnswerKey.DOB_DAY, AnswerKey.DOB_MONTH, AnswerKey.DOB_YEAR)
PROCEDURE_DATE: DateKeys = (AnswerKey.PROCEDURE_DAY, AnswerKey.PROCEDURE_MONTH, AnswerKey.PROCEDURE_YEAR)


def red_flag_answer(flag: RedFlag) -> AnswerKey:
    """The answer key of one warning-sign question, e.g. AnswerKey.RED_FLAG_FEVER for RedFlag.FEVER."""
    return AnswerKey(f"red_flag_{flag.value}")
