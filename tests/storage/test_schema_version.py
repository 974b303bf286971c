"""The kiosk's own reading of the schema version (no Alembic) agrees with Alembic's at every step."""

from __future__ import annotations

from alembic import command

from kiosk.storage.database import Database
from kiosk.storage.migrations import alembic_config, current_revision, head_revision, upgrade_to_head
from kiosk.storage.schema_version import HEAD_REVISION, at_head, stored_revision


def test_the_head_the_kiosk_knows_is_the_newest_script() -> None:
    assert head_revision() == HEAD_REVISION, (
        "a migration was added: set HEAD_REVISION in kiosk/storage/schema_version.py to its revision"
    )


def test_a_new_database_is_at_no_revision_and_not_at_head(fresh: Database) -> None:
    assert stored_revision(fresh.engine) is None
    assert not at_head(fresh.engine)


def test_each_step_up_reads_as_alembic_reads_it(fresh: Database) -> None:
    config = alembic_config(fresh.engine)
    for revision in ("0001", "0003", HEAD_REVISION):
        command.upgrade(config, revision)
        assert stored_revision(fresh.engine) == current_revision(fresh.engine) == revision
    assert at_head(fresh.engine)


def test_an_older_database_is_not_at_head_until_upgraded(fresh: Database) -> None:
    command.upgrade(alembic_config(fresh.engine), "0004")
    assert not at_head(fresh.engine)
    upgrade_to_head(fresh.engine)
    assert at_head(fresh.engine)
