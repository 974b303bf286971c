"""Who may close the patient kiosk app from the console opened over it, and the audit row when one does."""

from __future__ import annotations

from kiosk.domain.audit import AuditAction
from kiosk.domain.staff import Actor, Role
from kiosk.services.audit import record_for
from kiosk.storage.database import Database


def may_close_kiosk(actor: Actor) -> bool:
    # Admins only: a closed kiosk stays closed (no restart), so reception cannot take it off the wall by mistake.
    return actor.role is Role.ADMIN


def record_kiosk_closed(database: Database, actor: Actor) -> None:
    with database.transaction() as session:
        record_for(session, actor, AuditAction.KIOSK_CLOSED, target=actor.workstation)
