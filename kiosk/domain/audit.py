"""What the audit trail records, and how each row is chained to the one before it."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
from dataclasses import dataclass

GENESIS_HASH = "0" * 64  # the "previous hash" of the very first row


class HashVersion(enum.IntEnum):
    """How a row's hash was made; stored on the row (migration 0008) and covered by the hash from version 1 on.

    A database keeps verifying across the switch: rows written before 0008 are LEGACY, and once a
    row of a newer version exists no later row may fall back to an older one (a forger who rewrote
    the tail as plain SHA-256 to avoid needing the key is caught there, and by the head kept outside).
    """

    LEGACY = 0  # SHA-256, written before the trail kept its head outside the table
    PLAIN = 1  # SHA-256 with the version in the hash: a database without a key (PostgreSQL, unencrypted SQLite)
    KEYED = 2  # HMAC-SHA256 with a key derived from the database key: cannot be recomputed without it


# Labels for the keys derived from the database key (HMAC-SHA256 of a label, as HKDF-Expand does for one
# block): the chain key never equals the database key, and knowing one derived key gives no other.
_CHAIN_LABEL = b"clinic-kiosk audit chain key v1"
_WRAP_LABEL = b"clinic-kiosk audit chain key wrap v1"
_CHECK_LABEL = b"clinic-kiosk audit chain key check v1"
CHECK_CHARS = 16


def derive_chain_key(database_key: bytes) -> bytes:
    """The key a chain that starts under this database key is sealed with."""
    return hmac.new(database_key, _CHAIN_LABEL, hashlib.sha256).digest()


def key_check(database_key: bytes) -> str:
    """A short public tag naming which database key a wrapped chain key belongs to (reveals nothing of it)."""
    return hmac.new(database_key, _CHECK_LABEL, hashlib.sha256).hexdigest()[:CHECK_CHARS]


def wrap_chain_key(chain_key: bytes, database_key: bytes) -> str:
    """The chain key hidden under a (new) database key, so `kiosk db rekey` does not orphan older rows.

    XOR with a pad derived from the database key: the pad is 32 random-looking bytes used for this one
    chain key only, so this is a one-time pad; no cipher library is needed for 32 bytes.
    """
    pad = hmac.new(database_key, _WRAP_LABEL, hashlib.sha256).digest()
    return bytes(a ^ b for a, b in zip(chain_key, pad, strict=True)).hex()


def unwrap_chain_key(wrapped: str, database_key: bytes) -> bytes:
    return bytes.fromhex(wrap_chain_key(bytes.fromhex(wrapped), database_key))


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
    # Verbs that release or change the data at scale: each writes its row before it acts (issue 18).
    BACKUP = "backup"
    RESTORE = "restore"
    REKEY = "rekey"
    ENCRYPT = "encrypt"
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


def storable_text(text: str) -> str:
    """`text` as valid Unicode that UTF-8 (the hash, the database) can hold; valid text comes back unchanged.

    A file name whose bytes are not UTF-8 reaches Python as lone surrogates (U+DC80 to U+DCFF, PEP 383),
    which no UTF-8 encoder accepts: those become the original byte written as `\\xff`, any other lone
    surrogate `\\udXXX`. Valid text is returned as it is, so every row already stored keeps its hash.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")  # back to the bytes the operating system gave
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


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

    def __post_init__(self) -> None:
        # What is hashed is what is stored: text UTF-8 cannot encode is made storable once, here.
        for name in ("actor", "workstation", "action", "target", "outcome", "detail"):
            object.__setattr__(self, name, storable_text(getattr(self, name)))


def row_hash(
    row_id: int,
    fields: AuditFields,
    prev_hash: str,
    version: HashVersion = HashVersion.LEGACY,
    chain_key: bytes | None = None,
) -> str:
    """The row's seal over its id, content and its predecessor's hash, in one canonical JSON form.

    The id is included so that a row deleted from the middle, or rows swapped,
    break the chain even if their contents look alike. From version 1 on the version is
    sealed too, so a row cannot be passed off as an older, weaker kind.
    """
    document: dict[str, object] = {
        "id": row_id,
        "at": fields.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": fields.actor,
        "workstation": fields.workstation,
        "action": fields.action,
        "target": fields.target,
        "outcome": fields.outcome,
        "detail": fields.detail,
        "prev": prev_hash,
    }
    if version is not HashVersion.LEGACY:
        document["v"] = int(version)
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    if version is HashVersion.KEYED:
        if chain_key is None:
            raise ValueError("a keyed row needs the chain key")
        return hmac.new(chain_key, canonical, hashlib.sha256).hexdigest()
    return hashlib.sha256(canonical).hexdigest()
