"""Durable submit: validate, store and commit one request on the encrypted SQLite file, against a raw commit."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import sqlcipher3

from kiosk.bench.figures import Figure, at_most, at_most_times, median, ms, percentile, reported
from kiosk.bench.patients import Patients
from kiosk.bench.workspace import Workspace
from kiosk.domain.forms import build_request
from kiosk.domain.requests import RequestKind
from kiosk.services.request_rows import record_values
from kiosk.services.requests import submit_request
from kiosk.storage.database import KEY_BYTES, apply_key

MEDIAN_TIMES_FLOOR = 3
P99_LIMIT_MS = 10


def raw_commit_times(path: Path, count: int) -> list[float]:
    """Seconds per one-row transaction with the standard library's sqlite3: WAL, synchronous=FULL, no encryption."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("CREATE TABLE IF NOT EXISTS floor (id TEXT PRIMARY KEY, created REAL, answers TEXT)")
        answers = json.dumps(Patients().answers(RequestKind.FOLLOW_UP), default=sorted)  # a request's size of text
        times = []
        for _ in range(count):
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO floor VALUES (?, ?, ?)", (str(uuid.uuid4()), time.time(), answers))
            connection.execute("COMMIT")
            times.append(time.perf_counter() - started)
        return times
    finally:
        connection.close()


def _as_sqlite(value: Any) -> Any:
    # What SQLAlchemy's SQLite types store: ISO text for times and dates, JSON text for lists and objects.
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat(" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def _request_rows(count: int) -> list[dict[str, Any]]:
    patients = Patients(seed=2)
    now = dt.datetime.now(dt.UTC)
    return [
        {
            key: _as_sqlite(value)
            for key, value in record_values(
                patients.request(index), reference=uuid.uuid4().hex[:12], workstation="bench", created_at=now
            ).items()
        }
        for index in range(count)
    ]


def request_table_schema(workspace: Workspace) -> list[str]:
    """The kiosk's schema as the migrations made it: every table, then the indexes, then the triggers (the phone
    endings and the hand-off queue are kept by triggers on `patient_requests`, part of a submit's cost)."""
    database = workspace.open(workspace.settings_file("submit"))
    try:
        with database.engine.connect() as connection:
            found = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
                " ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid"
            )
            return [str(row[0]) for row in found]
    finally:
        database.close()


def raw_encrypted_insert_times(path: Path, schema: list[str], count: int) -> list[float]:
    """Seconds per one-row transaction with sqlcipher3 itself: the kiosk's encryption, table and indexes, no Python
    layers; WAL and synchronous=FULL as the floor. Shows how much of the kiosk's figure the file format costs."""
    connection = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        apply_key(connection, os.urandom(KEY_BYTES))
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        for statement in schema:
            connection.execute(statement)
        rows = _request_rows(count)  # made before timing: the floor times the database only
        columns = list(rows[0])
        insert = f"INSERT INTO patient_requests ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
        times = []
        for row in rows:
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(insert, row)
            connection.execute("COMMIT")
            times.append(time.perf_counter() - started)
        return times
    finally:
        connection.close()


def submit_times(workspace: Workspace, count: int) -> list[float]:
    """Seconds per Submit as the form does it: raw answers checked and built into a request, stored, committed."""
    database = workspace.open(workspace.settings_file("submit"))
    patients = Patients(seed=1)
    try:
        times = []
        for index in range(count):
            kind = RequestKind.FOLLOW_UP if index % 2 else RequestKind.APPOINTMENT
            answers = patients.answers(kind)
            started = time.perf_counter()
            request = build_request(kind, answers, patients.context())
            submit_request(database, request, "bench")
            times.append(time.perf_counter() - started)
        return times
    finally:
        database.close()


def measure(workspace: Workspace, count: int) -> list[Figure]:
    floor = raw_commit_times(workspace.folder / "raw-floor.sqlite3", count)
    encrypted = raw_encrypted_insert_times(
        workspace.folder / "raw-encrypted.sqlite3", request_table_schema(workspace), count
    )
    kiosk = submit_times(workspace, count)
    name = f"durable submit, encrypted SQLite ({count:,} submits)"
    return [
        at_most_times(f"{name}: median", ms(median(kiosk)), ms(median(floor)), "ms", MEDIAN_TIMES_FLOOR),
        at_most(f"{name}: p99", ms(percentile(kiosk, 0.99)), ms(percentile(floor, 0.99)), "ms", P99_LIMIT_MS),
        reported(
            f"{name}: its floor with encryption and indexes, median",
            ms(median(encrypted)),
            ms(median(floor)),
            "ms",
            note=(
                "a raw sqlcipher3 insert into the kiosk's encrypted table with its indexes and triggers, no validation "
                f"or Python layers (p99 {ms(percentile(encrypted, 0.99)):.1f} ms): the share of the kiosk's median "
                "that is encryption and schema, beside the issue's plain floor"
            ),
        ),
    ]
