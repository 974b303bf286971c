"""The red-flag rules: which warning signs we ask about after a procedure and what makes a request urgent."""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.domain.requests import FollowUpRequest, PatientRequest, RedFlag

# The warning-signs step asks in this order, most serious first (a sign of nerve compression before one
# of infection), so a patient who stops reading has answered the gravest; a tuple, so the order is decided
# here and not by the enum.
RED_FLAG_QUESTIONS: tuple[RedFlag, ...] = (
    RedFlag.BLADDER_OR_BOWEL_CHANGES,
    RedFlag.LEG_WEAKNESS_OR_NUMBNESS,
    RedFlag.FEVER,
    RedFlag.SITE_REDNESS_OR_SWELLING,
)

YES = "yes"
NO = "no"


def red_flag_key(flag: RedFlag) -> str:
    """The answer key of one warning-sign question, e.g. "red_flag_fever"."""
    return f"red_flag_{flag.value}"


def red_flags_from(answers: Mapping[str, object]) -> frozenset[RedFlag]:
    """The warning signs the patient answered "yes" to."""
    return frozenset(flag for flag in RED_FLAG_QUESTIONS if answers.get(red_flag_key(flag)) == YES)


def is_urgent(request: PatientRequest) -> bool:
    """True when the desk must see the patient now: a follow-up with any warning sign."""
    # An appointment request asks no warning-sign questions, so it is never urgent.
    return isinstance(request, FollowUpRequest) and bool(request.red_flags)
