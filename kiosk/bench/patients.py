"""Made-up patients' raw form answers, validated and stored the way the kiosk's Submit does (never real data)."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from kiosk.domain.forms import FormContext, build_request
from kiosk.domain.red_flags import NO, RED_FLAG_QUESTIONS, YES, red_flag_key
from kiosk.domain.requests import AppointmentRequest, FollowUpRequest, RequestKind
from kiosk.services.demo_data import FIRST_NAMES, LAST_NAMES, PROCEDURE, fictional_phone

URGENT_EVERY = 10  # one follow-up in ten reports a warning sign, as in the concurrency test


class Patients:
    """Answers a patient types, different each time; the same seed gives the same patients."""

    def __init__(self, seed: int = 0, today: dt.date | None = None) -> None:
        self._rng = random.Random(seed)
        self._today = today or dt.date.today()
        self._count = 0

    def answers(self, kind: RequestKind) -> dict[str, object]:
        rng = self._rng
        contact: dict[str, object] = {
            "first_name": rng.choice(FIRST_NAMES),
            "last_name": rng.choice(LAST_NAMES),
            "dob_day": str(rng.randint(1, 28)),
            "dob_month": str(rng.randint(1, 12)),
            "dob_year": str(rng.randint(1940, 2005)),
            "phone": fictional_phone(rng),
            "email": "",
            "contact_method": "phone_call",
            "contact_times": frozenset({"morning"}),
            "consent_contact": True,
            "consent_texts": False,
        }
        if kind is RequestKind.APPOINTMENT:
            return {
                "patient_status": "new",
                **contact,
                "reason": "other",
                "reason_other": "Low back pain when I sit",
                "preferred_days": frozenset({"monday", "thursday"}),
            }
        self._count += 1
        urgent = self._count % URGENT_EVERY == 0
        done = self._today - dt.timedelta(days=rng.randint(1, 60))
        return {
            "procedure": PROCEDURE,
            "procedure_day": str(done.day),
            "procedure_month": str(done.month),
            "procedure_year": str(done.year),
            **contact,
            "pain_before": 8,
            "pain_now": 3,
            "peg_enjoyment": 4,
            "peg_activity": 5,
            "relief_percent": 60,
            "relief_duration": "days",
            "relief_within_hours": "yes",
            **{red_flag_key(flag): NO for flag in RED_FLAG_QUESTIONS},
            red_flag_key(RED_FLAG_QUESTIONS[0]): YES if urgent else NO,
            "concerns": "",
            "next_steps": frozenset({"question"}),
        }

    def context(self, language: str = "en") -> FormContext:
        return FormContext(
            region="US",
            today=self._today,
            procedures=frozenset({PROCEDURE}),
            request_id=uuid.uuid4(),
            language=language,
        )

    def request(self, index: int) -> AppointmentRequest | FollowUpRequest:
        """Validated as Submit validates it: appointments and follow-ups taking turns."""
        kind = RequestKind.FOLLOW_UP if index % 2 else RequestKind.APPOINTMENT
        return build_request(kind, self.answers(kind), self.context())
