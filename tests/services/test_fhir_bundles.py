"""Requests as the clinic's record system gets them: FHIR transaction Bundles read back with fhir.resources."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import logging
from typing import Any
from urllib.parse import unquote

import pytest
from fhir.resources.R4B.bundle import Bundle

from kiosk.domain.requests import FollowUpRequest, PatientRequest, RedFlag
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.casework import change_status
from kiosk.services.fhir.bundles import REFERENCE_SYSTEM, REQUEST_ID_SYSTEM
from kiosk.services.fhir.export import FhirLayout, export_fhir
from kiosk.services.fhir.questionnaires import PAIN_SCORE_CODE, questionnaire, questionnaire_url
from kiosk.services.queue import QueueFilter
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from tests.services import factories

ADMIN = Actor("root", Role.ADMIN, "back-office")
ALICE = Actor("alice", Role.RECEPTION, "front-desk-1")
EVERYTHING = QueueFilter(statuses=frozenset(RequestStatus))
MONDAY = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
_ITEM_VALUE = {
    "integer": "valueInteger",
    "decimal": "valueDecimal",
    "date": "valueDate",
    "boolean": "valueBoolean",
    "choice": "valueCoding",
    "string": "valueString",
    "text": "valueString",
}


def _bundles(database: Database) -> list[dict[str, Any]]:
    """Every request as the NDJSON export writes it, each line validated by fhir.resources first."""
    stream = io.StringIO()
    export_fhir(database, EVERYTHING, stream, FhirLayout.NDJSON, actor=ADMIN)
    lines = stream.getvalue().splitlines()
    for line in lines:
        Bundle.model_validate_json(line)  # raises on anything FHIR R4 does not allow
    return [json.loads(line) for line in lines]


def _resources(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["resource"]["resourceType"]: entry["resource"] for entry in bundle["entry"]}


def _store(database: Database, request: PatientRequest, at: dt.datetime = MONDAY) -> str:
    return submit_request(database, request, "kiosk-1", now=at).reference


def _with_name(request: PatientRequest, first: str, last: str) -> PatientRequest:
    contact = dataclasses.replace(request.contact, first_name=first, last_name=last)
    return dataclasses.replace(request, contact=contact)


def test_a_follow_up_becomes_one_transaction_of_patient_answers_and_request(database: Database) -> None:
    request = factories.follow_up()
    reference = _store(database, request)

    (bundle,) = _bundles(database)

    assert bundle["type"] == "transaction"
    found = _resources(bundle)
    assert set(found) == {"Patient", "QuestionnaireResponse", "ServiceRequest"}  # no warning sign, no Flag
    service = found["ServiceRequest"]
    assert service["priority"] == "routine"
    assert service["status"] == "active"
    assert service["intent"] == "proposal"
    assert {"system": REFERENCE_SYSTEM, "value": reference} in service["identifier"]
    assert {"system": REQUEST_ID_SYSTEM, "value": str(request.request_id)} in service["identifier"]
    response = found["QuestionnaireResponse"]
    assert response["questionnaire"].startswith(questionnaire_url(request.kind) + "|")
    assert response["authored"] == "2025-03-03T09:00:00Z"
    # Entries point at each other by the fullUrls the transaction gives them.
    urls = {entry["resource"]["resourceType"]: entry["fullUrl"] for entry in bundle["entry"]}
    assert response["subject"]["reference"] == service["subject"]["reference"] == urls["Patient"]
    assert service["supportingInfo"] == [{"reference": urls["QuestionnaireResponse"]}]


def test_hard_names_dates_and_language_arrive_as_the_patient_typed_them(database: Database) -> None:
    names = [("Thị Minh", "Nguyễn"), ("María José", "Ñúñez-O'Brien")]
    requests = [
        _with_name(factories.follow_up(language="vi"), *names[0]),
        _with_name(factories.appointment(language="es"), *names[1]),
    ]
    for hours, request in enumerate(requests):
        _store(database, request, MONDAY + dt.timedelta(hours=hours))

    bundles = _bundles(database)

    patients = [_resources(bundle)["Patient"] for bundle in bundles]
    assert [(p["name"][0]["given"], p["name"][0]["family"]) for p in patients] == [
        (["Thị Minh"], "Nguyễn"),
        (["María José"], "Ñúñez-O'Brien"),
    ]
    assert {p["birthDate"] for p in patients} == {factories.DATE_OF_BIRTH.isoformat()}
    assert [p["communication"][0]["language"]["coding"][0]["code"] for p in patients] == ["vi", "es"]
    assert patients[0]["telecom"] == [
        {"system": "phone", "value": factories.PHONE},
        {"system": "email", "value": factories.EMAIL},
    ]
    answers = _answers(_resources(bundles[0])["QuestionnaireResponse"])
    assert answers["procedure_date"] == [{"valueDate": "2025-01-06"}]


def test_a_warning_sign_makes_the_request_urgent_and_a_flag_names_each_sign(database: Database) -> None:
    _store(database, factories.urgent_follow_up())

    (bundle,) = _bundles(database)

    found = _resources(bundle)
    assert found["ServiceRequest"]["priority"] == "urgent"
    flag = found["Flag"]
    assert flag["status"] == "active"
    assert flag["code"]["text"] == "Warning signs after a procedure: new weakness or numbness in a leg; fever"
    answers = _answers(found["QuestionnaireResponse"])
    assert answers["red_flag_fever"] == answers["red_flag_leg_weakness_or_numbness"] == [{"valueBoolean": True}]
    assert answers["red_flag_bladder_or_bowel_changes"] == [{"valueBoolean": False}]


def test_every_answer_is_a_question_of_its_questionnaire_with_the_right_type(database: Database) -> None:
    request = factories.follow_up(red_flags=frozenset({RedFlag.FEVER}))
    _store(database, request)
    _store(database, factories.appointment(), MONDAY + dt.timedelta(hours=1))

    for bundle in _bundles(database):
        response = _resources(bundle)["QuestionnaireResponse"]
        kind = next(
            kind
            for kind in (request.kind, factories.appointment().kind)
            if response["questionnaire"].startswith(questionnaire_url(kind) + "|")
        )
        items = {item["linkId"]: item for item in questionnaire(kind)["item"]}
        for answered in response["item"]:
            asked = items[answered["linkId"]]  # KeyError: an answer to a question the Questionnaire lacks
            assert answered["text"] == asked["text"]
            assert {key for answer in answered["answer"] for key in answer} == {_ITEM_VALUE[asked["type"]]}
            if asked.get("answerOption"):
                allowed = [option["valueCoding"]["code"] for option in asked["answerOption"]]
                assert all(answer["valueCoding"]["code"] in allowed for answer in answered["answer"])
        required = {key for key, item in items.items() if item.get("required")}
        assert required <= {item["linkId"] for item in response["item"]}


def test_the_peg_items_and_score_go_with_the_pain_scores_loinc_code(database: Database) -> None:
    request = factories.follow_up()
    assert isinstance(request, FollowUpRequest)
    _store(database, dataclasses.replace(request, pain_now=6, peg_enjoyment=7, peg_activity=4))

    (bundle,) = _bundles(database)

    answers = _answers(_resources(bundle)["QuestionnaireResponse"])
    assert (answers["pain_now"], answers["peg_enjoyment"], answers["peg_activity"]) == (
        [{"valueInteger": 6}],
        [{"valueInteger": 7}],
        [{"valueInteger": 4}],
    )
    assert answers["peg_score"] == [{"valueDecimal": 5.7}]
    items = {item["linkId"]: item for item in questionnaire(request.kind)["item"]}
    assert items["pain_now"]["code"] == items["pain_before"]["code"] == [PAIN_SCORE_CODE]
    assert PAIN_SCORE_CODE["code"] == "72514-3"


def test_sending_again_targets_the_same_resources_and_a_status_change_updates_them(database: Database) -> None:
    request = factories.urgent_follow_up()
    _store(database, request)
    first = _bundles(database)
    assert _bundles(database) == first  # the same request exports to the very same bundle

    change_status(database, str(request.request_id), RequestStatus.CLOSED, expected_version=1, actor=ALICE)
    (after,) = _bundles(database)

    (before,) = first
    assert [entry["request"] for entry in after["entry"]] == [entry["request"] for entry in before["entry"]]
    assert [entry["fullUrl"] for entry in after["entry"]] == [entry["fullUrl"] for entry in before["entry"]]
    assert after["identifier"] != before["identifier"]  # each send of a change is a bundle of its own
    assert _resources(after)["ServiceRequest"]["status"] == "completed"
    assert _resources(after)["Flag"]["status"] == "inactive"
    methods = {entry["resource"]["resourceType"]: entry["request"] for entry in after["entry"]}
    # The Patient only if none has its identifier; the rest replaced where their identifier matches.
    assert methods["Patient"]["method"] == "POST"
    assert unquote(methods["Patient"]["ifNoneExist"]).endswith(f"|{request.request_id}")
    for kind in ("QuestionnaireResponse", "ServiceRequest", "Flag"):
        assert methods[kind]["method"] == "PUT"
        assert unquote(methods[kind]["url"]) == f"{kind}?identifier={REQUEST_ID_SYSTEM}|{request.request_id}"


def test_no_patient_data_reaches_the_log(database: Database, caplog: pytest.LogCaptureFixture) -> None:
    _store(database, factories.urgent_follow_up())
    _store(database, factories.appointment(), MONDAY + dt.timedelta(hours=1))
    caplog.set_level(logging.DEBUG)

    _bundles(database)

    assert not [value for value in factories.PATIENT_VALUES if value in caplog.text]


def _answers(response: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {item["linkId"]: item["answer"] for item in response["item"]}
