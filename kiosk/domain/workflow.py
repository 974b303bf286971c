"""Where a request can go once reception has it: the status workflow, as plain rules."""

from __future__ import annotations

import enum


class EventKind(enum.StrEnum):
    """What one line of a request's history records (RequestEvent.kind, stored as this text)."""

    STATUS = "status"  # a status change, from one RequestStatus to another
    NOTE = "note"  # a receptionist's note, or the outbox's note about a changed code
    SEEN = "seen"  # "Seen at the desk" on an urgent request


class RequestStatus(enum.StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    SCHEDULED = "scheduled"
    NO_ANSWER = "no_answer"  # called, nobody answered: try again
    UNREACHABLE = "unreachable"  # could not reach after trying (wrong number, no voicemail...)
    CLOSED = "closed"


STATUS_LABELS = {
    RequestStatus.NEW: "New",
    RequestStatus.CONTACTED: "Contacted",
    RequestStatus.SCHEDULED: "Scheduled",
    RequestStatus.NO_ANSWER: "No answer",
    RequestStatus.UNREACHABLE: "Could not reach",
    RequestStatus.CLOSED: "Closed",
}

OPEN_STATUSES = frozenset(status for status in RequestStatus if status is not RequestStatus.CLOSED)

# Every move a receptionist makes after a call. A closed request can be reopened as
# "contacted" (the patient called back); nothing goes back to "new", which means
# "nobody at the desk has acted on it yet" and drives the time-to-first-contact figure.
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.NEW: frozenset(
        {RequestStatus.CONTACTED, RequestStatus.NO_ANSWER, RequestStatus.UNREACHABLE, RequestStatus.CLOSED}
    ),
    RequestStatus.CONTACTED: frozenset(
        {RequestStatus.SCHEDULED, RequestStatus.NO_ANSWER, RequestStatus.UNREACHABLE, RequestStatus.CLOSED}
    ),
    RequestStatus.NO_ANSWER: frozenset(
        {RequestStatus.CONTACTED, RequestStatus.SCHEDULED, RequestStatus.UNREACHABLE, RequestStatus.CLOSED}
    ),
    RequestStatus.UNREACHABLE: frozenset({RequestStatus.CONTACTED, RequestStatus.SCHEDULED, RequestStatus.CLOSED}),
    RequestStatus.SCHEDULED: frozenset({RequestStatus.CONTACTED, RequestStatus.CLOSED}),
    RequestStatus.CLOSED: frozenset({RequestStatus.CONTACTED}),
}


class TransitionError(ValueError):
    """A status change the workflow does not allow; its message is a sentence for the receptionist."""


def allowed_next(current: RequestStatus) -> list[RequestStatus]:
    """The statuses a request in `current` can move to, in the workflow's order."""
    return [status for status in RequestStatus if status in TRANSITIONS[current]]


def check_transition(current: RequestStatus, new: RequestStatus) -> None:
    if new not in TRANSITIONS[current]:
        raise TransitionError(
            f"A request that is {STATUS_LABELS[current].lower()} cannot be marked "
            f"{STATUS_LABELS[new].lower()}; choose one of: "
            + ", ".join(STATUS_LABELS[status].lower() for status in allowed_next(current))
            + "."
        )
