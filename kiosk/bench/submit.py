"""Durable submit: validate, store and commit one request on the encrypted SQLite file, against a raw commit."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from pathlib import Path

from kiosk.bench.figures import Figure, at_most, at_most_times, median, ms, percentile
from kiosk.bench.patients import Patients
from kiosk.bench.workspace import Workspace
from kiosk.domain.forms import build_request
from kiosk.domain.requests import RequestKind
from kiosk.services.requests import submit_request

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
    kiosk = submit_times(workspace, count)
    name = f"durable submit, encrypted SQLite ({count:,} submits)"
    return [
        at_most_times(f"{name}: median", ms(median(kiosk)), ms(median(floor)), "ms", MEDIAN_TIMES_FLOOR),
        at_most(f"{name}: p99", ms(percentile(kiosk, 0.99)), ms(percentile(floor, 0.99)), "ms", P99_LIMIT_MS),
    ]
