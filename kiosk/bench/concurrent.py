"""Several kiosks submitting to one database at once while reception reads the queue, each its own process.

Each kiosk opens the database the way `kiosk run` does (open_configured_database: the encrypted SQLite
file with its key file beside it, or the PostgreSQL server), so locks, fsyncs and connections are real.
A reader process reads the queue as the console does. Used by `kiosk bench` and by
tests/services/test_concurrency.py, which asserts that nothing is lost or doubled.
"""

from __future__ import annotations

import multiprocessing
import queue
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from typing import Any

from kiosk.bench.figures import Figure, ms, percentile
from kiosk.bench.patients import Patients
from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.services.queue import QueueFilter, count_requests, fetch_rows
from kiosk.services.requests import SubmitFailed, submit_request
from kiosk.storage.database import BUSY_TIMEOUT_MS, Database
from kiosk.storage.keys import open_configured_database

KIOSKS = 8
START_TIMEOUT_S = 60
READY = "ready"


@dataclass
class KioskResult:
    stored: list[tuple[str, str]] = field(default_factory=list)  # (request id, reference) as each receipt said
    latencies: list[float] = field(default_factory=list)  # seconds per submit
    errors: list[str] = field(default_factory=list)  # SubmitFailed reasons: what a patient would have seen


@dataclass
class ReaderResult:
    reads: int = 0
    errors: list[str] = field(default_factory=list)
    largest_count: int = 0


@dataclass
class RunResult:
    kiosks: list[KioskResult]
    reader: ReaderResult | None
    seconds: float

    @property
    def errors(self) -> list[str]:
        return [reason for result in self.kiosks for reason in result.errors]

    @property
    def latencies(self) -> list[float]:
        return [seconds for result in self.kiosks for seconds in result.latencies]

    @property
    def stored(self) -> list[tuple[str, str]]:
        return [pair for result in self.kiosks for pair in result.stored]


def _open(url: str, results: multiprocessing.Queue[object]) -> Database:
    """As `kiosk run` opens the configured database (for SQLite the key file lies beside the file), then says ready."""
    database = open_configured_database(Settings(database=DatabaseSettings(url=url)), create_if_missing=False)
    count_requests(database, QueueFilter())  # connected and warm before the clock starts
    results.put(READY)
    return database


def kiosk_process(url: str, number: int, count: int, go: Event, results: multiprocessing.Queue[object]) -> None:
    result = KioskResult()
    database = _open(url, results)
    patients = Patients(seed=number)
    try:
        go.wait(START_TIMEOUT_S)
        for index in range(count):
            request = patients.request(index)
            started = time.perf_counter()
            try:
                receipt = submit_request(database, request, f"kiosk-{number}")
            except SubmitFailed as failure:
                result.errors.append(failure.reason)
                continue
            finally:
                result.latencies.append(time.perf_counter() - started)
            result.stored.append((str(request.request_id), receipt.reference))
    finally:
        database.close()
    results.put(result)


def raw_process(target: str, number: int, count: int, go: Event, results: multiprocessing.Queue[object]) -> None:
    """The floor: as many one-row commits straight through the driver, on a plain sqlite3 file (WAL,
    synchronous=FULL) or, for a `postgresql://` target, with psycopg on the same server."""
    result = KioskResult()
    connection = _raw_connection(target)
    results.put(READY)
    try:
        go.wait(START_TIMEOUT_S)
        for _ in range(count):
            started = time.perf_counter()
            try:
                connection.execute(
                    "INSERT INTO floor VALUES (%s, %s)" if _is_server(target) else "INSERT INTO floor VALUES (?, ?)",
                    (str(uuid.uuid4()), f"kiosk-{number}"),
                )
                connection.commit()
            except Exception as exc:  # the driver's own error classes differ; the name is what counts
                result.errors.append(type(exc).__name__)
                connection.rollback()
            finally:
                result.latencies.append(time.perf_counter() - started)
    finally:
        connection.close()
    results.put(result)


def _is_server(target: str) -> bool:
    return target.startswith("postgresql://")


def _raw_connection(target: str) -> Any:
    if _is_server(target):
        import psycopg

        return psycopg.connect(target)
    connection = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level="IMMEDIATE")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


def raw_floor_table(target: str) -> str:
    """Make the floor's table (and for SQLite the file, in WAL mode); returns the target for raw_process."""
    connection = _raw_connection(target)
    try:
        if not _is_server(target):
            connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE IF NOT EXISTS floor (id TEXT PRIMARY KEY, kiosk TEXT)")
        connection.commit()
    finally:
        connection.close()
    return target


def reader_process(url: str, go: Event, stop: Event, results: multiprocessing.Queue[object]) -> None:
    result = ReaderResult()
    database = _open(url, results)
    try:
        go.wait(START_TIMEOUT_S)
        while not stop.is_set():
            try:
                rows = fetch_rows(database, QueueFilter(), None, 50)
                total = count_requests(database, QueueFilter())
            except Exception as exc:  # anything at all that would reach reception's screen
                result.errors.append(type(exc).__name__)
                continue
            if len(rows) > 50:
                result.errors.append("more rows than asked for")
            result.largest_count = max(result.largest_count, total)
            result.reads += 1
    finally:
        database.close()
    results.put(result)


class ChildFailed(Exception):  # noqa: N818 (says what happened)
    """A kiosk or reader process stopped without reporting, or the run took too long."""


def _next_result(
    results: multiprocessing.Queue[object], processes: list[BaseProcess], started: float, limit_s: float
) -> object:
    """The next report, failing at once (not after the time limit) when a child died without one."""
    while time.perf_counter() - started < limit_s:
        try:
            return results.get(timeout=1)
        except queue.Empty:
            dead = [process.name for process in processes if process.exitcode not in (None, 0)]
            if dead:
                raise ChildFailed(f"{', '.join(dead)} stopped with an error (see its output above)") from None
    raise ChildFailed(f"no result within {limit_s:.0f} s")


def run(
    url: str, count: int, *, kiosks: int = KIOSKS, reader: bool = True, raw: bool = False, limit_s: float = 600
) -> RunResult:
    """`kiosks` processes each submitting `count` requests to `url` (a plain sqlite3 file path with raw=True)."""
    spawn = multiprocessing.get_context("spawn")  # fresh interpreters, as separate kiosk PCs are
    go, stop = spawn.Event(), spawn.Event()
    results: multiprocessing.Queue[object] = spawn.Queue()
    target = raw_process if raw else kiosk_process
    processes: list[BaseProcess] = [
        spawn.Process(target=target, args=(url, number, count, go, results), name=f"kiosk-{number}")
        for number in range(kiosks)
    ]
    if reader:
        processes.append(spawn.Process(target=reader_process, args=(url, go, stop, results), name="console"))
    for process in processes:
        process.start()
    kiosk_results: list[KioskResult] = []
    reader_results: list[ReaderResult] = []
    try:
        started = time.perf_counter()
        for _ in processes:  # every child imported and connected: start-up is not part of the timing
            if _next_result(results, processes, started, limit_s) != READY:
                raise ChildFailed("a child reported before it was ready")
        started = time.perf_counter()
        go.set()
        while len(kiosk_results) < kiosks:
            result = _next_result(results, processes, started, limit_s)
            if isinstance(result, KioskResult):
                kiosk_results.append(result)
            elif isinstance(result, ReaderResult):
                reader_results.append(result)
        seconds = time.perf_counter() - started
        stop.set()
        while reader and not reader_results:
            result = _next_result(results, processes, started, limit_s)
            if isinstance(result, ReaderResult):
                reader_results.append(result)
    finally:
        stop.set()
        go.set()
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.kill()
    return RunResult(kiosk_results, reader_results[0] if reader_results else None, seconds)


def figure(backend: str, count: int, kiosks: RunResult, floor: RunResult, floor_words: str) -> Figure:
    errors = kiosks.errors + (kiosks.reader.errors if kiosks.reader else [])
    stored = len(kiosks.stored)
    reads = kiosks.reader.reads if kiosks.reader else 0
    note = (
        f"{len(errors)} errors, {stored:,} stored in {kiosks.seconds:.1f} s, the console read the queue {reads} times; "
        f"floor: {KIOSKS} processes of {floor_words}, {len(floor.errors)} errors"
    )
    return Figure(
        f"{KIOSKS} kiosks x {count:,} submits, one {backend}: p99",
        ms(percentile(kiosks.latencies, 0.99)),
        "ms",
        ms(percentile(floor.latencies, 0.99)),
        "zero errors; p99 reported",
        met=not errors and stored == KIOSKS * count,
        note=note,
    )
