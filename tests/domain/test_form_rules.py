"""The form's rules as properties: any answers give a request or problems, step by step as on Submit, in any order."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain import forms
from kiosk.domain.answers import AnswerKey
from kiosk.domain.forms import FIELDS, build_request, check_fields
from kiosk.domain.problems import ProblemCode, RequestInvalid
from kiosk.domain.requests import RequestKind
from tests.domain.test_forms import ANY_VALUE, CONTEXT, valid_answers

KINDS = [RequestKind.APPOINTMENT, RequestKind.FOLLOW_UP]
# Keys of the form, keys of the other form, and keys no form has.
ANY_KEY = st.one_of(st.sampled_from(list(AnswerKey)), st.sampled_from([key.value for key in AnswerKey]), st.text())


def near_valid(kind: RequestKind) -> st.SearchStrategy[dict[str, object]]:
    """A patient's answers with a few of them changed to anything, so rules across answers get to run."""
    return st.dictionaries(st.sampled_from(FIELDS[kind]), ANY_VALUE, max_size=5).map(
        lambda changes: valid_answers(kind, **changes)
    )


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_answers_give_a_request_or_the_problems_the_steps_show(kind: RequestKind, data: st.DataObject) -> None:
    answers = data.draw(st.one_of(st.dictionaries(ANY_KEY, ANY_VALUE, max_size=12), near_valid(kind)))
    found = check_fields(kind, answers, FIELDS[kind], CONTEXT)
    try:
        request = build_request(kind, answers, CONTEXT)
    except RequestInvalid as invalid:  # the only failure a caller has to handle
        assert list(invalid.problems) == found
        assert found
    else:
        assert found == []
        assert request.kind is kind
    assert [problem.field for problem in found] == [key for key in FIELDS[kind] if key in {p.field for p in found}]
    assert {problem.code for problem in found} <= set(ProblemCode)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_step_shows_only_problems_submit_would_show_and_only_on_its_own_answers(
    kind: RequestKind, data: st.DataObject
) -> None:
    # However the form is cut into steps, a step never blocks a patient on something Submit would accept.
    answers = data.draw(near_valid(kind))
    step = data.draw(st.sets(st.sampled_from(FIELDS[kind])))
    on_submit = check_fields(kind, answers, FIELDS[kind], CONTEXT)
    on_step = check_fields(kind, answers, step, CONTEXT)
    assert {problem.field for problem in on_step} <= step
    assert set(on_step) <= set(on_submit)
    assert on_step == [problem for problem in on_submit if problem in on_step]  # form order


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_the_problems_do_not_depend_on_the_order_the_rules_are_listed_in(
    kind: RequestKind, data: st.DataObject
) -> None:
    rules = forms._RULES[kind]
    shuffled = dataclasses.replace(
        rules,
        fields=tuple(data.draw(st.permutations(rules.fields))),
        across=tuple(data.draw(st.permutations(rules.across))),
    )
    answers = data.draw(near_valid(kind))
    assert shuffled.problems(forms._Reading(answers, CONTEXT), FIELDS[kind]) == check_fields(
        kind, answers, FIELDS[kind], CONTEXT
    )


def test_a_rule_that_would_show_a_second_problem_on_a_field_is_refused_when_the_module_loads() -> None:
    rules = forms._RULES[RequestKind.APPOINTMENT]
    with pytest.raises(ValueError, match="same field"):
        dataclasses.replace(rules, across=(*rules.across, rules.across[0]))
    speaking_over = forms._Check((AnswerKey.CONSENT_TEXTS,), AnswerKey.PHONE, lambda reading: None)
    with pytest.raises(ValueError, match="does not read"):
        dataclasses.replace(rules, across=(speaking_over,))
    half_a_date = forms._Check((AnswerKey.DOB_DAY,), AnswerKey.DOB_DAY, lambda reading: None)
    with pytest.raises(ValueError, match="part of a field"):
        dataclasses.replace(rules, across=(half_a_date,))
    with pytest.raises(ValueError, match="does not ask for"):
        dataclasses.replace(rules, fields=(*rules.fields, forms._field(AnswerKey.PAIN_NOW, lambda reading: None)))
