"""The Questionnaires the kiosk publishes: valid FHIR, equal to what the forms generate, every answer asked."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from kiosk.domain.forms import FIELDS
from kiosk.domain.requests import RequestKind
from kiosk.services.fhir.questionnaires import (
    PATIENT_FIELDS,
    link_ids,
    questionnaire_path,
    questionnaire_text,
    questionnaire_url,
)
from kiosk.services.request_form import appointment_steps, follow_up_steps

_STEPS = {RequestKind.APPOINTMENT: appointment_steps, RequestKind.FOLLOW_UP: follow_up_steps}


@pytest.mark.parametrize("kind", list(RequestKind))
def test_the_published_questionnaire_is_what_the_form_generates(kind: RequestKind) -> None:
    published = questionnaire_path(kind).read_text(encoding="utf-8")
    # If this fails after a form changed: python -m kiosk.services.fhir.questionnaires, and review the diff.
    assert published == questionnaire_text(kind)


@pytest.mark.parametrize("kind", list(RequestKind))
def test_the_published_questionnaire_is_valid_fhir(kind: RequestKind) -> None:
    model = Questionnaire.model_validate_json(questionnaire_path(kind).read_text(encoding="utf-8"))
    assert model.url == questionnaire_url(kind)
    assert model.status == "active"
    assert [item.linkId for item in model.item or []] == list(link_ids(kind))


@pytest.mark.parametrize("kind", list(RequestKind))
def test_every_question_the_patient_sees_is_in_the_questionnaire_or_the_patient(kind: RequestKind) -> None:
    shown = {key for step in _STEPS[kind](["si-joint-injection"]) for key in step.answer_keys}
    asked = set(link_ids(kind))
    dates = {"procedure_day", "procedure_month", "procedure_year"}
    assert shown == set(FIELDS[kind])
    assert {key for key in shown if key not in PATIENT_FIELDS and key not in dates} <= asked
    assert "procedure_date" in asked if kind is RequestKind.FOLLOW_UP else "procedure_date" not in asked


def test_the_follow_up_asks_the_peg_with_its_published_words_and_ends() -> None:
    items = {item["linkId"]: item for item in json.loads(questionnaire_text(RequestKind.FOLLOW_UP))["item"]}
    assert items["pain_now"]["text"] == "What number best describes your pain on average in the past week?"
    assert items["peg_enjoyment"]["text"].endswith("pain has interfered with your enjoyment of life?")
    assert items["peg_activity"]["text"].endswith("pain has interfered with your general activity?")
    for key in ("pain_now", "peg_enjoyment", "peg_activity"):
        assert [extension["valueInteger"] for extension in items[key]["extension"]] == [0, 10]
    assert items["peg_score"]["readOnly"] is True
