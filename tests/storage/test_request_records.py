"""The patient_requests table: what the schema itself guarantees, whichever code writes to it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from kiosk.storage.database import Database
from kiosk.storage.migrations import alembic_config, current_revision, upgrade_to_head
from kiosk.storage.models import RequestRecord
from tests import encrypted_files

from .conftest import NOW, workstation


def record(**changes: Any) -> RequestRecord:
    values: dict[str, Any] = {
        "id": "6f1c1f43-5b6a-4a43-9d39-9b1d3c1c0a01",
        "reference": "K7M4QX",
        "kind": "follow_up",
        "urgent": True,
        "created_at": NOW,
        "language": "es",
        "workstation": "waiting-room-1",
        "first_name": "Ana",
        "last_name": "Nguyen",
        "date_of_birth": dt.date(1970, 5, 1),
        "phone_e164": "+16135550100",
        "email": None,
        "contact_method": "text_message",
        "contact_times": ["evening"],
        "consent_to_contact": True,
        "consent_to_texts": True,
        "red_flags": ["fever"],
        "answers": {"procedure_date": "2025-01-06", "pain_now": 3, "next_steps": ["question"]},
    }
    values.update(changes)
    return RequestRecord(**values)


def stored(database: Database) -> list[RequestRecord]:
    with database.transaction() as session:
        return list(session.scalars(select(RequestRecord).order_by(RequestRecord.created_at)))


def test_a_row_reads_back_with_its_types(database: Database) -> None:
    with database.transaction() as session:
        session.add(record())

    [row] = stored(database)
    assert row.status == "new"
    assert row.created_at == NOW and row.created_at.tzinfo == dt.UTC
    assert row.date_of_birth == dt.date(1970, 5, 1)
    assert row.email is None
    assert (row.urgent, row.consent_to_contact) == (True, True)
    assert row.contact_times == ["evening"]
    assert row.red_flags == ["fever"]
    assert row.answers == {"procedure_date": "2025-01-06", "pain_now": 3, "next_steps": ["question"]}


def test_the_json_columns_are_plain_json_for_other_programs(database: Database, database_file: Path) -> None:
    with database.transaction() as session:
        session.add(record())

    with encrypted_files.connect(database_file) as other:
        times, flags, answers = other.execute(
            "SELECT contact_times, red_flags, answers FROM patient_requests"
        ).fetchone()
    assert json.loads(times) == ["evening"]
    assert json.loads(flags) == ["fever"]
    assert json.loads(answers)["procedure_date"] == "2025-01-06"


def test_a_row_written_by_another_program_starts_as_new(database: Database, database_file: Path) -> None:
    with encrypted_files.connect(database_file) as other:
        other.execute(
            "INSERT INTO patient_requests (id, reference, kind, urgent, created_at, language, workstation,"
            " first_name, last_name, date_of_birth, phone_e164, contact_method, contact_times,"
            " consent_to_contact, consent_to_texts, red_flags, answers) VALUES"
            " ('x', 'ABC234', 'appointment', 0, '2025-01-15 09:30:00', 'en', 'pc', 'A', 'B', '1970-05-01',"
            " '+16135550100', 'phone_call', '[]', 1, 0, '[]', '{}')"
        )

    [row] = stored(database)
    assert row.status == "new"


def test_two_rows_cannot_share_a_reference(database: Database) -> None:
    with database.transaction() as session:
        session.add(record())

    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(record(id="1e2b8a4c-4a55-4d4e-8f34-3f0f7e9c1b22"))

    assert len(stored(database)) == 1


def test_two_rows_cannot_share_a_request_id(database: Database) -> None:
    with database.transaction() as session:
        session.add(record())

    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(record(reference="ABC234"))

    assert len(stored(database)) == 1


@pytest.mark.parametrize("column", ["reference", "first_name", "date_of_birth", "answers", "red_flags"])
def test_a_row_missing_a_required_value_is_refused(database: Database, column: str) -> None:
    # JSON columns too: None must be SQL NULL (refused), not the JSON text 'null'.
    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(record(**{column: None}))

    assert stored(database) == []


def test_the_queue_columns_are_indexed(database: Database) -> None:
    indexes = {
        index["name"]: (index["column_names"], bool(index["unique"]))
        for index in inspect(database.engine).get_indexes("patient_requests")
    }

    # The queue's order (urgent first, then oldest) and its search keys are read from indexes.
    assert indexes["ix_patient_requests_queue"] == (["urgent", "created_at", "id"], False)
    assert indexes["ix_patient_requests_open_queue"] == (["urgent", "created_at", "id", "status"], False)
    # Status and kind too, so a phone search's count is read from the index alone (migration 0010).
    assert indexes["ix_patient_requests_phone_queue"] == (
        ["phone_e164", "urgent", "created_at", "id", "status", "kind"],
        False,
    )
    assert indexes["ix_patient_requests_last_name_queue"] == (
        ["urgent", "last_name_key", "first_name_key", "created_at", "id", "status", "kind"],
        False,
    )
    assert indexes["ix_patient_requests_first_name_queue"] == (
        ["urgent", "first_name_key", "last_name_key", "created_at", "id", "status", "kind"],
        False,
    )
    assert indexes["ix_patient_requests_created_at"] == (["created_at"], False)
    [unique] = inspect(database.engine).get_unique_constraints("patient_requests")
    assert (unique["name"], unique["column_names"]) == ("uq_patient_requests_reference", ["reference"])


def test_upgrading_a_0001_database_keeps_its_workstations(database_file: Path) -> None:
    database = Database.open(f"sqlite:///{database_file}")
    try:
        command.upgrade(alembic_config(database.engine), "0001")
        with database.transaction() as session:
            # Written as 0001 knew the table: today's model has columns that did not exist yet.
            session.execute(
                text(
                    "INSERT INTO workstations (name, role, app_version, first_seen_at, last_seen_at)"
                    " VALUES ('front-desk', 'kiosk', '0.1.0', '2025-01-15 09:30:00', '2025-01-15 09:30:00')"
                )
            )

        upgrade_to_head(database.engine)

        with database.transaction() as session:
            session.add(record())
        assert len(stored(database)) == 1
        with encrypted_files.connect(database_file) as other:
            assert other.execute("SELECT name FROM workstations").fetchall() == [("front-desk",)]
    finally:
        database.close()


def test_downgrading_to_0001_drops_only_the_requests(database: Database, database_file: Path) -> None:
    with database.transaction() as session:
        session.add(workstation("front-desk"))
        session.add(record())

    command.downgrade(alembic_config(database.engine), "0001")

    assert current_revision(database.engine) == "0001"
    with encrypted_files.connect(database_file) as other:
        tables = {row[0] for row in other.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "patient_requests" not in tables
        assert other.execute("SELECT name FROM workstations").fetchall() == [("front-desk",)]
