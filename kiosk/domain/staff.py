"""Who works the console and what each role may do, as plain rules."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    RECEPTION = "reception"
    ADMIN = "admin"


class Permission(enum.StrEnum):
    WORK_REQUESTS = "work_requests"  # see the queue, open requests, change status, add notes, print
    EXPORT = "export"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"


_ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.RECEPTION: frozenset({Permission.WORK_REQUESTS}),
    Role.ADMIN: frozenset(Permission),
}


@dataclass(frozen=True)
class Actor:
    """The signed-in person a service acts for, and the PC they sit at (for the audit trail)."""

    username: str
    role: Role
    workstation: str
    display_name: str = ""


class PermissionDenied(Exception):  # noqa: N818 (reads as the outcome it is)
    """The actor's role does not allow this; the message says so in a sentence."""


def can(actor: Actor, permission: Permission, *, reception_can_export: bool = False) -> bool:
    if permission is Permission.EXPORT and reception_can_export:
        return True
    return permission in _ROLE_PERMISSIONS[actor.role]


def require(actor: Actor, permission: Permission, *, reception_can_export: bool = False) -> None:
    if not can(actor, permission, reception_can_export=reception_can_export):
        raise PermissionDenied(
            f"Your account ({actor.role.value}) cannot {_PERMISSION_WORDS[permission]}: ask a clinic admin."
        )


_PERMISSION_WORDS = {
    Permission.WORK_REQUESTS: "work on requests",
    Permission.EXPORT: "export requests",
    Permission.VIEW_AUDIT: "see the audit trail",
    Permission.MANAGE_USERS: "manage staff accounts",
}
