"""Which schema a database is at, and the newest the kiosk knows, read without loading Alembic.

Every start of a kiosk checks this. Alembic (with the Mako and Pygments it loads) costs about 13 MiB and
100-150 ms of the GUI thread, so it is imported only when an upgrade is actually due
(kiosk.services.startup.upgrade_with_backup). tests/storage/test_schema_version.py holds HEAD_REVISION to
Alembic's own head, so a new script in db/versions cannot be forgotten here.
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

# The newest script in db/versions; update it with each new migration.
HEAD_REVISION = "0010"
VERSION_TABLE = "alembic_version"  # Alembic's default, which db/env.py keeps


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, or None for a database Alembic has never touched."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        versions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    # One row on a linear history; several would be branches, which only Alembic can judge.
    return versions[0] if len(versions) == 1 else None


def at_head(engine: Engine) -> bool:
    return stored_revision(engine) == HEAD_REVISION
