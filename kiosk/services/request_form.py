"""The step-by-step request forms without Qt: which questions, in which order, and a draft's life."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from kiosk.domain.forms import FormContext, build_request, check_fields
from kiosk.domain.problems import FieldProblem
from kiosk.domain.red_flags import RED_FLAG_QUESTIONS, red_flag_key
from kiosk.domain.requests import (
    OTHER_REASON,
    ContactMethod,
    ContactTime,
    NextStep,
    PatientRequest,
    PatientStatus,
    RedFlag,
    ReliefDuration,
    RequestKind,
    Weekday,
    YesNoUnsure,
)
from kiosk.services.requests import Receipt


class FieldKind(enum.StrEnum):
    TEXT = "text"
    MULTILINE = "multiline"
    DATE = "date"  # three answers: <key>_day, <key>_month, <key>_year
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    SCALE = "scale"  # 0 to 10
    PERCENT = "percent"  # 0 to 100 in tens
    CONSENT = "consent"
    # The warning signs as one checklist: tap each sign you have had, or "None of these". It answers every sign's
    # own yes/no key (red_flag_<flag>), so the domain, the stored requests and their FHIR answers read as before.
    SIGNS = "signs"


# The checklist's exclusive "nothing of these" answer: a sign left untapped is "no" only once this or a sign is tapped.
NONE_OF_THESE = "none"


@dataclass(frozen=True)
class Option:
    """A choice's stored value and where its words come from: a UI string or a content page."""

    value: str
    label_key: str = ""  # a key in the UI strings, or "" for a content page's title
    page_id: str = ""


@dataclass(frozen=True)
class FieldSpec:
    key: str
    kind: FieldKind
    label_key: str
    options: tuple[Option, ...] = ()
    keyboard: str = "letters"  # on-screen keyboard layout for text fields
    capitalize_words: bool = False
    # Asked only when another answer has a value, e.g. ("reason", "other").
    shown_when: tuple[str, str] | None = None
    # Which words a 0-10 scale puts on its numbers: "pain" (no pain ... worst pain) or "interference" (PEG).
    scale_words: str = "pain"
    # A choice already made when the step opens (shown chosen, and changeable), when only one answer is possible.
    preset: str = ""

    def applies(self, answers: Mapping[str, object]) -> bool:
        if self.shown_when is None:
            return True
        key, value = self.shown_when
        return answers.get(key) == value

    @property
    def answer_keys(self) -> tuple[str, ...]:
        if self.kind == FieldKind.DATE:
            prefix = self.key.removesuffix("_date")  # "procedure_date" answers as procedure_day...
            return (f"{prefix}_day", f"{prefix}_month", f"{prefix}_year")
        if self.kind == FieldKind.SIGNS:
            return tuple(
                red_flag_key(RedFlag(option.value)) for option in self.options if option.value != NONE_OF_THESE
            )
        return (self.key,)


@dataclass(frozen=True)
class StepSpec:
    id: str
    title_key: str
    fields: tuple[FieldSpec, ...]
    notice_key: str = ""  # a framed notice above the questions (the emergency notice)
    intro_key: str = ""

    @property
    def answer_keys(self) -> tuple[str, ...]:
        return tuple(key for spec in self.fields for key in spec.answer_keys)


def _options(values: Iterable[enum.StrEnum | str]) -> tuple[Option, ...]:
    return tuple(Option(str(value), f"options.{value}") for value in values)


# Name and date of birth on one step: beside the keyboard the step shows only its boxes (Next and the bar of steps
# sit above the keys), so all three questions, their labels and errors stay in sight at every screen and text size
# (tests/ui/test_form_keyboard_fit.py). Phone and e-mail stay a step of their own: five boxes did not fit 1280x800.
_ABOUT_YOU = StepSpec(
    "name",
    "steps.about_you",
    (
        FieldSpec("first_name", FieldKind.TEXT, "fields.first_name", capitalize_words=True),
        FieldSpec("last_name", FieldKind.TEXT, "fields.last_name", capitalize_words=True),
        FieldSpec("dob", FieldKind.DATE, "fields.date_of_birth"),
    ),
)
_CONTACT = StepSpec(
    "contact",
    "steps.contact",
    (
        FieldSpec("phone", FieldKind.TEXT, "fields.phone", keyboard="phone"),
        FieldSpec("email", FieldKind.TEXT, "fields.email", keyboard="email"),
    ),
)
# How and when to call, and the consent, are asked on the review step, above the answers read back (in sight as it
# opens) and before Send: the form is a step shorter, and the patient agrees with what is sent in front of them.
REVIEW = StepSpec(
    "review",
    "steps.review",
    (
        FieldSpec("contact_method", FieldKind.CHOICE, "fields.contact_method", _options(ContactMethod)),
        FieldSpec("contact_times", FieldKind.MULTI_CHOICE, "fields.contact_times", _options(ContactTime)),
        FieldSpec("consent_contact", FieldKind.CONSENT, "fields.consent_contact"),
        FieldSpec("consent_texts", FieldKind.CONSENT, "fields.consent_texts"),
    ),
    intro_key="form.review_hint",
)


# The appointment's review asks which days suit the patient beside when to call: on the first step, a fourth question
# there pushed the "tell us in a few words" box, or a question's error, out of sight beside the keyboard.
APPOINTMENT_REVIEW = replace(
    REVIEW,
    fields=(
        *REVIEW.fields[:2],  # how and when to call first: the questions every request needs answered
        FieldSpec("preferred_days", FieldKind.MULTI_CHOICE, "fields.preferred_days", _options(Weekday)),
        *REVIEW.fields[2:],
    ),
)


def is_review(step: StepSpec) -> bool:
    return step.id == REVIEW.id


def appointment_steps(procedure_ids: Iterable[str]) -> list[StepSpec]:
    reasons = (
        *(Option(page_id, page_id=page_id) for page_id in procedure_ids),
        Option(OTHER_REASON, "options.other"),
    )
    return [
        StepSpec(
            "reason",
            "steps.reason",
            (
                FieldSpec("patient_status", FieldKind.CHOICE, "fields.patient_status", _options(PatientStatus)),
                FieldSpec("reason", FieldKind.CHOICE, "fields.reason", reasons),
                FieldSpec("reason_other", FieldKind.TEXT, "fields.reason_other", shown_when=("reason", OTHER_REASON)),
            ),
            notice_key="form.emergency",
        ),
        _ABOUT_YOU,
        _CONTACT,
        APPOINTMENT_REVIEW,
    ]


# The follow-up's review asks what the patient wishes next beside how to be contacted (as the appointment's review asks
# the days that suit): a step of its own made the follow-up seven steps, and issue 19 asks for six at most.
FOLLOW_UP_REVIEW = replace(
    REVIEW,
    fields=(
        FieldSpec("next_steps", FieldKind.MULTI_CHOICE, "fields.next_steps", _options(NextStep)),
        *REVIEW.fields,
    ),
)


def follow_up_steps(procedure_ids: Iterable[str]) -> list[StepSpec]:
    procedures = tuple(Option(page_id, page_id=page_id) for page_id in procedure_ids)
    # One checklist, as symptom checkers ask (NHS 111 online): each sign a patient has had, or "None of these",
    # never chosen for them. Four yes/no questions on one step scrolled at every size, and on two steps took a step
    # more; a row per sign fits every screen and text size (tests/ui/test_warning_signs_fit.py), most serious first.
    signs = FieldSpec(
        "warning_signs",
        FieldKind.SIGNS,
        "fields.warning_intro",
        (
            *(Option(flag.value, f"fields.{red_flag_key(flag)}") for flag in RED_FLAG_QUESTIONS),
            Option(NONE_OF_THESE, "options.none_of_these"),
        ),
    )
    return [
        StepSpec(
            "procedure",
            "steps.procedure",
            (
                # A clinic that offers one procedure has it chosen already: one tap less, and the question stays
                # in sight so the patient sees what the request is about.
                FieldSpec(
                    "procedure",
                    FieldKind.CHOICE,
                    "fields.procedure",
                    procedures,
                    preset=procedures[0].value if len(procedures) == 1 else "",
                ),
                FieldSpec("procedure_date", FieldKind.DATE, "fields.procedure_date"),
            ),
            notice_key="form.emergency",
        ),
        _ABOUT_YOU,
        _CONTACT,
        StepSpec(
            "pain",
            "steps.pain_relief",
            (
                FieldSpec("pain_before", FieldKind.SCALE, "fields.pain_before"),
                # PEG-3 (pain average, enjoyment of life, general activity) on the pain step, not a new step:
                # its first item is "pain now", asked as the PEG asks it (the past week's average).
                FieldSpec("pain_now", FieldKind.SCALE, "fields.pain_now"),
                FieldSpec("peg_enjoyment", FieldKind.SCALE, "fields.peg_enjoyment", scale_words="interference"),
                FieldSpec("peg_activity", FieldKind.SCALE, "fields.peg_activity", scale_words="interference"),
                # How much and how long the procedure helped: the same pain, on the same step.
                FieldSpec("relief_percent", FieldKind.PERCENT, "fields.relief_percent"),
                FieldSpec("relief_duration", FieldKind.CHOICE, "fields.relief_duration", _options(ReliefDuration)),
                FieldSpec(
                    "relief_within_hours",
                    FieldKind.CHOICE,
                    "fields.relief_within_hours",
                    _options(YesNoUnsure),
                ),
            ),
        ),
        # The optional note under the checklist ("anything else?"): on the review it could not stay in sight over the
        # keyboard beside the review's choices and consents, nor on the contact step at 1280x800 at the largest text.
        # While it is typed the checklist folds to one line with what is chosen; at the tightest looks the note may
        # need a scroll, the signs never do (tests/ui/test_warning_signs_fit.py).
        StepSpec(
            "warning_signs",
            "steps.warning_signs",
            (signs, FieldSpec("concerns", FieldKind.MULTILINE, "fields.concerns")),
        ),
        FOLLOW_UP_REVIEW,
    ]


@dataclass
class RequestDraft:
    """One patient's answers in progress; thrown away whole when the visit ends."""

    kind: RequestKind
    steps: list[StepSpec]
    answers: dict[str, object] = field(default_factory=dict)
    step: int = 0
    # Made when the form opens, so a repeated Submit can never store the request twice.
    request_id: uuid.UUID = field(default_factory=uuid.uuid4)
    # Set once the request is stored. Storing is the form's RequestSender's (kiosk.ui.forms.request_sender), never
    # the draft's: only that path keeps the request in the outbox when the server is down.
    receipt: Receipt | None = None

    @property
    def current(self) -> StepSpec:
        return self.steps[self.step]

    @property
    def on_review(self) -> bool:
        return is_review(self.current)

    def answered_by_patient(self) -> bool:
        """Whether the patient has answered anything: a preset choice left as it was is not their answer."""
        presets = {spec.key: spec.preset for step in self.steps for spec in step.fields if spec.preset}
        return any(_answered(value) and presets.get(key) != value for key, value in self.answers.items())

    def answered_keys_through(self, step: int) -> list[str]:
        return [key for spec in self.steps[: step + 1] for key in spec.answer_keys]

    def context(self, base: FormContext) -> FormContext:
        return replace(base, request_id=self.request_id)

    def check_through_current(self, base: FormContext) -> list[FieldProblem]:
        """Problems in this step and the ones before (a rule may tie two steps together)."""
        keys = self.answered_keys_through(self.step)
        return check_fields(self.kind, self.answers, keys, self.context(base))

    def step_of(self, answer_key: str) -> int:
        for index, spec in enumerate(self.steps):
            if answer_key in spec.answer_keys:
                return index
        return self.step

    def build(self, base: FormContext) -> PatientRequest:
        return build_request(self.kind, self.answers, self.context(base))


def new_draft(kind: RequestKind, procedure_ids: Iterable[str]) -> RequestDraft:
    ids = list(procedure_ids)
    steps = appointment_steps(ids) if kind == RequestKind.APPOINTMENT else follow_up_steps(ids)
    return RequestDraft(kind, steps)


def _answered(value: object) -> bool:
    # Not `value not in (None, "", False)`: 0 == False in Python, and a pain score of 0 is an answer.
    if isinstance(value, bool):
        return value
    if isinstance(value, str | frozenset | set | list | tuple):
        return len(value) > 0
    return value is not None
