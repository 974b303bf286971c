"""Write, read and verify the audit trail. Callers write inside their own transaction.

Recording in the same transaction as the action means a status change and its
audit row commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, column, event, func, insert, select, table, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kiosk.domain.audit import (
    GENESIS_HASH,
    AuditAction,
    AuditFields,
    HashVersion,
    Outcome,
    row_hash,
    storable_text,
)
from kiosk.domain.staff import Actor
from kiosk.services import audit_head
from kiosk.services.audit_head import Head, HeadFileError
from kiosk.storage.database import BUSY_TIMEOUT_MS, Database, DatabaseError
from kiosk.storage.models import AuditEntry, UTCDateTime

log = logging.getLogger(__name__)

# Any constant works: every writer of the audit log on PostgreSQL takes this lock,
# so two consoles never chain their rows to the same predecessor.
_POSTGRESQL_CHAIN_LOCK = 7_401_150
DETAIL_LIMIT = 400
VERIFY_BATCH = 5000
_PENDING_HEAD = "kiosk.audit_head_pending"  # Session.info: the head file to write once the row is committed
_SQLITE_BUSY = 5  # SQLite's primary result code for "database is locked"


class AuditUnavailableError(DatabaseError):
    """The audit row for an action could not be written, so the action did not run: a sentence for IT."""


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
    With a database key the row is sealed with an HMAC (HashVersion.KEYED); the trail's head
    is kept outside the table once the transaction commits (kiosk/services/audit_head.py).
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRESQL_CHAIN_LOCK})
    previous = session.execute(
        select(AuditEntry.id, AuditEntry.row_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    # A row with an id of 0 or less was never written by the kiosk: the chain does not build on it.
    if previous is None or previous.id < 1:
        row_id, prev_hash = 1, GENESIS_HASH
    else:
        row_id, prev_hash = previous.id + 1, previous.row_hash
    # Made storable before cutting to the column's length: a name's undecodable byte takes 4 characters (\xff).
    fields = AuditFields(
        at=(now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC),
        actor=storable_text(actor)[:64],
        workstation=storable_text(workstation)[:255],
        action=action.value,
        target=storable_text(target)[:80],
        outcome=outcome.value,
        detail=storable_text(detail)[:DETAIL_LIMIT],
    )
    chain = _chain_key_for_writing(session, fields.at)
    version = HashVersion.PLAIN if chain is None else HashVersion.KEYED
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
        row_hash=row_hash(row_id, fields, prev_hash, version, chain),
        hash_version=int(version),
    )
    session.add(entry)
    session.flush()
    path = audit_head.head_file(_engine_of(session))
    if path is not None:
        session.info[_PENDING_HEAD] = (path, Head(row_id, entry.row_hash, audit_head.chain_tag(chain)), chain)
    return entry


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _chain_key_for_writing(session: Session, now: dt.datetime) -> bytes | None:
    engine = _engine_of(session)
    chain = audit_head.chain_key(session)
    key = audit_head.database_key(engine)
    if chain is not None and key is not None and not audit_head.wrap_is_stored(engine):
        audit_head.store_wrap(session, chain, key, now)  # once per database key; later rows skip the query
    return chain


@event.listens_for(Session, "after_commit")
def _write_head_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING_HEAD, None)
    if pending is None:
        return
    path, head, chain = pending
    try:
        audit_head.write_head_file(path, head, chain)
    except OSError as exc:
        # The row is committed; a head left one row behind only narrows what `kiosk audit verify` can vouch for.
        log.warning("the audit trail's head file %s could not be written (%s)", path, exc.strerror)


@event.listens_for(Session, "after_rollback")
def _forget_head_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_HEAD, None)


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


def record_before(
    database: Database,
    actor: Actor,
    action: AuditAction,
    *,
    target: str = "",
    detail: str = "",
    busy_wait_ms: int | None = None,
) -> None:
    """Commit the audit row of an action that is about to run; AuditUnavailableError (nothing ran) if it cannot.

    For the verbs that release or change data at scale (backup, restore, rekey, encrypt, purge):
    the row is on disk before the first byte moves, so no audit row means no action. `busy_wait_ms`
    shortens SQLite's wait for the write lock, for verbs that need every kiosk stopped anyway.
    """
    try:
        with _writing(database, busy_wait_ms) as session:
            record_for(session, actor, action, target=target, detail=detail)
    except SQLAlchemyError as exc:
        raise AuditUnavailableError(_unavailable(action, exc)) from exc


@contextmanager
def _writing(database: Database, busy_wait_ms: int | None) -> Iterator[Session]:
    """database.transaction(), with a shorter wait for SQLite's write lock when asked."""
    if busy_wait_ms is None or database.engine.dialect.name != "sqlite":
        with database.transaction() as session:
            yield session
        return
    with database.engine.connect() as connection:
        raw = connection.connection.driver_connection  # no transaction yet: BEGIN comes with the session below
        assert raw is not None
        raw.execute(f"PRAGMA busy_timeout = {int(busy_wait_ms)}")
        try:
            with Session(bind=connection) as session, session.begin():
                yield session
        finally:
            raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def record_before_any_layout(
    database: Database, actor: Actor, action: AuditAction, *, detail: str = "", busy_wait_ms: int | None = None
) -> None:
    """record_before on a database that may still have an older layout (`kiosk db encrypt`, a restore).

    Encrypt is for files from earlier versions: a row is then written the way that layout's trail
    expects (HashVersion.LEGACY), so its chain stays whole. A database older than the audit trail
    itself has nowhere to write, and nothing to break.
    """
    from kiosk.storage.schema_version import at_head

    if at_head(database.engine):
        record_before(database, actor, action, target="database", detail=detail, busy_wait_ms=busy_wait_ms)
        return
    try:
        with _writing(database, busy_wait_ms) as session:
            _record_legacy(session, actor, action, detail)
    except SQLAlchemyError as exc:
        raise AuditUnavailableError(_unavailable(action, exc)) from exc


def _record_legacy(session: Session, actor: Actor, action: AuditAction, detail: str) -> None:
    from sqlalchemy import inspect

    connection = session.connection()
    if not inspect(connection).has_table(AuditEntry.__tablename__):
        return
    previous = connection.execute(text("SELECT id, row_hash FROM audit_log ORDER BY id DESC LIMIT 1")).first()
    row_id = 1 if previous is None or previous.id < 1 else previous.id + 1
    prev_hash = GENESIS_HASH if previous is None else previous.row_hash
    fields = AuditFields(
        at=dt.datetime.now(dt.UTC),
        actor=storable_text(actor.username)[:64],
        workstation=storable_text(actor.workstation)[:255],
        action=action.value,
        target="database",
        outcome=Outcome.OK.value,
        detail=storable_text(detail)[:DETAIL_LIMIT],
    )
    # The layout before 0008, spelled out: the model already has the newer column.
    legacy = table(
        "audit_log",
        column("at", UTCDateTime()),
        *(column(name) for name in ("id", "actor", "workstation", "action", "target", "outcome", "detail")),
        column("prev_hash"),
        column("row_hash"),
    )
    connection.execute(
        insert(legacy).values(
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
    )


def _unavailable(action: AuditAction, exc: Exception) -> str:
    code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
    if code is not None and int(code) & 0xFF == _SQLITE_BUSY:
        return (
            f"Nothing was done: the database is in use by another program (a running kiosk or console), so the "
            f"audit trail could not record the {action.value}: stop every kiosk and console that uses it, then try "
            "again."
        )
    return (
        f"Nothing was done: the audit trail could not record the {action.value} "
        f"({type(getattr(exc, 'orig', None) or exc).__name__}); free disk space if the disk is full, "
        "check that the database is writable (`kiosk db check`), then try again."
    )


def record_rekey(database: Database, new_key: bytes, actor: Actor, *, busy_wait_ms: int | None = None) -> None:
    """Before `kiosk db rekey` changes the key: its audit row, and the chain key wrapped under the new key.

    Both commit together before the rekey starts. If the rekey then fails, the extra wrap is for a key
    that never opened this database and stays unused.
    """
    try:
        with _writing(database, busy_wait_ms) as session:
            record_for(session, actor, AuditAction.REKEY, target="database", detail="new database key")
            chain = audit_head.chain_key(session)
            if chain is not None:
                audit_head.store_wrap(session, chain, new_key, dt.datetime.now(dt.UTC))
    except SQLAlchemyError as exc:
        raise AuditUnavailableError(_unavailable(AuditAction.REKEY, exc)) from exc


def forget_head(database: Database) -> None:
    """Before a restored database is first written: its head file described the database it replaced.

    A restore is the one legitimate way the trail gets shorter; the database it replaced keeps its own
    RESTORE row (written before) in the copy kept aside, and the restored one gets one next (restart_head).
    """
    path = audit_head.head_file(database.engine)
    if path is not None:
        path.unlink(missing_ok=True)


def restart_head(database: Database, actor: Actor, *, detail: str) -> None:
    """After a restore: forget the old head, then a RESTORE row in the restored trail becomes its new head."""
    from kiosk.storage.schema_version import at_head

    forget_head(database)
    if not at_head(database.engine):
        return  # an older layout: the kiosk upgrades it at start, and its first row starts the head again
    record_before(database, actor, AuditAction.RESTORE, target="database", detail=detail)


@dataclass(frozen=True)
class ChainReport:
    rows_checked: int
    problems: list[str]  # one sentence per problem: row ids, file names and counts only

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain(database: Database) -> ChainReport:
    """Recompute every row's seal in order; report rows edited, removed or reordered, a cut tail, and missing guards.

    Rows are read in batches so a years-long trail does not sit in memory at once. The head kept
    outside the table is read first, so rows committed while this runs never look like a cut.
    """
    with database.read() as session:
        chain = audit_head.chain_key(session)
        keyed_without_wrap = _keyed_rows_without_wrap(session)
        head, problems = _read_head(session, chain)
        problems += guard_problems(session) + _non_positive_ids(session)
    checked = 0
    expected_prev = GENESIS_HASH
    expected_id = 1
    newest_version = HashVersion.LEGACY
    head_seen = False
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
        problems += _seal_problems(entry, fields, chain, newest_version, keyed_without_wrap)
        newest_version = max(newest_version, _version(entry.hash_version))
        if head is not None and entry.id == head.last_id:
            head_seen = True
            if entry.row_hash != head.last_hash:
                problems.append(
                    f"row {entry.id} is not the row written there: the end of the trail was replaced after it"
                )
        expected_prev = entry.row_hash
        expected_id = entry.id + 1
        checked += 1
    if head is not None and not head_seen and head.last_id >= expected_id:
        problems.append(
            f"the trail was cut: rows {expected_id} to {head.last_id} were written and are gone "
            "(the end of the trail was deleted)"
        )
    if keyed_without_wrap:
        problems.append(
            "rows sealed with the audit key cannot be checked: the database key was changed without "
            "`kiosk db rekey`, or the table audit_chain_keys was emptied"
        )
    return ChainReport(rows_checked=checked, problems=problems)


def _version(stored: int) -> HashVersion:
    try:
        return HashVersion(stored)
    except ValueError:
        return HashVersion.LEGACY


def _seal_problems(
    entry: AuditEntry,
    fields: AuditFields,
    chain: bytes | None,
    newest: HashVersion,
    keyed_without_wrap: bool,
) -> list[str]:
    try:
        version = HashVersion(entry.hash_version)
    except ValueError:
        return [f"row {entry.id} carries a seal kind ({entry.hash_version}) the kiosk never writes"]
    problems = []
    if version < newest:
        # The switch to a stronger seal only ever goes forwards: an older kind after a newer one was forged.
        problems.append(f"row {entry.id} has a weaker seal than the rows before it (it was rewritten)")
    if version is HashVersion.KEYED and chain is None:
        return [*problems, f"row {entry.id} is sealed with a key this database does not have"]
    if version is HashVersion.KEYED and keyed_without_wrap:
        return problems  # reported once for the whole trail
    if row_hash(entry.id, fields, entry.prev_hash, version, chain) != entry.row_hash:
        problems.append(f"row {entry.id} was changed after it was written")
    return problems


def _keyed_rows_without_wrap(session: Session) -> bool:
    key = audit_head.database_key(_engine_of(session))
    if key is None or audit_head.has_wrap(session, key):
        return False
    return _has_keyed_rows(session)


def _has_keyed_rows(session: Session) -> bool:
    keyed = select(AuditEntry.id).where(AuditEntry.hash_version == int(HashVersion.KEYED)).limit(1)
    return session.scalar(keyed) is not None


def _read_head(session: Session, chain: bytes | None) -> tuple[Head | None, list[str]]:
    """The head kept outside the table, and what is wrong with it (missing, changed, another database's)."""
    engine = _engine_of(session)
    newer = select(AuditEntry.id).where(AuditEntry.hash_version >= int(HashVersion.PLAIN)).limit(1)
    written_since_0008 = session.scalar(newer) is not None
    if engine.dialect.name == "postgresql":
        head = audit_head.read_head_table(session)
        if head is None and written_since_0008:
            return None, ["the table audit_head, which records the trail's newest row, was emptied"]
        return head, []
    path = audit_head.head_file(engine)
    if path is None:
        return None, []
    try:
        head = audit_head.read_head_file(path, chain)
    except HeadFileError as exc:
        return None, [f"{exc}: rows at the end of the trail may have been removed"]
    if head is None:
        if written_since_0008:
            return None, [
                f"the record of the trail's newest row ({path.name}) is missing: rows at the end may have been removed"
            ]
        return None, []
    if head.chain == "" and chain is not None and not _has_keyed_rows(session):
        return head, []  # `kiosk db encrypt` has just given the database a key; no row is sealed with it yet
    if head.chain != audit_head.chain_tag(chain):
        return None, [f"the record of the trail's newest row ({path.name}) belongs to another database"]
    return head, []


def _non_positive_ids(session: Session) -> list[str]:
    count = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.id <= 0)) or 0
    if not count:
        return []
    rows = "1 row has" if count == 1 else f"{count} rows have"
    return [f"{rows} an id of 0 or less, which the kiosk never writes (added behind its back)"]


# The guards migrations 0003 and 0008 install; each must be there and enabled.
_SQLITE_GUARDS = {
    "audit_log_no_update": "audit_log",
    "audit_log_no_delete": "audit_log",
    "audit_chain_keys_no_update": "audit_chain_keys",
    "audit_chain_keys_no_delete": "audit_chain_keys",
}
_POSTGRESQL_GUARDS = {
    "audit_log_no_change": "audit_log",
    "audit_log_no_truncate": "audit_log",
    "audit_log_head": "audit_log",
    "audit_chain_keys_no_change": "audit_chain_keys",
    "audit_chain_keys_no_truncate": "audit_chain_keys",
    "audit_head_no_change": "audit_head",
    "audit_head_no_truncate": "audit_head",
}
_POSTGRESQL_REFUSING_FUNCTIONS = ("audit_log_append_only", "audit_chain_keys_append_only", "audit_head_guard")


def guard_problems(session: Session) -> list[str]:
    """The database triggers that keep the trail append-only: one sentence per one dropped, altered or disabled."""
    if _engine_of(session).dialect.name == "postgresql":
        return _postgresql_guard_problems(session)
    found = {
        row.name: (row.tbl_name, row.sql or "")
        for row in session.execute(text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"))
    }
    problems = []
    for name, guarded in _SQLITE_GUARDS.items():
        if name not in found:
            problems.append(f"the database trigger {name}, which stops {guarded} rows being changed, was removed")
        elif found[name][0] != guarded or "RAISE(ABORT" not in "".join(found[name][1].upper().split()):
            problems.append(f"the database trigger {name} was replaced with one that does not refuse changes")
    return problems


def _postgresql_guard_problems(session: Session) -> list[str]:
    rows = session.execute(
        text(
            "SELECT t.tgname, c.relname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.oid IN "
            "(to_regclass('audit_log'), to_regclass('audit_chain_keys'), to_regclass('audit_head'))"
        )
    )
    found = {row.tgname: (row.relname, str(row.tgenabled)) for row in rows}
    problems = []
    for name, guarded in _POSTGRESQL_GUARDS.items():
        if name not in found or found[name][0] != guarded:
            problems.append(f"the database trigger {name} on {guarded} was removed")
        elif found[name][1] not in ("O", "A"):  # D: disabled; R: fires only for replication
            problems.append(f"the database trigger {name} on {guarded} is disabled")
    functions = session.execute(
        text("SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(:names) AND pg_function_is_visible(oid)"),
        {"names": list(_POSTGRESQL_REFUSING_FUNCTIONS)},
    )
    bodies = {str(row.proname): str(row.prosrc) for row in functions}
    for name in _POSTGRESQL_REFUSING_FUNCTIONS:
        if "RAISE EXCEPTION" not in str(bodies.get(name, "")).upper():
            problems.append(f"the database function {name}(), which refuses changes to the trail, was replaced")
    return problems


def quick_problems(database: Database) -> list[str]:
    """What `kiosk doctor` checks without reading every row: guards, odd ids and the head against the newest row."""
    with database.read() as session:
        chain = audit_head.chain_key(session)
        head, problems = _read_head(session, chain)
        problems += guard_problems(session) + _non_positive_ids(session)
        if head is not None:
            newest = session.scalar(select(func.max(AuditEntry.id))) or 0
            at_head = session.scalar(select(AuditEntry.row_hash).where(AuditEntry.id == head.last_id))
            if newest < head.last_id:
                problems.append(
                    f"the trail was cut: rows {newest + 1} to {head.last_id} were written and are gone "
                    "(the end of the trail was deleted)"
                )
            elif at_head != head.last_hash:
                problems.append(
                    f"row {head.last_id} is not the row written there: the end of the trail was replaced after it"
                )
    return problems


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
