"""Whether a signed-in account may still do what it asks, read from the database at the moment it asks.

An `Actor` is what the account was at sign-in. An admin may disable it (or lower its role) while
the console stays signed in; every service that shows, releases or changes patient data asks here
first, so the change takes effect on the very next action instead of at the next sign-in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.audit import AuditAction, Outcome
from kiosk.domain.staff import Actor, Permission, PermissionDenied, Role, require
from kiosk.services.audit import record_for
from kiosk.storage.database import Database
from kiosk.storage.models import StaffUser

ACCOUNT_DISABLED_NOW = (
    "Your account has been disabled since you signed in, so this was not done: you have been signed out. "
    "Ask a clinic admin if you need it back."
)
ROLE_LOWERED_NOW = (
    "Your account no longer has the rights for this, so it was not done: you have been signed out. "
    "Sign in again to work with the rights you have now."
)


class AccountRevoked(PermissionDenied):
    """The account was disabled, or lost the role, after it signed in: the console signs it out."""


def current_denial(
    session: Session, actor: Actor, permission: Permission, *, reception_can_export: bool = False
) -> PermissionDenied | None:
    """Why `actor` may not use `permission` now (its stored state, not the sign-in copy), or None if it may."""
    try:
        require(actor, permission, reception_can_export=reception_can_export)
    except PermissionDenied as exc:
        return exc
    # Staff usernames cannot hold ":", so "cli:<login>" is the operating-system account at the command
    # line (its right comes from reading the database and its key), never a staff row. Staff accounts are
    # never deleted, only disabled, so every console actor has its row; a missing one changes nothing here.
    row = session.execute(
        select(StaffUser.active, StaffUser.role).where(StaffUser.username == actor.username)
    ).one_or_none()
    if row is None:
        return None
    if not row.active:
        return AccountRevoked(ACCOUNT_DISABLED_NOW)
    try:
        role = Role(row.role)
    except ValueError:
        return AccountRevoked(ROLE_LOWERED_NOW)  # a role this version does not know grants nothing
    now = dataclasses.replace(actor, role=role)
    try:
        require(now, permission, reception_can_export=reception_can_export)
    except PermissionDenied:
        return AccountRevoked(ROLE_LOWERED_NOW)
    return None


def confirm(database: Database, actor: Actor, permission: Permission, *, reception_can_export: bool = False) -> None:
    """Raise PermissionDenied (AccountRevoked for a changed account) unless `actor` may use `permission` now.

    For a caller that audits the refusal itself (export does); `acting` audits it for you.
    """
    with database.read() as session:
        denial = current_denial(session, actor, permission, reception_can_export=reception_can_export)
    if denial is not None:
        raise denial


@contextmanager
def acting(
    database: Database,
    actor: Actor,
    permission: Permission,
    *,
    target: str = "",
    reception_can_export: bool = False,
) -> Iterator[Session]:
    """database.transaction() for an action by `actor`, entered only if the account may do it now.

    The check runs inside the action's own transaction, so a disable committed before it is seen
    and one committed after it waits for the action to finish. A refusal is audited, then raised.
    """
    with database.transaction() as session:
        denial = current_denial(session, actor, permission, reception_can_export=reception_can_export)
        if denial is None:
            yield session
            return
        record_for(session, actor, AuditAction.PERMISSION_DENIED, target=target, outcome=Outcome.DENIED)
    raise denial
