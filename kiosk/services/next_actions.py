"""The receptionist's to-do list: which open requests need someone next, most pressing first, and why, in words.

The order a busy desk works in: urgent requests nobody has seen, then requests past their answer target, then new
ones oldest first, then calls to try again (no answer, could not reach), then patients contacted some days ago
without an appointment. Scheduled requests need nothing until the visit, so they are not listed. Each group is
read with its own short query along the open-queue index (statuses and urgent are in it), at most `limit` rows
each, so the list costs the same at a million requests as at a hundred.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, func, select

from kiosk.domain.requests import RequestKind
from kiosk.domain.workflow import RequestStatus
from kiosk.services.queue import OPEN_ONLY
from kiosk.services.waiting import WaitTargets, target_words
from kiosk.storage.database import Database
from kiosk.storage.models import RequestRecord

# How long before a call that went unanswered is worth another try: later the same morning or afternoon.
NO_ANSWER_RETRY = dt.timedelta(hours=3)
# "Could not reach" means several tries failed (wrong number, no voicemail): one more try the next day.
UNREACHABLE_RETRY = dt.timedelta(days=1)
# A patient contacted but not booked after this is followed up (the call back did not come).
CONTACTED_FOLLOW_UP = dt.timedelta(days=2)
LIMIT = 50


class ActionKind(enum.IntEnum):
    """Why a request is on the list; the value is its place, most pressing first."""

    URGENT_UNSEEN = 1
    OVERDUE = 2
    NEW = 3
    TRY_AGAIN = 4
    UNREACHABLE = 5
    NOT_BOOKED = 6


# What the receptionist does, shown with the reason.
ACTION_WORDS = {
    ActionKind.URGENT_UNSEEN: "See or call now",
    ActionKind.OVERDUE: "Call back",
    ActionKind.NEW: "Call back",
    ActionKind.TRY_AGAIN: "Try again",
    ActionKind.UNREACHABLE: "Try once more or close",
    ActionKind.NOT_BOOKED: "Follow up",
}


@dataclass(frozen=True)
class NextAction:
    """One line of the to-do list: which request, what to do, and why."""

    id: str
    reference: str
    kind: RequestKind
    urgent: bool
    first_name: str
    last_name: str
    status: RequestStatus
    action: ActionKind
    reason: str  # a sentence: "Urgent, waiting 12 min, not yet seen at the desk."

    @property
    def what_to_do(self) -> str:
        return ACTION_WORDS[self.action]


def wait_words(waited: dt.timedelta) -> str:
    """ "12 min", "3 h 5 min", "2 days 4 h": how long, as the desk says it."""
    minutes = max(0, int(waited.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


def next_actions(
    database: Database,
    *,
    now: dt.datetime | None = None,
    targets: WaitTargets | None = None,
    limit: int = LIMIT,
) -> list[NextAction]:
    """Up to `limit` open requests that need someone, most pressing first (see the module's order)."""
    now = now or dt.datetime.now(dt.UTC)
    targets = targets or WaitTargets()
    found: list[NextAction] = []
    with database.read() as session:
        for group, statement in _groups(now):
            if len(found) >= limit:
                break
            for record in session.execute(statement.limit(limit - len(found))):
                found.append(_action(record, group, now, targets))
    # New requests are read in two runs (urgent ones already seen at the desk, then the rest), each oldest first,
    # and split into overdue or not here: a stable sort puts every overdue one first, urgent before routine.
    return sorted(found, key=lambda action: (action.action, not action.urgent))[:limit]


_COLUMNS = (
    RequestRecord.id,
    RequestRecord.reference,
    RequestRecord.kind,
    RequestRecord.urgent,
    RequestRecord.first_name,
    RequestRecord.last_name,
    RequestRecord.status,
    RequestRecord.created_at,
    RequestRecord.status_changed_at,
    RequestRecord.seen_at_desk_at,
)


def _open(*conditions: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    # OPEN_ONLY in the open-queue index's own words, so the database reads that (small) index.
    return select(*_COLUMNS).where(OPEN_ONLY, *conditions)


def _groups(now: dt.datetime) -> list[tuple[str, Select[*tuple[Any, ...]]]]:
    new = RequestRecord.status == RequestStatus.NEW.value
    # A status set without a time (an import, an older version) counts from the request's arrival.
    changed = func.coalesce(RequestRecord.status_changed_at, RequestRecord.created_at)
    oldest = (RequestRecord.created_at, RequestRecord.id)
    return [
        (
            "urgent",
            _open(new, RequestRecord.urgent.is_(True), RequestRecord.seen_at_desk_at.is_(None)).order_by(*oldest),
        ),
        # Urgent ones already seen at the desk but not yet called, then every other new request, oldest first.
        (
            "seen",
            _open(new, RequestRecord.urgent.is_(True), RequestRecord.seen_at_desk_at.is_not(None)).order_by(*oldest),
        ),
        ("new", _open(new, RequestRecord.urgent.is_(False)).order_by(*oldest)),
        (
            "no_answer",
            _open(RequestRecord.status == RequestStatus.NO_ANSWER.value, changed <= now - NO_ANSWER_RETRY).order_by(
                changed, RequestRecord.id
            ),
        ),
        (
            "unreachable",
            _open(RequestRecord.status == RequestStatus.UNREACHABLE.value, changed <= now - UNREACHABLE_RETRY).order_by(
                changed, RequestRecord.id
            ),
        ),
        (
            "contacted",
            _open(RequestRecord.status == RequestStatus.CONTACTED.value, changed <= now - CONTACTED_FOLLOW_UP).order_by(
                changed, RequestRecord.id
            ),
        ),
    ]


def _action(record: Row[*tuple[Any, ...]], group: str, now: dt.datetime, targets: WaitTargets) -> NextAction:
    row = record._mapping
    waited = now - row["created_at"]
    since = now - (row["status_changed_at"] or row["created_at"])
    urgent = bool(row["urgent"])
    if group == "urgent":
        kind, reason = ActionKind.URGENT_UNSEEN, f"Urgent, waiting {wait_words(waited)}, not yet seen at the desk."
    elif group in {"new", "seen"}:
        target = targets.for_request(urgent)
        seen = " Urgent, seen at the desk; nobody has called yet." if group == "seen" else ""
        if waited > target:
            kind = ActionKind.OVERDUE
            reason = f"New, waiting {wait_words(waited)}: past the {target_words(target)} target.{seen}"
        else:
            kind, reason = ActionKind.NEW, f"New, waiting {wait_words(waited)}.{seen}"
    elif group == "no_answer":
        kind, reason = ActionKind.TRY_AGAIN, f"No answer {wait_words(since)} ago."
    elif group == "unreachable":
        kind, reason = ActionKind.UNREACHABLE, f"Could not reach {wait_words(since)} ago."
    else:
        kind, reason = ActionKind.NOT_BOOKED, f"Contacted {wait_words(since)} ago, no appointment yet."
    return NextAction(
        id=row["id"],
        reference=row["reference"],
        kind=RequestKind(row["kind"]),
        urgent=urgent,
        first_name=row["first_name"],
        last_name=row["last_name"],
        status=RequestStatus(row["status"]),
        action=kind,
        reason=reason,
    )
