"""Write, read and verify the audit trail. Callers write inside their own transaction.

Recording in the same transaction as the action means a status change and its
audit row commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kiosk.domain.audit import GENESIS_HASH, AuditAction, AuditFields, Outcome, row_hash
from kiosk.domain.staff import Actor
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry

# Any constant works: every writer of the audit log on PostgreSQL takes this lock,
# so two consoles never chain their rows to the same predecessor.
_POSTGRESQL_CHAIN_LOCK = 7_401_150
DETAIL_LIMIT = 400
VERIFY_BATCH = 5000


def record(
    session: Session,
    *,
    actor: str,
    workstation: str,
    action: AuditAction,
    target: str = "",
    outcome: Outcome = Outcome.OK,
    detail: str = "",
    now: dt.datetime | None = None,
) -> AuditEntry:
    """Append one row, chained to the newest, inside the caller's transaction.

    On SQLite the transaction already holds the write lock (BEGIN IMMEDIATE), so
    reading the newest row and appending after it cannot interleave with another writer.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRESQL_CHAIN_LOCK})
    previous = session.execute(
        select(AuditEntry.id, AuditEntry.row_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    row_id = 1 if previous is None else previous.id + 1
    prev_hash = GENESIS_HASH if previous is None else previous.row_hash
    fields = AuditFields(
        at=(now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC),
        actor=actor[:64],
        workstation=workstation[:255],
        action=action.value,
        target=target[:80],
        outcome=outcome.value,
        detail=detail[:DETAIL_LIMIT],
    )
    entry = AuditEntry(
        id=row_id,
        at=fields.at,
        actor=fields.actor,
        workstation=fields.workstation,
        action=fields.action,
        target=fields.target,
        outcome=fields.outcome,
        detail=fields.detail,
        prev_hash=prev_hash,
        row_hash=row_hash(row_id, fields, prev_hash),
    )
    session.add(entry)
    session.flush()
    return entry


def record_for(
    session: Session,
    actor: Actor,
    action: AuditAction,
    target: str = "",
    outcome: Outcome = Outcome.OK,
    detail: str = "",
    now: dt.datetime | None = None,
) -> AuditEntry:
    """`record` for a signed-in actor."""
    return record(
        session,
        actor=actor.username,
        workstation=actor.workstation,
        action=action,
        target=target,
        outcome=outcome,
        detail=detail,
        now=now,
    )


@dataclass(frozen=True)
class ChainReport:
    rows_checked: int
    problems: list[str]  # one sentence per broken link: row ids only

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain(database: Database) -> ChainReport:
    """Recompute every row's hash in order; report each row that was edited, removed or reordered.

    Rows are read in batches so a years-long trail does not sit in memory at once.
    A removal at the very end of the trail leaves no successor to notice it; the
    report's row count, compared with the previous run's, covers that case.
    """
    problems: list[str] = []
    checked = 0
    expected_prev = GENESIS_HASH
    expected_id = 1
    for entry in _entries_in_order(database):
        if entry.id != expected_id:
            problems.append(f"rows {expected_id} to {entry.id - 1} are missing")
        fields = AuditFields(
            at=entry.at,
            actor=entry.actor,
            workstation=entry.workstation,
            action=entry.action,
            target=entry.target,
            outcome=entry.outcome,
            detail=entry.detail,
        )
        if entry.prev_hash != expected_prev:
            problems.append(f"row {entry.id} does not follow the row before it (a row was removed or changed)")
        if row_hash(entry.id, fields, entry.prev_hash) != entry.row_hash:
            problems.append(f"row {entry.id} was changed after it was written")
        expected_prev = entry.row_hash
        expected_id = entry.id + 1
        checked += 1
    return ChainReport(rows_checked=checked, problems=problems)


def _entries_in_order(database: Database) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        with database.read() as session:
            batch = list(
                session.scalars(
                    select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(VERIFY_BATCH)
                )
            )
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: AuditAction | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    target: str = ""


def list_entries(
    database: Database, where: AuditFilter, *, before_id: int | None = None, limit: int = 200
) -> list[AuditEntry]:
    """Newest first, `limit` at a time; pass the last row's id as `before_id` for the next page."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    if where.actor:
        query = query.where(AuditEntry.actor == where.actor.casefold())
    if where.action is not None:
        query = query.where(AuditEntry.action == where.action.value)
    if where.since is not None:
        query = query.where(AuditEntry.at >= where.since)
    if where.until is not None:
        query = query.where(AuditEntry.at < where.until)
    if where.target:
        query = query.where(AuditEntry.target == where.target)
    with database.read() as session:
        return list(session.scalars(query))
