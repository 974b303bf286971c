"""The Alembic scripts in db/: one straight line of revisions building exactly what the models describe."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import IntegrityError

import kiosk
from kiosk.paths import migrations_dir
from kiosk.storage.database import Database
from kiosk.storage.migrations import alembic_config, current_revision, head_revision, upgrade_to_head
from kiosk.storage.models import Base, Workstation
from tests import encrypted_files

from .conftest import NOW, workstation


def tables_on_disk(path: Path) -> set[str]:
    with encrypted_files.connect(path) as other:
        rows = other.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {row[0] for row in rows}


def test_the_checkout_runs_the_migrations_in_its_db_folder() -> None:
    assert migrations_dir() == Path(kiosk.__file__).resolve().parent.parent / "db"


def test_a_new_database_has_no_revision(fresh: Database) -> None:
    assert current_revision(fresh.engine) is None


def test_upgrading_a_new_file_creates_the_tables_and_records_the_head(fresh: Database, database_file: Path) -> None:
    upgrade_to_head(fresh.engine)

    assert {"workstations", "alembic_version"} <= tables_on_disk(database_file)
    assert head_revision() is not None
    assert current_revision(fresh.engine) == head_revision()


def test_the_upgrade_is_committed_for_the_next_start(fresh: Database, database_file: Path) -> None:
    upgrade_to_head(fresh.engine)
    fresh.close()

    reopened = Database.open(f"sqlite:///{database_file}")
    try:
        assert current_revision(reopened.engine) == head_revision()
    finally:
        reopened.close()


def test_upgrading_again_changes_nothing(database: Database, database_file: Path) -> None:
    with database.transaction() as session:
        session.add(workstation("front-desk"))

    upgrade_to_head(database.engine)

    assert current_revision(database.engine) == head_revision()
    with encrypted_files.connect(database_file) as other:
        assert other.execute("SELECT name FROM workstations").fetchall() == [("front-desk",)]


def test_the_revisions_form_one_straight_line() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())

    assert len(scripts.get_heads()) == 1, "two heads: merge them or rebase the newer revision"
    assert len(scripts.get_bases()) == 1, "more than one first revision"
    oldest_first = list(reversed(list(scripts.walk_revisions())))
    assert oldest_first[0].down_revision is None
    for previous, revision in itertools.pairwise(oldest_first):
        assert revision.down_revision == previous.revision, f"{revision.revision} does not follow {previous.revision}"
    assert oldest_first[-1].revision == head_revision()


def test_every_file_in_the_versions_folder_is_part_of_the_line() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    files = {path.name for path in (migrations_dir() / "versions").glob("*.py")}

    in_line = {Path(revision.path).name for revision in scripts.walk_revisions()}

    assert files == in_line


def test_the_models_and_the_migrations_describe_the_same_schema(database: Database) -> None:
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    assert differences == []


def test_downgrading_to_nothing_and_back_up_works(database: Database, database_file: Path) -> None:
    command.downgrade(alembic_config(database.engine), "base")
    assert "workstations" not in tables_on_disk(database_file)
    assert current_revision(database.engine) is None

    upgrade_to_head(database.engine)
    assert "workstations" in tables_on_disk(database_file)


def test_one_row_per_workstation_name_is_enforced_by_the_schema(database: Database) -> None:
    with database.transaction() as session:
        session.add(workstation("front-desk"))

    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(
            Workstation(name="front-desk", role="console", app_version="0.1.0", first_seen_at=NOW, last_seen_at=NOW)
        )


def test_requests_stored_before_the_reception_tables_keep_their_data_and_become_searchable(
    fresh: Database, database_file: Path
) -> None:
    command.upgrade(alembic_config(fresh.engine), "0002")
    with encrypted_files.connect(database_file) as other:
        other.execute(
            "INSERT INTO patient_requests (id, reference, kind, urgent, status, created_at, language, workstation,"
            " first_name, last_name, date_of_birth, phone_e164, email, contact_method, contact_times,"
            " consent_to_contact, consent_to_texts, red_flags, answers) VALUES ('8c3b1f7e-0000-4000-8000-000000000001',"
            " 'K7M2QX', 'appointment', 0, 'new', '2026-11-20 09:00:00.000000+00:00', 'vi', 'kiosk-1', 'Thị Hồng',"
            " 'Nguyễn', '1960-02-29', '+15045550123', NULL, 'phone_call', '[]', 1, 0, '[]', '{}')"
        )

    upgrade_to_head(fresh.engine)

    with encrypted_files.connect(database_file) as other:
        row = other.execute(
            "SELECT reference, first_name, last_name, first_name_key, last_name_key, version, status"
            " FROM patient_requests"
        ).fetchone()
    assert row == ("K7M2QX", "Thị Hồng", "Nguyễn", "thihong", "nguyen", 1, "new")
