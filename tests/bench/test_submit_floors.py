"""The durable-submit floors are what they say: the issue's plain WAL commit, and the kiosk's encrypted table."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.bench import submit
from kiosk.bench.workspace import Workspace
from kiosk.storage.database import SQLITE_HEADER

COUNT = 5


@pytest.fixture
def workspace() -> Iterator[Workspace]:
    made = Workspace.create()
    yield made
    made.remove()


def test_the_plain_floor_is_an_unencrypted_wal_file_with_one_row_per_commit(tmp_path: Path) -> None:
    path = tmp_path / "floor.sqlite3"

    times = submit.raw_commit_times(path, COUNT)

    assert len(times) == COUNT
    assert path.read_bytes().startswith(SQLITE_HEADER)
    with sqlite3.connect(path) as reader:
        assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert reader.execute("SELECT count(*) FROM floor").fetchone() == (COUNT,)


def test_the_encrypted_floor_has_the_kiosk_schema_and_no_readable_header(workspace: Workspace) -> None:
    schema = submit.request_table_schema(workspace)
    path = workspace.folder / "encrypted-floor.sqlite3"

    times = submit.raw_encrypted_insert_times(path, schema, COUNT)

    assert len(times) == COUNT
    assert any(statement.startswith("CREATE TABLE patient_requests") for statement in schema)
    kinds = [statement.split()[1] for statement in schema]  # TABLE, INDEX, UNIQUE (INDEX), TRIGGER
    assert "TRIGGER" in kinds  # the phone endings and the hand-off queue: part of a submit's cost
    assert kinds.index("TRIGGER") > max(n for n, kind in enumerate(kinds) if kind == "TABLE")  # tables first
    indexes = [statement for statement in schema if statement.startswith("CREATE INDEX")]
    assert {"ix_patient_requests_queue", "ix_patient_requests_phone_queue", "ix_patient_requests_open_queue"} <= {
        statement.split()[2] for statement in indexes
    }
    assert not path.read_bytes().startswith(SQLITE_HEADER)  # encrypted from page 1, as the kiosk's file is


def test_the_submit_family_reports_the_encrypted_floor_without_a_target(workspace: Workspace) -> None:
    median, p99, encrypted = submit.measure(workspace, COUNT)

    assert "median" in median.name and "p99" in p99.name
    assert encrypted.target == "reported (no target)" and encrypted.met
    assert encrypted.floor == median.floor  # beside the plain floor, not instead of it
