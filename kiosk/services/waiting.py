"""How long a request has waited for the desk against the clinic's targets: within, due soon, or overdue.

Plain Python (no Qt, no SQL), so the queue's colours and words are decided here and tested without a window.
Only a request nobody at the desk has dealt with is measured: status "new" and, if urgent, not yet
"Seen at the desk". Once someone acts on it, how long it waited is history, not a warning.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from kiosk.config.settings import UrgentSettings
from kiosk.domain.workflow import RequestStatus


class WaitState(enum.Enum):
    WITHIN = "within target"
    DUE_SOON = "due soon"  # past half the target
    OVERDUE = "overdue"  # past the target


# The word shown beside the waiting time, so the state never rests on colour alone.
WAIT_WORDS = {WaitState.WITHIN: "", WaitState.DUE_SOON: "due soon", WaitState.OVERDUE: "overdue"}


@dataclass(frozen=True)
class WaitTargets:
    """How soon the desk should act: on an urgent request, and on any other."""

    urgent: dt.timedelta = dt.timedelta(minutes=10)
    routine: dt.timedelta = dt.timedelta(hours=24)

    @classmethod
    def from_settings(cls, settings: UrgentSettings) -> WaitTargets:
        return cls(
            urgent=dt.timedelta(minutes=settings.urgent_target_minutes),
            routine=dt.timedelta(hours=settings.routine_target_hours),
        )

    def for_request(self, urgent: bool) -> dt.timedelta:
        return self.urgent if urgent else self.routine


def waits_for_desk(status: RequestStatus, urgent: bool, seen_at_desk_at: dt.datetime | None) -> bool:
    """True while nobody at the desk has dealt with the request: still new and, if urgent, not yet seen."""
    return status is RequestStatus.NEW and not (urgent and seen_at_desk_at is not None)


def wait_state(waited: dt.timedelta, target: dt.timedelta) -> WaitState:
    """Within the target up to half of it, due soon past half, overdue past the whole target."""
    if waited > target:
        return WaitState.OVERDUE
    if waited * 2 > target:
        return WaitState.DUE_SOON
    return WaitState.WITHIN


def request_wait_state(
    *,
    status: RequestStatus,
    urgent: bool,
    seen_at_desk_at: dt.datetime | None,
    created_at: dt.datetime,
    now: dt.datetime,
    targets: WaitTargets,
) -> WaitState | None:
    """The request's state against its target, or None when it no longer waits for the desk."""
    if not waits_for_desk(status, urgent, seen_at_desk_at):
        return None
    return wait_state(now - created_at, targets.for_request(urgent))


def target_words(target: dt.timedelta) -> str:
    """ "10 minutes", "1 hour", "24 hours": a target as the settings state it."""
    minutes = int(target.total_seconds() // 60)
    if minutes % 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    return f"{hours} hour{'s' if hours != 1 else ''}"


def seen_words(at: dt.datetime, by: str, *, today: dt.date, short: bool = False) -> str:
    """ "Seen at the desk 10:42 (alice)", with the date when it was not today; `short` says "Seen 10:42 (alice)".

    The short form is for the queue's Status column, where "Urgent" on the same row says which desk it means.
    """
    local = at.astimezone()
    when = f"{local:%H:%M}" if local.date() == today else f"{local.day} {local:%b} {local:%H:%M}"
    words = f"Seen {when}" if short else f"Seen at the desk {when}"
    return f"{words} ({by})" if by else words
