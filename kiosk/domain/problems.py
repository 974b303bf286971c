"""What is wrong with a patient's answers, said as field names and codes, never with what they typed."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class ProblemCode(enum.StrEnum):
    """Every code a FieldProblem may carry; the UI shows `errors.<code>` as a translated sentence."""

    REQUIRED = "required"
    TOO_LONG = "too_long"
    NAME_INVALID = "name_invalid"
    DATE_INVALID = "date_invalid"
    DOB_FUTURE = "dob_future"
    DOB_TOO_OLD = "dob_too_old"
    PROCEDURE_DATE_FUTURE = "procedure_date_future"
    PROCEDURE_DATE_TOO_OLD = "procedure_date_too_old"
    PHONE_INVALID = "phone_invalid"
    EMAIL_INVALID = "email_invalid"
    CHOICE_REQUIRED = "choice_required"
    CONSENT_REQUIRED = "consent_required"
    TEXTS_NEED_OPT_IN = "texts_need_opt_in"
    EMAIL_NEEDED = "email_needed"
    REASON_OTHER_REQUIRED = "reason_other_required"
    SCALE_INVALID = "scale_invalid"
    RED_FLAG_UNANSWERED = "red_flag_unanswered"
    NEXT_STEP_REQUIRED = "next_step_required"


@dataclass(frozen=True)
class FieldProblem:
    """One answer the patient must change (`field` is an answer key) and why (`code`)."""

    field: str
    code: str


class RequestInvalid(Exception):  # noqa: N818 (the name others code against)
    """A request could not be built from the answers; carries every problem found."""

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        self.problems: tuple[FieldProblem, ...] = tuple(problems)
        # Only field names and codes: the message may reach a log, the patient's answers must not.
        super().__init__(", ".join(f"{problem.field}: {problem.code}" for problem in self.problems))
