"""Staff accounts: Argon2id passwords, sign-in with per-account throttling (never a lock-out), admin changes.

Every change and every sign-in attempt writes its audit row in the same
transaction as the change, so a failure count and its audit row commit together.
A refusal is decided inside the transaction and raised after it commits.

Throttling, after NIST SP 800-63B-4 (per account and PC, on consecutive
failures n from that PC): the 1st and 2nd failure cost nothing; after the 3rd
an attempt is refused without checking the password until 2 s have passed
since the last failure, then 4, 8, 16 s, and 30 s from the 7th on. There is no
lock-out: a stranger at the staff corner slows that PC to one guess per 30 s
and never shuts the desk out, whose PCs let the owner in at once.
Refused-while-throttled attempts do not count as failures, so hammering does
not lengthen the wait. The run of failures lives in the account's row, read
with FOR UPDATE, so consoles sharing a PostgreSQL server take turns on it.

A wrong password, an unknown name and a throttled account get the same
sentence and the same work (one Argon2 hash), so neither the words nor the
time of the answer tell anyone which names exist. Only someone who typed the
right password learns that the account is disabled.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.config.settings import StaffSettings
from kiosk.domain.audit import AuditAction, Outcome
from kiosk.domain.passwords import MAX_PASSWORD_LENGTH, SINGLE_FACTOR_MIN_LENGTH, normalise, password_problem
from kiosk.domain.staff import Actor, Permission, PermissionDenied, Role, require
from kiosk.services.audit import record, record_for
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry, StaffUser

T = TypeVar("T")

# OWASP's minimum Argon2id profile (19 MiB, 2 passes, 1 lane): about 40 ms a hash here.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.ID)
USERNAME_LIMIT = 64
DISPLAY_NAME_LIMIT = 120
# A modest cap: long enough that guessing online takes centuries against the password rules, short
# enough that someone keeping an account throttled costs its owner half a minute, not the shift.
MAX_THROTTLE_SECONDS = 30.0
FREE_FAILURES = 2  # failures before any wait: a typo or two costs nothing
_RECENT_FAILURES = 32  # audit rows read per try: well past the 7 at which the wait reaches its cap
# Failed sign-ins under an unknown name are audited under this, never the typed text:
# people type their password into the username box.
UNKNOWN_ACTOR = "(unknown)"
_USERNAME = re.compile(r"[\w.\-]{1,64}")

# One sentence for a wrong password, an unknown name and a throttled account: it must not tell them apart,
# and it must still tell the owner of a throttled account what to do.
WRONG_CREDENTIALS = (
    "That username and password do not match, or there were several failed tries just now: "
    "check both, wait half a minute, and try again."
)
PASSWORD_BELOW_RULES = "password shorter or easier to guess than the current rules: set a new one"
ACCOUNT_DISABLED = "This account is disabled: ask a clinic admin to enable it."


@dataclass(frozen=True)
class AccountRules:
    min_password_length: int = SINGLE_FACTOR_MIN_LENGTH
    clinic_name: str = ""  # its words may not carry a password

    def __post_init__(self) -> None:
        # An older settings file may still ask for 8: the console is single-factor, so 15 is the floor.
        object.__setattr__(self, "min_password_length", max(self.min_password_length, SINGLE_FACTOR_MIN_LENGTH))

    @classmethod
    def from_settings(cls, staff: StaffSettings, clinic_name: str = "") -> AccountRules:
        return cls(min_password_length=staff.min_password_length, clinic_name=clinic_name)

    def password_problem(self, password: str, username: str) -> str | None:
        """What is wrong with `password` as a new password for `username`, as one sentence; None if it will do."""
        return password_problem(password, self.min_password_length, username, clinic_name=self.clinic_name)


@dataclass(frozen=True)
class StaffAccount:
    username: str
    display_name: str
    role: Role
    active: bool
    failed_logins: int  # in a row since the last sign-in; from the 3rd, each try waits (see throttle_delay)
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    # Its newest sign-in used a password the current rules would refuse, and it has not changed since.
    password_renewal_due: bool = False


class AccountError(Exception):
    """A sentence for staff saying what to do; never contains a password."""


class LoginRefused(AccountError):  # noqa: N818 (the interface name; reads as the outcome it is)
    """The same sentence whatever the reason, except a disabled account told to someone with its password."""


def throttle_delay(failures: int) -> float:
    """Seconds an account waits after `failures` consecutive failed sign-ins before the next try."""
    if failures <= FREE_FAILURES:
        return 0.0
    # The exponent is capped too: 2.0 ** 1100 overflows, and a patient stranger can reach 1100 failures.
    return min(MAX_THROTTLE_SECONDS, 2.0 ** min(failures - FREE_FAILURES, 16))


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
    # FOR UPDATE: consoles sharing a PostgreSQL server take turns on one account, so each sees the
    # failures before it and none gets a free guess in parallel (SQLite's BEGIN IMMEDIATE does the same).
    row = session.scalar(select(StaffUser).where(StaffUser.username == name).with_for_update()) if name else None

    def refuse(detail: str, message: str = WRONG_CREDENTIALS, outcome: Outcome = Outcome.FAILED) -> _Attempt:
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
        return _Attempt(row, LoginRefused(message))

    if row is None:
        _verify(_dummy_hash(), password)  # the same work as a wrong password, so the answer takes as long
        return refuse("unknown username")
    wait = _remaining_wait(session, row, workstation, now)
    if wait > 0:
        # Never checked against the real hash (that is the point of waiting), but hashed all the same.
        _verify(_dummy_hash(), password)
        return refuse(f"throttled, failures={row.failed_logins}, wait={math.ceil(wait)}s", outcome=Outcome.DENIED)
    if not _verify(row.password_hash, password):
        row.failed_logins += 1
        row.last_failed_at = now
        return refuse(f"wrong password, failures={row.failed_logins}")
    if not row.active:
        # Said only to someone who knows the password: the account's existence is no secret to them.
        return refuse("disabled", ACCOUNT_DISABLED, Outcome.DENIED)
    if HASHER.check_needs_rehash(row.password_hash):
        row.password_hash = hash_password(password)
    _clear_failures(row)  # also lifts a lock left by versions that locked accounts
    # NIST: rules apply when a password is set, so an older, shorter one still signs in; the audit
    # trail tells admins whose password to renew (the password itself is never written anywhere).
    outdated = success is AuditAction.LOGIN and rules.password_problem(password, row.username) is not None
    record(
        session,
        actor=row.username,
        workstation=workstation,
        action=success,
        target=row.username,
        outcome=Outcome.OK,
        detail=PASSWORD_BELOW_RULES if outdated else "",
        now=now,
    )
    return _Attempt(row, None)


def _remaining_wait(session: Session, row: StaffUser, workstation: str, now: dt.datetime) -> float:
    """How long this account must still wait before a try from this PC is checked.

    Counted per account *and* PC: a stranger failing again and again at the kiosk's staff corner slows
    that PC only, so the owner still gets in at the desk. The account's run of failures is in its row
    (failed_logins, reset by a sign-in or an admin); which PC each came from is in the audit trail,
    whose newest failed rows for the account are exactly that run.
    """
    if row.failed_logins <= 0 or row.last_failed_at is None:
        return 0.0
    expected = min(row.failed_logins, _RECENT_FAILURES)
    recent = session.execute(
        select(AuditEntry.workstation, AuditEntry.at)
        .where(
            AuditEntry.actor == row.username,
            AuditEntry.action == AuditAction.LOGIN_FAILED.value,
            AuditEntry.outcome == Outcome.FAILED.value,
        )
        .order_by(AuditEntry.id.desc())
        .limit(expected)
    ).all()
    here = [at for place, at in recent if place == workstation[:255]]  # record() keeps 255 characters
    # Failures the trail no longer shows count as this PC's: a missing row must never mean no wait.
    missing = expected - len(recent)
    count = len(here) + missing
    if count == 0:
        return 0.0
    last = max([*here, row.last_failed_at] if missing else here)
    allowed_at = last + dt.timedelta(seconds=throttle_delay(count))
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


SAME_PASSWORD = "The new password is the one you have now: choose a different one."
WRONG_CURRENT = "That is not your current password: type it again (it is the one you sign in with)."


def change_own_password(
    database: Database,
    actor: Actor,
    current: str,
    new_password: str,
    *,
    rules: AccountRules,
    now: dt.datetime | None = None,
) -> None:
    """The signed-in person sets a new password of their own: the current one first (throttled and audited
    like a sign-in), then the same rules as any new password. Audited as a password change by themself."""
    problem = rules.password_problem(new_password, actor.username)
    if problem is not None:
        raise AccountError(problem)
    if new_password == current:
        raise AccountError(SAME_PASSWORD)
    password_hash = hash_password(new_password)
    moment = _now(now)
    with database.transaction() as session:
        attempt = _attempt(
            session,
            actor.username,
            current,
            workstation=actor.workstation,
            rules=rules,
            now=moment,
            success=AuditAction.PASSWORD_RESET,
        )
        if attempt.refusal is None and attempt.row is not None:
            attempt.row.password_hash = password_hash
            attempt.row.password_changed_at = moment
    if attempt.refusal is not None:
        # A wait or a disabled account keeps its own sentence; a wrong password is said for this form.
        raise AccountError(WRONG_CURRENT) if str(attempt.refusal) == WRONG_CREDENTIALS else attempt.refusal


def sign_out(database: Database, actor: Actor) -> None:
    with database.transaction() as session:
        record_for(session, actor, AuditAction.LOGOUT, target=actor.username)


def note_console_locked(database: Database, actor: Actor) -> None:
    with database.transaction() as session:
        record_for(session, actor, AuditAction.LOCK, target=actor.username)


# --- reading ------------------------------------------------------------------------------------------------------


def list_accounts(database: Database) -> list[StaffAccount]:
    with database.read() as session:
        return [
            replace(_as_account(row), password_renewal_due=_renewal_due(session, row))
            for row in session.scalars(select(StaffUser).order_by(StaffUser.username))
        ]


def _renewal_due(session: Session, row: StaffUser) -> bool:
    """From the audit trail: the only place a sign-in with an outdated password is noted (no schema change)."""
    newest = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.actor == row.username, AuditEntry.action == AuditAction.LOGIN.value)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return newest is not None and newest.detail == PASSWORD_BELOW_RULES and newest.at >= row.password_changed_at


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
    problem = rules.password_problem(password, name)
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
    """Set a new password chosen by an admin; also clears failed sign-ins, so there is no wait."""
    name = normalise_username(username)
    problem = rules.password_problem(new_password, name)
    if problem is not None:
        raise AccountError(problem)
    password_hash = hash_password(new_password)

    def change(session: Session) -> StaffAccount:
        row = _existing(session, name)
        failures = row.failed_logins
        row.password_hash = password_hash
        row.password_changed_at = _now(None)
        _clear_failures(row)
        record_for(
            session,
            by,
            AuditAction.PASSWORD_RESET,
            target=row.username,
            detail=f"failures={failures}" if failures else "",
        )
        return _as_account(row)

    return _as_admin(database, by, name, change)


def unlock_account(database: Database, username: str, *, by: Actor) -> StaffAccount:
    """Clear an account's failed sign-ins, so its next try waits for nothing (accounts no longer lock)."""

    def change(session: Session) -> StaffAccount:
        row = _existing(session, username)
        detail = f"failures={row.failed_logins}" if row.failed_logins else "no failed sign-ins"
        _clear_failures(row)
        record_for(session, by, AuditAction.USER_UNLOCK, target=row.username, detail=detail)
        return _as_account(row)

    return _as_admin(database, by, username, change)


def _clear_failures(row: StaffUser) -> None:
    row.locked_at = None  # the column stays for older databases; nothing sets it any more
    row.failed_logins = 0
    row.last_failed_at = None
