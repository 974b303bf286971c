"""A trail written before migration 0008 (plain SHA-256, no head) keeps verifying after it, then carries on sealed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.domain.audit import AuditAction, HashVersion
from kiosk.domain.staff import Actor, Role
from kiosk.services.audit import record_before_any_layout, record_for, verify_chain
from kiosk.storage.database import Database
from kiosk.storage.keys import open_configured_database
from kiosk.storage.migrations import alembic_config, upgrade_to_head
from kiosk.storage.models import AuditEntry, AuditHead

IT = Actor("cli:it", Role.ADMIN, "back-office")
ALICE = Actor("alice", Role.RECEPTION, "front-desk-1")


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        settings = Settings(database=DatabaseSettings(url=f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"))
        database = open_configured_database(settings, create_if_missing=True)
    else:
        database = Database.open(request.getfixturevalue("pg_empty_url"))
    yield database
    database.close()


def test_rows_from_before_0008_verify_and_later_rows_are_sealed(unmigrated: Database) -> None:
    command.upgrade(alembic_config(unmigrated.engine), "0007")
    for _ in range(3):  # as `kiosk db encrypt` or a restore writes into a database of an older layout
        record_before_any_layout(unmigrated, IT, AuditAction.ENCRYPT, detail="database encrypted")

    upgrade_to_head(unmigrated.engine)
    with unmigrated.read() as session:
        third = session.scalar(select(AuditEntry.row_hash).where(AuditEntry.id == 3))
        head = session.scalar(select(AuditHead))
    if unmigrated.engine.dialect.name == "postgresql":  # the migration starts the head at the newest row
        assert head is not None and (head.last_id, head.last_hash) == (3, third)
    with unmigrated.transaction() as session:
        record_for(session, ALICE, AuditAction.LOGIN)
        record_for(session, ALICE, AuditAction.LOGOUT)

    report = verify_chain(unmigrated)
    assert report.intact, report.problems
    assert report.rows_checked == 5
    with unmigrated.read() as session:
        versions = list(session.scalars(select(AuditEntry.hash_version).order_by(AuditEntry.id)))
    sealed = HashVersion.PLAIN if unmigrated.engine.dialect.name == "postgresql" else HashVersion.KEYED
    assert versions == [HashVersion.LEGACY] * 3 + [sealed] * 2
