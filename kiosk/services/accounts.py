"""Staff accounts: Argon2id passwords, sign-in with per-account throttling and lock-out, admin changes.

Every change and every sign-in attempt writes its audit row in the same
transaction as the change, so a failure count and its audit row commit together.
A refusal is decided inside the transaction and raised after it commits.

Throttling (per account, on consecutive failures n): the 1st and 2nd failure
cost nothing; after the 3rd an attempt is refused without checking the password
until 2 s have passed since the last failure, then 4, 8, 16, 32 s, and 60 s from
the 8th on. At `max_failed_logins` failures the account locks until an admin
unlocks it or resets its password. Refused-while-throttled attempts do not count
as failures: they never reach the password check.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.config.settings import StaffSettings
from kiosk.domain.audit import AuditAction, Outcome
from kiosk.domain.passwords import MAX_PASSWORD_LENGTH, normalise, password_problem
from kiosk.domain.staff import Actor, Permission, PermissionDenied, Role, require
from kiosk.services.audit import record, record_for
from kiosk.storage.database import Database
from kiosk.storage.models import StaffUser

T = TypeVar("T")

# OWASP's minimum Argon2id profile (19 MiB, 2 passes, 1 lane): about 40 ms a hash here.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.ID)
USERNAME_LIMIT = 64
DISPLAY_NAME_LIMIT = 120
MAX_THROTTLE_SECONDS = 60.0
FREE_FAILURES = 2  # failures before any wait: a typo or two costs nothing
# Failed sign-ins under an unknown name are audited under this, never the typed text:
# people type their password into the username box.
UNKNOWN_ACTOR = "(unknown)"
_USERNAME = re.compile(r"[\w.\-]{1,64}")

WRONG_CREDENTIALS = "That username and password do not match an account: check both and try again."
ACCOUNT_LOCKED = "This account is locked after too many failed sign-ins: ask a clinic admin to unlock it."
ACCOUNT_DISABLED = "This account is disabled: ask a clinic admin to enable it."


@dataclass(frozen=True)
class AccountRules:
    min_password_length: int = 8
    max_failed_logins: int = 10

    @classmethod
    def from_settings(cls, staff: StaffSettings) -> AccountRules:
        return cls(min_password_length=staff.min_password_length, max_failed_logins=staff.max_failed_logins)


@dataclass(frozen=True)
class StaffAccount:
    username: str
    display_name: str
    role: Role
    active: bool
    locked: bool
    failed_logins: int
    created_at: dt.datetime
    last_login_at: dt.datetime | None


class AccountError(Exception):
    """A sentence for staff saying what to do; never contains a password."""


class LoginRefused(AccountError):  # noqa: N818 (the interface name; reads as the outcome it is)
    def __init__(self, message: str, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds  # set when throttled: wait this long


def throttle_delay(failures: int) -> float:
    """Seconds an account waits after `failures` consecutive failed sign-ins before the next try."""
    if failures <= FREE_FAILURES:
        return 0.0
    return min(MAX_THROTTLE_SECONDS, 2.0 ** (failures - FREE_FAILURES))


def normalise_username(username: str) -> str:
    """Trimmed and case-folded; raises AccountError if it is not 1-64 letters, digits, dots, dashes, underscores."""
    name = unicodedata.normalize("NFKC", username).strip().casefold()
    if not _USERNAME.fullmatch(name):
        raise AccountError(
            f"Use a username of 1 to {USERNAME_LIMIT} letters, digits, dots, dashes or underscores, with no spaces."
        )
    return name


def hash_password(password: str) -> str:
    return HASHER.hash(normalise(password))


@functools.cache
def _dummy_hash() -> str:
    # Checked against when the name is unknown, so a miss takes as long as a wrong password.
    return HASHER.hash("no account has this password")


def _verify(stored_hash: str, password: str) -> bool:
    candidate = normalise(password)
    if len(candidate) > MAX_PASSWORD_LENGTH:
        candidate = candidate[:MAX_PASSWORD_LENGTH] + "\x00"  # still costs a hash, can never match a stored one
    try:
        return HASHER.verify(stored_hash, candidate)
    except (VerificationError, InvalidHashError):
        return False


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)


def _as_account(row: StaffUser) -> StaffAccount:
    return StaffAccount(
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        active=row.active,
        locked=row.locked_at is not None,
        failed_logins=row.failed_logins,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
    )


def _find(session: Session, username: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.username == username))


def _existing(session: Session, username: str) -> StaffUser:
    row = _find(session, normalise_username(username))
    if row is None:
        raise AccountError(f"There is no staff account named {username.strip()!r}: check the name in the account list.")
    return row


# --- signing in ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Attempt:
    row: StaffUser | None
    refusal: LoginRefused | None


def _attempt(
    session: Session,
    username: str,
    password: str,
    *,
    workstation: str,
    rules: AccountRules,
    now: dt.datetime,
    success: AuditAction,
) -> _Attempt:
    """Check one password for one account and write the outcome; the caller raises the refusal after commit."""
    try:
        name = normalise_username(username)
    except AccountError:
        name = ""
    row = _find(session, name) if name else None

    def refuse(message: str, detail: str, outcome: Outcome = Outcome.FAILED, retry: float | None = None) -> _Attempt:
        actor = row.username if row is not None else UNKNOWN_ACTOR
        record(
            session,
            actor=actor,
            workstation=workstation,
            action=AuditAction.LOGIN_FAILED,
            target=actor,
            outcome=outcome,
            detail=detail,
            now=now,
        )
        return _Attempt(row, LoginRefused(message, retry))

    if row is None:
        _verify(_dummy_hash(), password)
        return refuse(WRONG_CREDENTIALS, "unknown username")
    # Locked and throttled attempts never reach the password check: that is the point of them.
    if row.locked_at is not None:
        return refuse(ACCOUNT_LOCKED, "locked", Outcome.DENIED)
    wait = _remaining_wait(row, now)
    if wait > 0:
        return refuse(
            f"Too many failed sign-ins for this account: wait {math.ceil(wait)} seconds and try again.",
            f"throttled, failures={row.failed_logins}",
            Outcome.DENIED,
            retry=wait,
        )
    if not _verify(row.password_hash, password):
        row.failed_logins += 1
        row.last_failed_at = now
        attempt = refuse(WRONG_CREDENTIALS, f"wrong password, failures={row.failed_logins}")
        if row.failed_logins >= rules.max_failed_logins:
            row.locked_at = now
            record(
                session,
                actor=row.username,
                workstation=workstation,
                action=AuditAction.ACCOUNT_LOCKED,
                target=row.username,
                outcome=Outcome.OK,
                detail=f"failures={row.failed_logins}",
                now=now,
            )
            return _Attempt(row, LoginRefused(ACCOUNT_LOCKED))
        return attempt
    if not row.active:
        # Said only to someone who knows the password: the account's existence is no secret to them.
        return refuse(ACCOUNT_DISABLED, "disabled", Outcome.DENIED)
    if HASHER.check_needs_rehash(row.password_hash):
        row.password_hash = hash_password(password)
    row.failed_logins = 0
    row.last_failed_at = None
    record(
        session,
        actor=row.username,
        workstation=workstation,
        action=success,
        target=row.username,
        outcome=Outcome.OK,
        now=now,
    )
    return _Attempt(row, None)


def _remaining_wait(row: StaffUser, now: dt.datetime) -> float:
    if row.last_failed_at is None:
        return 0.0
    allowed_at = row.last_failed_at + dt.timedelta(seconds=throttle_delay(row.failed_logins))
    return max(0.0, (allowed_at - now).total_seconds())


def sign_in(
    database: Database,
    username: str,
    password: str,
    *,
    workstation: str,
    rules: AccountRules,
    now: dt.datetime | None = None,
) -> Actor:
    """The signed-in Actor; LoginRefused with one sentence otherwise (the same one for a wrong name or password)."""
    moment = _now(now)
    with database.transaction() as session:
        attempt = _attempt(
            session, username, password, workstation=workstation, rules=rules, now=moment, success=AuditAction.LOGIN
        )
        if attempt.refusal is None and attempt.row is not None:
            attempt.row.last_login_at = moment
    if attempt.refusal is not None:
        raise attempt.refusal
    assert attempt.row is not None
    return Actor(
        username=attempt.row.username,
        role=Role(attempt.row.role),
        workstation=workstation,
        display_name=attempt.row.display_name,
    )


def confirm_password(
    database: Database, actor: Actor, password: str, *, rules: AccountRules, now: dt.datetime | None = None
) -> None:
    """Unlock a locked console for the person signed in; counts towards throttling like a sign-in."""
    with database.transaction() as session:
        attempt = _attempt(
            session,
            actor.username,
            password,
            workstation=actor.workstation,
            rules=rules,
            now=_now(now),
            success=AuditAction.UNLOCK,
        )
    if attempt.refusal is not None:
        raise attempt.refusal


def sign_out(database: Database, actor: Actor) -> None:
    with database.transaction() as session:
        record_for(session, actor, AuditAction.LOGOUT, target=actor.username)


def note_console_locked(database: Database, actor: Actor) -> None:
    with database.transaction() as session:
        record_for(session, actor, AuditAction.LOCK, target=actor.username)


# --- reading ------------------------------------------------------------------------------------------------------


def list_accounts(database: Database) -> list[StaffAccount]:
    with database.read() as session:
        return [_as_account(row) for row in session.scalars(select(StaffUser).order_by(StaffUser.username))]


def has_admin(database: Database) -> bool:
    """Whether an active admin exists, i.e. someone can manage accounts."""
    with database.transaction() as session:
        return _active_admins(session) > 0


def _active_admins(session: Session) -> int:
    count = session.scalar(
        select(func.count()).select_from(StaffUser).where(StaffUser.role == Role.ADMIN.value, StaffUser.active)
    )
    return int(count or 0)


# --- admin changes ------------------------------------------------------------------------------------------------


def _as_admin(database: Database, by: Actor, target: str, change: Callable[[Session], T]) -> T:
    """Run `change` if `by` may manage users; otherwise audit the refusal, commit it, and raise PermissionDenied."""
    with database.transaction() as session:
        denial = _denial(session, by)
        if denial is None:
            return change(session)
        record_for(session, by, AuditAction.PERMISSION_DENIED, target=target[:USERNAME_LIMIT], outcome=Outcome.DENIED)
    raise PermissionDenied(denial)


def _denial(session: Session, by: Actor) -> str | None:
    try:
        require(by, Permission.MANAGE_USERS)
    except PermissionDenied as exc:
        return str(exc)
    # An admin disabled or demoted since signing in loses the right at once, not at next sign-in.
    row = _find(session, by.username)
    if row is not None and (not row.active or row.role != Role.ADMIN.value):
        return "Your account can no longer manage staff accounts: sign in again or ask a clinic admin."
    return None


def create_account(
    database: Database,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    rules: AccountRules,
    by: Actor,
    now: dt.datetime | None = None,
) -> StaffAccount:
    name = normalise_username(username)
    shown_name = " ".join(display_name.split()) or name
    if len(shown_name) > DISPLAY_NAME_LIMIT:
        raise AccountError(f"Use a display name of at most {DISPLAY_NAME_LIMIT} characters.")
    problem = password_problem(password, rules.min_password_length, name)
    if problem is not None:
        raise AccountError(problem)
    password_hash = hash_password(password)  # before the transaction: the write lock is not held while hashing
    moment = _now(now)

    def add(session: Session) -> StaffAccount:
        if _find(session, name) is not None:
            raise AccountError(f"There is already an account named {name!r}: choose another username.")
        row = StaffUser(
            username=name,
            display_name=shown_name,
            role=role.value,
            password_hash=password_hash,
            active=True,
            failed_logins=0,
            created_at=moment,
            password_changed_at=moment,
        )
        session.add(row)
        session.flush()
        record_for(session, by, AuditAction.USER_ADD, target=name, detail=f"role={role.value}", now=moment)
        return _as_account(row)

    return _as_admin(database, by, name, add)


def set_active(database: Database, username: str, active: bool, *, by: Actor) -> StaffAccount:
    def change(session: Session) -> StaffAccount:
        row = _existing(session, username)
        if not active:
            if row.username == by.username:
                raise AccountError("You cannot disable your own account: ask another admin to do it.")
            if row.active and row.role == Role.ADMIN.value and _active_admins(session) <= 1:
                raise AccountError("This is the last active admin account: add or enable another admin first.")
        row.active = active
        record_for(session, by, AuditAction.USER_ENABLE if active else AuditAction.USER_DISABLE, target=row.username)
        return _as_account(row)

    return _as_admin(database, by, username, change)


def reset_password(
    database: Database, username: str, new_password: str, *, by: Actor, rules: AccountRules
) -> StaffAccount:
    """Set a new password chosen by an admin; also lifts a lock-out."""
    name = normalise_username(username)
    problem = password_problem(new_password, rules.min_password_length, name)
    if problem is not None:
        raise AccountError(problem)
    password_hash = hash_password(new_password)

    def change(session: Session) -> StaffAccount:
        row = _existing(session, name)
        was_locked = row.locked_at is not None
        row.password_hash = password_hash
        row.password_changed_at = _now(None)
        _clear_failures(row)
        record_for(
            session, by, AuditAction.PASSWORD_RESET, target=row.username, detail="unlocked" if was_locked else ""
        )
        return _as_account(row)

    return _as_admin(database, by, name, change)


def unlock_account(database: Database, username: str, *, by: Actor) -> StaffAccount:
    def change(session: Session) -> StaffAccount:
        row = _existing(session, username)
        detail = f"failures={row.failed_logins}" if row.locked_at is not None else "was not locked"
        _clear_failures(row)
        record_for(session, by, AuditAction.USER_UNLOCK, target=row.username, detail=detail)
        return _as_account(row)

    return _as_admin(database, by, username, change)


def _clear_failures(row: StaffUser) -> None:
    row.locked_at = None
    row.failed_logins = 0
    row.last_failed_at = None
