"""What the audit trail records, and how each row is chained to the one before it."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from dataclasses import dataclass

GENESIS_HASH = "0" * 64  # the "previous hash" of the very first row


class AuditAction(enum.StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    LOCK = "lock"  # the console locked itself (or was locked) after inactivity
    UNLOCK = "unlock"
    VIEW_REQUEST = "view_request"
    STATUS_CHANGE = "status_change"
    SEEN_AT_DESK = "seen_at_desk"  # an urgent request's patient was seen at the front desk
    NOTE = "note"
    EXPORT = "export"
    PRINT = "print"
    PURGE = "purge"
    USER_ADD = "user_add"
    USER_DISABLE = "user_disable"
    USER_ENABLE = "user_enable"
    USER_UNLOCK = "user_unlock"
    PASSWORD_RESET = "password_reset"
    ACCOUNT_LOCKED = "account_locked"  # too many failed sign-ins
    PERMISSION_DENIED = "permission_denied"
    KIOSK_CLOSED = "kiosk_closed"  # an admin closed the patient kiosk app on purpose (it is not restarted)


class Outcome(enum.StrEnum):
    OK = "ok"
    DENIED = "denied"
    FAILED = "failed"


@dataclass(frozen=True)
class AuditFields:
    """One row's content, as hashed; `detail` holds ids, counts and statuses, never patient data."""

    at: dt.datetime
    actor: str
    workstation: str
    action: str
    target: str
    outcome: str
    detail: str


def row_hash(row_id: int, fields: AuditFields, prev_hash: str) -> str:
    """SHA-256 of the row's id, content and its predecessor's hash, in one canonical JSON form.

    The id is included so that a row deleted from the middle, or rows swapped,
    break the chain even if their contents look alike.
    """
    canonical = json.dumps(
        {
            "id": row_id,
            "at": fields.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": fields.actor,
            "workstation": fields.workstation,
            "action": fields.action,
            "target": fields.target,
            "outcome": fields.outcome,
            "detail": fields.detail,
            "prev": prev_hash,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
