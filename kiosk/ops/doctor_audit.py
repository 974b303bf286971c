"""`kiosk doctor`'s audit checks: the trail's guards and head are in place, and on PostgreSQL who may cut it.

Quick by design: it does not recompute every row's seal (`kiosk audit verify` does); it checks the
triggers that keep the trail append-only, rows with ids the kiosk never writes, and the newest row
against the record of it kept outside the table. Read-only, like every doctor check.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from kiosk.ops.doctor import Check, fail, not_checked, ok, warn

if TYPE_CHECKING:
    from kiosk.config.settings import Settings
    from kiosk.storage.database import Database

log = logging.getLogger(__name__)

TRAIL = "audit trail"
ROLES = "audit roles"
ROLES_FIX = 'set up an owner role apart from the kiosk\'s login role (docs/it/database.md, "PostgreSQL: roles")'
# The rights that let a role remove or rewrite audit rows, per table the trail keeps.
_TABLES = ("audit_log", "audit_chain_keys", "audit_head")
_RIGHTS = ("UPDATE", "DELETE", "TRUNCATE")


def audit_checks(settings: Settings) -> list[Check]:
    """ "audit trail", then (PostgreSQL only) "audit roles"."""
    from kiosk.storage.database import DatabaseBusy, is_busy
    from kiosk.storage.schema_version import at_head

    try:
        database = _open_as_is(settings)
    except DatabaseBusy:  # held by another program: busy, not broken (see database)
        return [_busy()]
    if database is None:
        return [not_checked(TRAIL, "the database does not open (see database)")]
    try:
        try:
            if not at_head(database.engine):
                # Not a fault: a kiosk upgrades the layout when it starts (see migrations).
                return [warn(TRAIL, "not checked: the database has an older layout", "run `kiosk db upgrade`")]
            checks = [_trail_check(database)]
            if database.engine.dialect.name == "postgresql":
                checks.append(roles_check(database))
        except SQLAlchemyError as exc:
            if is_busy(exc):
                return [_busy()]
            log.debug("doctor: the audit checks could not read the database", exc_info=True)
            return [not_checked(TRAIL, f"the database could not be read ({type(exc).__name__})")]
        return checks
    finally:
        database.close()


def _busy() -> Check:
    return warn(TRAIL, "not checked: the database is busy", "run `kiosk doctor` again once it is free")


def _open_as_is(settings: Settings) -> Database | None:
    """The configured database, opened without making a key or finishing a rekey; None when it does not open."""
    from kiosk.storage.database import Database, DatabaseBusy, DatabaseError, busy_error, is_busy
    from kiosk.storage.keys import database_exists, database_path, find_key, is_plain_sqlite

    db = settings.database
    url = db.resolved_url()
    try:
        path = database_path(db)
        if path is None:
            return Database.open(url)
        if not database_exists(path):
            return None
        if is_plain_sqlite(path):
            return Database.open(url) if not db.encrypt else None
        found = find_key(db, path)
        return None if found is None else Database.open(url, found[1])
    except DatabaseBusy:
        raise
    except SQLAlchemyError as exc:
        if is_busy(exc):
            raise busy_error(path) from exc
        return None
    except DatabaseError:
        return None


def _trail_check(database: Database) -> Check:
    from kiosk.services.audit import quick_problems

    problems = quick_problems(database)
    if not problems:
        return ok(TRAIL, "its guard triggers are in place and its newest row matches the record kept outside it")
    more = "" if len(problems) == 1 else f" (and {len(problems) - 1} more)"
    return fail(
        TRAIL,
        f"{problems[0]}{more}",
        "run `kiosk audit verify` for the full list; keep a copy of the database as it is and tell whoever "
        "looks after the clinic's records",
    )


def roles_check(database: Database) -> Check:
    """Whether the role the kiosk logs in as could disable the trail's triggers or remove its rows."""
    with database.engine.connect() as connection:
        role, superuser = connection.execute(
            text("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        ).one()
        owner = connection.execute(
            text("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('audit_log')")
        ).scalar_one()
        owns = connection.execute(text("SELECT pg_has_role(current_user, :owner, 'MEMBER')"), {"owner": owner})
        rights = [
            f"{right} on {table}"
            for table in _TABLES
            for right in _RIGHTS
            if connection.execute(
                text("SELECT has_table_privilege(current_user, to_regclass(:table), :right)"),
                {"table": table, "right": right},
            ).scalar_one()
        ]
        owns_tables = bool(owns.scalar_one())
    if superuser:
        return warn(
            ROLES, f"the kiosk logs in as {role}, a superuser: it could switch off and cut the trail", ROLES_FIX
        )
    if owns_tables:
        return warn(
            ROLES,
            f"the kiosk logs in as {role}, which owns the audit tables: it could disable their triggers and cut them",
            ROLES_FIX,
        )
    if rights:
        return warn(ROLES, f"the kiosk's role {role} has {', '.join(rights)}", f"revoke them; {ROLES_FIX}")
    return ok(ROLES, f"the kiosk's role {role} can add audit rows but cannot change, remove or unguard them")
