"""The waiting rule: within the target, due soon past half of it, overdue past it; only while the desk owes a look."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from kiosk.config.settings import UrgentSettings
from kiosk.domain.workflow import RequestStatus
from kiosk.services.waiting import (
    WAIT_WORDS,
    WaitState,
    WaitTargets,
    request_wait_state,
    seen_words,
    target_words,
    wait_state,
    waits_for_desk,
)

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
TARGETS = WaitTargets(urgent=dt.timedelta(minutes=10), routine=dt.timedelta(hours=24))
MINUTE, HOUR = dt.timedelta(minutes=1), dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("waited", "state"),
    [
        (0 * MINUTE, WaitState.WITHIN),
        (5 * MINUTE, WaitState.WITHIN),  # exactly half: not yet past it
        (5 * MINUTE + dt.timedelta(seconds=1), WaitState.DUE_SOON),
        (10 * MINUTE, WaitState.DUE_SOON),  # exactly the target: still within it
        (10 * MINUTE + dt.timedelta(seconds=1), WaitState.OVERDUE),
        (3 * HOUR, WaitState.OVERDUE),
    ],
)
def test_a_wait_is_measured_against_half_the_target_and_the_target(waited: dt.timedelta, state: WaitState) -> None:
    assert wait_state(waited, 10 * MINUTE) is state


def test_each_state_past_the_first_has_a_word_so_colour_is_never_alone() -> None:
    assert WAIT_WORDS[WaitState.DUE_SOON] == "due soon"
    assert WAIT_WORDS[WaitState.OVERDUE] == "overdue"
    assert WAIT_WORDS[WaitState.WITHIN] == ""


def test_urgent_requests_are_held_to_minutes_and_others_to_hours() -> None:
    def state(urgent: bool, waited: dt.timedelta) -> WaitState | None:
        return request_wait_state(
            status=RequestStatus.NEW,
            urgent=urgent,
            seen_at_desk_at=None,
            created_at=T0,
            now=T0 + waited,
            targets=TARGETS,
        )

    assert state(True, 4 * MINUTE) is WaitState.WITHIN
    assert state(True, 7 * MINUTE) is WaitState.DUE_SOON
    assert state(True, 11 * MINUTE) is WaitState.OVERDUE
    assert state(False, 11 * MINUTE) is WaitState.WITHIN
    assert state(False, 13 * HOUR) is WaitState.DUE_SOON
    assert state(False, 25 * HOUR) is WaitState.OVERDUE


def test_only_a_request_nobody_at_the_desk_has_dealt_with_is_measured() -> None:
    seen = T0 + 2 * MINUTE
    assert waits_for_desk(RequestStatus.NEW, False, None)
    assert waits_for_desk(RequestStatus.NEW, True, None)
    assert not waits_for_desk(RequestStatus.NEW, True, seen)  # seen at the desk: the alarm's wait is over
    for status in set(RequestStatus) - {RequestStatus.NEW}:
        assert not waits_for_desk(status, False, None), status
        assert not waits_for_desk(status, True, None), status
    late = functools.partial(request_wait_state, created_at=T0, now=T0 + 3 * HOUR, targets=TARGETS)
    assert late(status=RequestStatus.CONTACTED, urgent=False, seen_at_desk_at=None) is None
    assert late(status=RequestStatus.NEW, urgent=True, seen_at_desk_at=seen) is None


def test_targets_come_from_the_urgent_settings() -> None:
    targets = WaitTargets.from_settings(UrgentSettings(urgent_target_minutes=15, routine_target_hours=8))
    assert (targets.urgent, targets.routine) == (15 * MINUTE, 8 * HOUR)
    assert WaitTargets.from_settings(UrgentSettings()) == TARGETS
    assert (targets.for_request(True), targets.for_request(False)) == (15 * MINUTE, 8 * HOUR)


def test_targets_and_seen_times_read_as_staff_say_them() -> None:
    assert [target_words(t) for t in (MINUTE, 10 * MINUTE, HOUR, 24 * HOUR, 90 * MINUTE)] == [
        "1 minute",
        "10 minutes",
        "1 hour",
        "24 hours",
        "90 minutes",
    ]
    seen_at = dt.datetime(2025, 3, 3, 10, 42).astimezone()  # 10:42 on this PC's clock
    today = seen_at.date()
    assert seen_words(seen_at, "alice", today=today) == "Seen at the desk 10:42 (alice)"
    assert seen_words(seen_at, "alice", today=today, short=True) == "Seen 10:42 (alice)"
    assert seen_words(seen_at, "", today=today) == "Seen at the desk 10:42"
    assert seen_words(seen_at, "alice", today=today + dt.timedelta(days=1)) == "Seen at the desk 3 Mar 10:42 (alice)"
