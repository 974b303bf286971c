"""Requests stored before migration 0010 are found by part of their phone number and by names typed without
apostrophes or hyphens once it has run."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from kiosk.domain.workflow import RequestStatus
from kiosk.services.queue import QueueFilter, fetch_rows
from kiosk.storage.database import Database
from kiosk.storage.migrations import alembic_config, upgrade_to_head
from tests import encrypted_files

_ROW = (
    "INSERT INTO patient_requests (id, reference, kind, urgent, status, created_at, language, workstation,"
    " first_name, last_name, first_name_key, last_name_key, date_of_birth, phone_e164, email, contact_method,"
    " contact_times, consent_to_contact, consent_to_texts, red_flags, answers, version) VALUES (?, ?, 'appointment',"
    " 0, 'new', '2026-11-20 09:00:00.000000+00:00', 'en', 'kiosk-1', ?, ?, ?, ?, '1960-02-29', ?, NULL,"
    " 'phone_call', '[]', 1, 0, '[]', '{}', 1)"
)


def _found(database: Database, typed: str) -> list[str]:
    where = QueueFilter(statuses=frozenset(RequestStatus), search=typed)
    return [row.reference for row in fetch_rows(database, where, None, 20)]


def test_a_request_stored_at_0009_is_found_after_the_upgrade(fresh: Database, database_file: Path) -> None:
    command.upgrade(alembic_config(fresh.engine), "0009")
    with encrypted_files.connect(database_file) as other:
        # The keys as the search before 0010 folded them: apostrophes, hyphens and spaces kept.
        other.execute(
            _ROW,
            (
                "8c3b1f7e-0000-4000-8000-000000000001",
                "K7M2QX",
                "Seán",
                "O'Brien-Smith",
                "sean",
                "o'brien-smith",
                "+15045550142",
            ),
        )
        other.execute(
            _ROW,
            ("8c3b1f7e-0000-4000-8000-000000000002", "K7M2QY", "Anh", "Müller", "anh", "muller", "+12125550199"),
        )
        other.commit()

    upgrade_to_head(fresh.engine)

    assert _found(fresh, "obrien") == ["K7M2QX"]
    assert _found(fresh, "obriensmith sean") == ["K7M2QX"]
    assert _found(fresh, "muller") == ["K7M2QY"]
    assert _found(fresh, "0142") == ["K7M2QX"]
    assert _found(fresh, "212") == ["K7M2QY"]
    assert _found(fresh, "555") == ["K7M2QX", "K7M2QY"]
