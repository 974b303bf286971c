"""The status workflow reception follows: what can follow what, and the sentence when a move is refused."""

from __future__ import annotations

import pytest

from kiosk.domain.workflow import (
    OPEN_STATUSES,
    STATUS_LABELS,
    TRANSITIONS,
    RequestStatus,
    TransitionError,
    allowed_next,
    check_transition,
)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (RequestStatus.NEW, RequestStatus.CONTACTED),
        (RequestStatus.CONTACTED, RequestStatus.SCHEDULED),
        (RequestStatus.SCHEDULED, RequestStatus.CLOSED),
        (RequestStatus.NEW, RequestStatus.NO_ANSWER),
        (RequestStatus.NO_ANSWER, RequestStatus.UNREACHABLE),
        (RequestStatus.UNREACHABLE, RequestStatus.CLOSED),
        (RequestStatus.CLOSED, RequestStatus.CONTACTED),  # the patient called back
    ],
)
def test_the_desks_usual_moves_are_allowed(current: RequestStatus, new: RequestStatus) -> None:
    check_transition(current, new)


@pytest.mark.parametrize("current", list(RequestStatus))
def test_nothing_goes_back_to_new_or_stays_where_it_is(current: RequestStatus) -> None:
    assert RequestStatus.NEW not in allowed_next(current)
    assert current not in allowed_next(current)
    with pytest.raises(TransitionError):
        check_transition(current, RequestStatus.NEW)


def test_a_refused_move_is_a_sentence_naming_the_choices() -> None:
    with pytest.raises(TransitionError) as refused:
        check_transition(RequestStatus.CLOSED, RequestStatus.SCHEDULED)
    assert str(refused.value) == "A request that is closed cannot be marked scheduled; choose one of: contacted."


def test_allowed_next_keeps_the_workflow_order() -> None:
    assert allowed_next(RequestStatus.NEW) == [
        RequestStatus.CONTACTED,
        RequestStatus.NO_ANSWER,
        RequestStatus.UNREACHABLE,
        RequestStatus.CLOSED,
    ]


def test_every_status_has_a_label_and_a_way_on() -> None:
    assert set(STATUS_LABELS) == set(RequestStatus) == set(TRANSITIONS)
    assert all(TRANSITIONS[status] for status in RequestStatus)
    assert RequestStatus.CLOSED not in OPEN_STATUSES
