"""The same Alembic scripts on a real PostgreSQL server: head, no drift, down and up, and old data carried over."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from kiosk.services.queue import QueueFilter, count_requests, fetch_rows
from kiosk.storage.database import Database
from kiosk.storage.migrations import alembic_config, current_revision, head_revision, upgrade_to_head
from kiosk.storage.models import Base, Workstation
from kiosk.storage.schema_version import at_head, stored_revision

from .conftest import NOW, workstation


@pytest.fixture
def fresh(pg_empty_url: str) -> Iterator[Database]:
    opened = Database.open(pg_empty_url)
    yield opened
    opened.close()


def tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names())


def test_an_empty_server_database_is_brought_to_head(fresh: Database) -> None:
    assert current_revision(fresh.engine) is None
    assert stored_revision(fresh.engine) is None

    upgrade_to_head(fresh.engine)

    assert current_revision(fresh.engine) == head_revision() == stored_revision(fresh.engine)
    assert at_head(fresh.engine)
    assert {"workstations", "patient_requests", "request_events", "staff_users", "audit_log"} <= tables(fresh)


def test_upgrading_again_changes_nothing(pg_database: Database) -> None:
    with pg_database.transaction() as session:
        session.add(workstation("front-desk"))

    upgrade_to_head(pg_database.engine)

    with pg_database.read() as session:
        assert session.execute(text("SELECT name FROM workstations")).all() == [("front-desk",)]


def test_the_models_and_the_migrations_describe_the_same_schema_on_postgresql(pg_database: Database) -> None:
    with pg_database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_the_open_queue_index_is_partial_on_postgresql(pg_database: Database) -> None:
    with pg_database.read() as session:
        definition = session.scalar(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_patient_requests_open_queue'")
        )
    assert definition is not None
    assert "WHERE ((status)::text <> 'closed'::text)" in definition


def test_downgrading_to_nothing_and_back_up_works(fresh: Database) -> None:
    upgrade_to_head(fresh.engine)

    command.downgrade(alembic_config(fresh.engine), "base")
    assert tables(fresh) <= {"alembic_version"}
    assert current_revision(fresh.engine) is None
    with fresh.read() as session:  # the append-only trigger function went with its table
        assert session.scalar(text("SELECT count(*) FROM pg_proc WHERE proname = 'audit_log_append_only'")) == 0

    upgrade_to_head(fresh.engine)
    assert current_revision(fresh.engine) == head_revision()


def test_one_row_per_workstation_name_is_enforced_by_the_schema(pg_database: Database) -> None:
    with pg_database.transaction() as session:
        session.add(workstation("front-desk"))

    with pytest.raises(IntegrityError), pg_database.transaction() as session:
        session.add(
            Workstation(name="front-desk", role="console", app_version="0.1.0", first_seen_at=NOW, last_seen_at=NOW)
        )


def test_requests_stored_at_0002_keep_their_data_and_become_searchable(fresh: Database) -> None:
    command.upgrade(alembic_config(fresh.engine), "0002")
    with fresh.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO patient_requests (id, reference, kind, urgent, status, created_at, language, workstation,"
                " first_name, last_name, date_of_birth, phone_e164, email, contact_method, contact_times,"
                " consent_to_contact, consent_to_texts, red_flags, answers) VALUES"
                " ('8c3b1f7e-0000-4000-8000-000000000001', 'K7M2QX', 'appointment', false, 'new',"
                " '2026-11-20 09:00:00+00', 'vi', 'kiosk-1', 'Thị Hồng', 'Nguyễn', '1960-02-29', '+15045550123',"
                " NULL, 'phone_call', '[]', true, false, '[]', '{}')"
            )
        )

    upgrade_to_head(fresh.engine)

    with fresh.read() as session:
        row = session.execute(
            text(
                "SELECT reference, first_name, last_name, first_name_key, last_name_key, version, status"
                " FROM patient_requests"
            )
        ).one()
    assert tuple(row) == ("K7M2QX", "Thị Hồng", "Nguyễn", "thihong", "nguyen", 1, "new")
    # The carried-over request is in reception's queue and found by a search on its folded name.
    [queued] = fetch_rows(fresh, QueueFilter(search="nguyen"), None, 10)
    assert (queued.reference, queued.created_at) == ("K7M2QX", dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC))
    assert count_requests(fresh, QueueFilter()) == 1
