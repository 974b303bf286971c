"""The audit trail as the console's table reads it: plain rows, newest first, a batch at a time, each request
row carrying the reference staff know it by."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from kiosk.domain.audit import AuditAction
from kiosk.services.audit import AuditFilter, list_entries
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry, RequestRecord

# Actions whose record is a request id: shown by the reference staff know, the id in the tooltip.
REQUEST_ACTIONS = frozenset(
    {
        AuditAction.VIEW_REQUEST,
        AuditAction.STATUS_CHANGE,
        AuditAction.NOTE,
        AuditAction.PRINT,
        AuditAction.SEEN_AT_DESK,
    }
)


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as plain values (no live database object reaches the screen)."""

    id: int
    at: dt.datetime
    actor: str
    workstation: str
    action: str
    target: str
    outcome: str
    detail: str
    reference: str | None = None  # the request's reference when the record is a request still stored


def audit_rows(
    database: Database, where: AuditFilter, *, before_id: int | None = None, limit: int = 200
) -> list[AuditRow]:
    """Rows matching `where`, newest first, `limit` at a time; pass the last row's id as `before_id` for more.

    Raises SQLAlchemyError (kiosk.services.store.StoreError) when the database cannot be read.
    """
    entries = list_entries(database, where, before_id=before_id, limit=limit)
    references = _references(database, entries)
    return [
        AuditRow(
            entry.id,
            entry.at,
            entry.actor,
            entry.workstation,
            entry.action,
            entry.target,
            entry.outcome,
            entry.detail,
            references.get(entry.target) if entry.action in REQUEST_ACTIONS else None,
        )
        for entry in entries
    ]


def _references(database: Database, entries: list[AuditEntry]) -> dict[str, str]:
    """Request id -> reference for the batch's request rows, in one query."""
    ids = {entry.target for entry in entries if entry.action in REQUEST_ACTIONS and entry.target}
    if not ids:
        return {}
    with database.read() as session:
        found = session.execute(select(RequestRecord.id, RequestRecord.reference).where(RequestRecord.id.in_(ids)))
        return {request_id: reference for request_id, reference in found}
