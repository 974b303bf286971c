"""Synthetic requests: readable like real ones, fictional contact details, the same rows for the same seed."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.cli.main import main
from kiosk.domain.reference import parse_reference
from kiosk.domain.requests import RequestKind
from kiosk.domain.search import fold_name
from kiosk.domain.workflow import OPEN_STATUSES, RequestStatus
from kiosk.services.demo_data import DEMO_STAFF, generate_requests
from kiosk.services.request_rows import from_record
from kiosk.storage.database import Database
from kiosk.storage.migrations import upgrade_to_head
from kiosk.storage.models import RequestRecord

NOW = dt.datetime(2025, 6, 2, 15, 0, tzinfo=dt.UTC)
FICTIONAL_PHONE = re.compile(r"\+1[2-9]\d\d55501\d\d")


def _records(database: Database) -> list[RequestRecord]:
    with database.transaction() as session:
        return list(session.scalars(select(RequestRecord).order_by(RequestRecord.created_at, RequestRecord.id)))


def test_every_row_reads_back_as_a_request_with_fictional_contact_details(database: Database) -> None:
    assert generate_requests(database, 3000, seed=1, now=NOW, days=60) == 3000
    records = _records(database)

    assert len(records) == 3000
    for record in records:
        request = from_record(record)  # raises if a row is not a valid request
        assert request.urgent == record.urgent
        assert FICTIONAL_PHONE.fullmatch(record.phone_e164), record.phone_e164
        assert record.email is None or record.email.endswith("@example.org")
        assert parse_reference(record.reference) == record.reference
        assert (record.first_name_key, record.last_name_key) == (
            fold_name(record.first_name),
            fold_name(record.last_name),
        )
        assert dt.date(1940, 1, 1) <= record.date_of_birth <= dt.date(2005, 12, 31)
        assert NOW - dt.timedelta(days=60) <= record.created_at <= NOW
        worked = record.status != RequestStatus.NEW
        assert (record.first_contact_at is not None) == worked == (record.status_changed_at is not None)
        if record.first_contact_at is not None and record.status_changed_at is not None:
            assert record.created_at <= record.first_contact_at <= record.status_changed_at <= NOW
    assert len({record.reference for record in records}) == len(records)


def test_the_mix_looks_like_a_desk_that_keeps_up(database: Database) -> None:
    generate_requests(database, 5000, seed=2, now=NOW, days=365)
    records = _records(database)
    kinds = Counter(record.kind for record in records)
    urgent = [record for record in records if record.urgent]
    week_ago = NOW - dt.timedelta(days=7)
    recent = [record for record in records if record.created_at >= NOW - dt.timedelta(days=1)]
    old = [record for record in records if record.created_at < week_ago]

    assert kinds[RequestKind.APPOINTMENT] > kinds[RequestKind.FOLLOW_UP] > 0
    assert 0.015 < len(urgent) / len(records) < 0.05
    assert all(record.kind == RequestKind.FOLLOW_UP and record.red_flags for record in urgent)
    assert sum(RequestStatus(record.status) in OPEN_STATUSES for record in recent) / len(recent) > 0.7
    assert sum(record.status == RequestStatus.CLOSED for record in old) / len(old) > 0.9
    folded = {record.last_name_key for record in records}
    assert "nguyen" in folded and "nunez" in folded  # accents to fold are there to find


def test_the_same_seed_gives_the_same_requests(database: Database, tmp_path: Path) -> None:
    other = Database.open(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        upgrade_to_head(other.engine)
        generate_requests(database, 500, seed=9, now=NOW)
        generate_requests(other, 500, seed=9, now=NOW)
        first, second = _records(database), _records(other)

        assert [from_record(record) for record in first] == [from_record(record) for record in second]
        assert [(r.reference, r.created_at, r.status) for r in first] == [
            (r.reference, r.created_at, r.status) for r in second
        ]
    finally:
        other.close()


def test_a_second_batch_never_reuses_a_reference(database: Database) -> None:
    generate_requests(database, 800, seed=5, now=NOW)
    generate_requests(database, 800, seed=5, now=NOW)

    records = _records(database)
    assert len({record.reference for record in records}) == len({record.id for record in records}) == 1600


def test_the_command_says_the_data_is_synthetic_and_how_long_it_took(
    settings_file: Path, database_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(settings_file), "demo-data", "--count", "1200", "--seed", "4"]) == 0

    out = capsys.readouterr().out
    assert "synthetic requests" in out and "no real patients" in out
    assert re.search(r"Done: 1,200 synthetic requests added in \d+\.\d s\.", out)


def test_the_command_refuses_a_database_that_has_requests_unless_forced(
    settings_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--config", str(settings_file), "demo-data", "--count", "10"])
    capsys.readouterr()

    assert main(["--config", str(settings_file), "demo-data", "--count", "10"]) == 2
    err = capsys.readouterr().err
    assert "already holds 10 requests" in err and "--force" in err and err.count("\n") == 1

    assert main(["--config", str(settings_file), "demo-data", "--count", "10", "--force"]) == 0


def test_urgent_requests_are_seen_at_the_desk_within_minutes_and_before_the_first_call(database: Database) -> None:
    generate_requests(database, 5000, seed=3, now=NOW, days=60)
    records = _records(database)
    seen = [record for record in records if record.seen_at_desk_at is not None]

    assert seen and all(record.urgent for record in seen)
    assert {record.seen_at_desk_by for record in seen} == {DEMO_STAFF}
    for record in seen:
        assert record.seen_at_desk_at is not None
        assert record.created_at < record.seen_at_desk_at <= NOW
        assert record.seen_at_desk_at - record.created_at <= dt.timedelta(minutes=20)
        if record.first_contact_at is not None:
            assert record.seen_at_desk_at <= record.first_contact_at
    worked = [record for record in records if record.urgent and record.first_contact_at is not None]
    assert sum(record.seen_at_desk_at is not None for record in worked) / len(worked) > 0.9
    assert all(record.seen_at_desk_at is None for record in records if not record.urgent)
