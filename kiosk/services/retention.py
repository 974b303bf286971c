"""Remove closed requests once the clinic's retention period is over; open requests are never touched."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import ColumnElement, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from kiosk.domain.audit import AuditAction
from kiosk.domain.staff import Actor
from kiosk.domain.workflow import RequestStatus
from kiosk.services.audit import record_for
from kiosk.storage.database import Database
from kiosk.storage.models import RequestRecord

log = logging.getLogger(__name__)

# Each batch is one short transaction, so a kiosk's submission waits at most one batch
# (well under the busy timeout) even when years of closed requests go at once.
PURGE_BATCH = 2000


def _expired(cutoff: dt.datetime) -> ColumnElement[bool]:
    closed = RequestRecord.status == RequestStatus.CLOSED.value
    # The last status change is when it was closed; a row without one falls back to its arrival.
    old = or_(
        RequestRecord.status_changed_at < cutoff,
        and_(RequestRecord.status_changed_at.is_(None), RequestRecord.created_at < cutoff),
    )
    return and_(closed, old)


def cutoff_for(older_than_days: int, now: dt.datetime | None = None) -> dt.datetime:
    if older_than_days < 1:
        raise ValueError("keep closed requests at least one day")
    moment = dt.datetime.now(dt.UTC) if now is None else now
    if moment.tzinfo is None:
        raise ValueError("give now with its zone (datetime.now(UTC)), not a naive time")
    try:
        return moment.astimezone(dt.UTC) - dt.timedelta(days=older_than_days)
    except OverflowError:
        # Further back than the calendar goes (year 1): nothing was closed before then, so nothing is removed.
        return dt.datetime.min.replace(tzinfo=dt.UTC)


def count_purgeable(database: Database, *, older_than_days: int, now: dt.datetime | None = None) -> int:
    """How many requests purge_closed would remove (for --dry-run): reads only."""
    cutoff = cutoff_for(older_than_days, now)
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(RequestRecord).where(_expired(cutoff))) or 0)


def purge_closed(database: Database, *, older_than_days: int, actor: Actor, now: dt.datetime | None = None) -> int:
    """Delete closed requests whose last status change is older than the limit, with their events.

    Each batch deletes and writes its PURGE audit row ("N requests ...") in one
    transaction, so the audit trail never misses a removal. Returns the total removed.
    """
    cutoff = cutoff_for(older_than_days, now)
    total = 0
    while True:
        with database.transaction() as session:
            removed = _purge_batch(session, cutoff, actor, older_than_days, now, always_audit=total == 0)
        total += removed
        if removed < PURGE_BATCH:
            break
    log.info("purged %d closed requests older than %d days", total, older_than_days)
    return total


def _purge_batch(
    session: Session,
    cutoff: dt.datetime,
    actor: Actor,
    older_than_days: int,
    now: dt.datetime | None,
    *,
    always_audit: bool,
) -> int:
    ids = list(session.scalars(select(RequestRecord.id).where(_expired(cutoff)).limit(PURGE_BATCH)))
    if ids:
        # request_events go with them through ON DELETE CASCADE (foreign keys are on for every connection).
        session.execute(
            delete(RequestRecord)
            .where(RequestRecord.id.in_(ids), RequestRecord.status == RequestStatus.CLOSED.value)
            .execution_options(synchronize_session=False)
        )
    elif not always_audit:
        return 0  # the batch before was the last full one; a purge of nothing is audited once only
    record_for(
        session,
        actor,
        AuditAction.PURGE,
        target="patient_requests",
        detail=f"{len(ids)} requests closed more than {older_than_days} days ago",
        now=now,
    )
    return len(ids)
