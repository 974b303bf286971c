"""Urgent request to desk banner painted: from a kiosk's commit, in another process, to the console's red banner.

A kiosk process stores urgent follow-ups one at a time (submit_request, as Send does) and says when each
committed; this process runs the real reception console, signed in, and notes when its banner is painted
showing that request's code. The floor is the same commits watched the barest way the database allows, at
the same cadence, with a plain label painted: SQLite's `PRAGMA data_version` asked every POLL_S on one raw
connection, or PostgreSQL's LISTEN on one psycopg connection. The gap between the two is the console's own cost.

The commit time is taken as COMMIT is sent (SQLAlchemy's commit event), the earliest moment a change can be
seen. time.monotonic is one clock for every process on the machine (CLOCK_MONOTONIC, QueryPerformanceCounter),
so a commit time taken in the kiosk process and a paint time taken here can be subtracted.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import random
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import event

from kiosk.qt import QEvent, QLabel, QObject, Signal

from kiosk.bench.figures import Figure, at_most, ms, percentile, skipped
from kiosk.bench.loop import Steps, run
from kiosk.bench.patients import Patients
from kiosk.bench.pg_server import ServerUnavailable, start_server
from kiosk.bench.workspace import Workspace
from kiosk.config.settings import DatabaseSettings, Settings, UrgentSettings
from kiosk.domain.forms import build_request
from kiosk.domain.red_flags import YES, red_flag_key
from kiosk.domain.reference import format_reference
from kiosk.domain.requests import RedFlag, RequestKind
from kiosk.domain.staff import Actor, Role
from kiosk.qt_filters import teardown_safe
from kiosk.services.requests import NEW_REQUEST_CHANNEL, submit_request
from kiosk.storage.database import Database
from kiosk.storage.keys import open_configured_database
from kiosk.storage.migrations import upgrade_to_head
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.urgent_watch import POLL_S
from kiosk.ui.console.window import ConsoleWindow

TARGET_S = {"sqlite": 2.0, "postgresql": 0.5}
PAUSE_S = (0.2, 0.8)  # between requests, at random, so commits fall at every point of the console's poll
START_TIMEOUT_S = 60.0
STOP = "stop"


def _urgent_request(patients: Patients, index: int) -> Any:
    answers = patients.answers(RequestKind.FOLLOW_UP)
    answers[red_flag_key(RedFlag.BLADDER_OR_BOWEL_CHANGES if index % 2 else RedFlag.FEVER)] = YES
    return build_request(RequestKind.FOLLOW_UP, answers, patients.context())


def kiosk_process(url: str, commands: multiprocessing.Queue[object], commits: multiprocessing.Queue[object]) -> None:
    """Store one urgent follow-up per command, as `kiosk run` does, and report (reference, commit time)."""
    database = open_configured_database(Settings(database=DatabaseSettings(url=url)), create_if_missing=False)
    patients = Patients(seed=16)
    # The commit moment is when COMMIT is sent, not when submit_request returns: PostgreSQL delivers the
    # NOTIFY as the commit lands, so a watcher here can paint before the kiosk process is scheduled again,
    # and a time taken afterwards would make the latency negative on a loaded machine.
    commit_sent: list[float] = []
    event.listen(database.engine, "commit", lambda _connection: commit_sent.append(time.monotonic()))
    try:
        commits.put("ready")
        while (command := commands.get(timeout=START_TIMEOUT_S)) != STOP:
            assert isinstance(command, int)
            commit_sent.clear()
            receipt = submit_request(database, _urgent_request(patients, command), "bench-kiosk")
            commits.put((receipt.reference, commit_sent[-1]))
    finally:
        database.close()


class _Kiosk:
    """The kiosk process, driven one request at a time."""

    def __init__(self, url: str) -> None:
        spawn = multiprocessing.get_context("spawn")  # a fresh interpreter, as the kiosk PC is
        self.commands: multiprocessing.Queue[object] = spawn.Queue()
        self.commits: multiprocessing.Queue[object] = spawn.Queue()
        self.process = spawn.Process(target=kiosk_process, args=(url, self.commands, self.commits), name="kiosk")
        self.process.start()
        if self.commits.get(timeout=START_TIMEOUT_S) != "ready":
            raise RuntimeError("the kiosk process did not start")

    def send(self, index: int) -> None:
        self.commands.put(index)

    def committed(self) -> tuple[str, float] | None:
        try:
            said = self.commits.get_nowait()
        except queue.Empty:
            return None
        assert isinstance(said, tuple)
        return str(said[0]), float(said[1])

    def close(self) -> None:
        self.commands.put(STOP)
        self.process.join(30)
        if self.process.is_alive():
            self.process.kill()


class _PaintedWith(QObject):
    """Every text `label` was painted showing, with when it was first painted so (a paint may come before the
    kiosk's message about its commit arrives here, so nothing is missed by asking afterwards)."""

    def __init__(self, label: QLabel) -> None:
        super().__init__(label)
        self.label = label
        self.paints: dict[str, float] = {}
        label.installEventFilter(self)

    def first_showing(self, text: str) -> float | None:
        times = [at for shown, at in self.paints.items() if text in shown]
        return min(times) if times else None

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and self.label.isVisible():
            self.paints.setdefault(self.label.text(), time.monotonic())
        return False


def _committed(kiosk: _Kiosk, into: list[tuple[str, float]]) -> Callable[[], bool]:
    def arrived() -> bool:
        found = kiosk.committed()
        if found is not None:
            into.append(found)
        return bool(into)

    return arrived


def _measure(kiosk: _Kiosk, painted: _PaintedWith, count: int, shown_as: Callable[[str], str]) -> list[float]:
    """Send, wait for the commit, wait for the paint, pause at random; `count` times, from the event loop."""
    rng = random.Random(16)
    latencies: list[float] = []

    def steps() -> Steps:
        for index in range(count):
            kiosk.send(index)
            commit: list[tuple[str, float]] = []
            yield _committed(kiosk, commit)
            reference, committed_at = commit[0]
            text = shown_as(reference)
            yield partial(_painted, painted, text)
            painted_at = painted.first_showing(text)
            assert painted_at is not None
            latencies.append(painted_at - committed_at)
            resume_at = time.monotonic() + rng.uniform(*PAUSE_S)
            yield partial(_passed, resume_at)

    run(steps())
    return latencies


def _painted(painted: _PaintedWith, text: str) -> bool:
    return painted.first_showing(text) is not None


def _passed(moment: float) -> bool:
    return time.monotonic() >= moment


# -- the real console ------------------------------------------------------------------------------------------------


def _console_latencies(database: Database, url: str, count: int) -> list[float]:
    # No chime: the bench makes no sound; the banner, watcher and queue are the console's own.
    settings = Settings(urgent=UrgentSettings(chime=False))
    window = ConsoleWindow(ConsoleContext(database, settings, "bench-desk"))
    window.resize(1366, 768)
    window.show()
    window.start_session(Actor("bench", Role.RECEPTION, "bench-desk", "Bench"))
    kiosk = _Kiosk(url)
    try:
        return _measure(kiosk, _PaintedWith(window.urgent.message), count, format_reference)
    finally:
        kiosk.close()
        window.close()
        window.deleteLater()


# -- the floor: the same commits, watched the barest way ---------------------------------------------------------


class _Changed(QObject):
    seen = Signal()  # emitted on the watching thread, delivered on the GUI thread


def _bare_watch(url: str, stop: threading.Event, changed: _Changed) -> None:
    database = open_configured_database(Settings(database=DatabaseSettings(url=url)), create_if_missing=False)
    try:
        if database.engine.dialect.name == "postgresql":
            import psycopg

            arguments, options = database.engine.dialect.create_connect_args(database.engine.url)
            with psycopg.connect(*arguments, **options, autocommit=True) as listener:
                listener.execute(f"LISTEN {NEW_REQUEST_CHANNEL}")
                while not stop.is_set():
                    for _ in listener.notifies(timeout=0.1, stop_after=1):
                        changed.seen.emit()
            return
        connection = database.engine.raw_connection()
        try:
            last = None
            while not stop.is_set():
                cursor = connection.cursor()
                cursor.execute("PRAGMA data_version")
                row = cursor.fetchone()
                cursor.close()
                version = row[0] if row else None
                if last is not None and version != last:
                    changed.seen.emit()
                last = version
                stop.wait(POLL_S)
        finally:
            connection.close()
    finally:
        database.close()


def _floor_latencies(url: str, count: int) -> list[float]:
    label = QLabel("")
    label.resize(1366, 60)
    label.show()
    changes = [0]
    changed = _Changed()

    def show_change() -> None:
        changes[0] += 1
        label.setText(f"change {changes[0]}")

    changed.seen.connect(show_change)
    stop = threading.Event()
    watcher = threading.Thread(target=_bare_watch, args=(url, stop, changed), name="bare-watch", daemon=True)
    watcher.start()
    kiosk = _Kiosk(url)
    try:
        # Each commit is the next change the bare watcher sees.
        sent = [0]

        def next_change(_reference: str) -> str:
            sent[0] += 1
            return f"change {sent[0]}"

        return _measure(kiosk, _PaintedWith(label), count, next_change)
    finally:
        kiosk.close()
        stop.set()
        watcher.join(5)
        label.close()
        label.deleteLater()


def _figures(backend: str, values: list[float], floor: list[float], floor_words: str) -> list[Figure]:
    name = f"urgent request to desk banner painted, {backend}"
    target = TARGET_S["postgresql" if backend == "PostgreSQL" else "sqlite"]
    note = f"{len(values)} requests from another process; floor: {floor_words}"
    return [
        at_most(f"{name}: p50", ms(percentile(values, 0.5)), ms(percentile(floor, 0.5)), "ms", target * 1000, note),
        at_most(f"{name}: p99", ms(percentile(values, 0.99)), ms(percentile(floor, 0.99)), "ms", target * 1000, note),
    ]


def _measure_url(url: str, count: int, database: Database, backend: str, floor_words: str) -> list[Figure]:
    values = _console_latencies(database, url, count)
    floor = _floor_latencies(url, count)
    return _figures(backend, values, floor, floor_words)


def measure_sqlite(workspace: Workspace, count: int) -> list[Figure]:
    settings_file = workspace.settings_file("urgent")
    database = workspace.open(settings_file)
    url = f"sqlite:///{(workspace.folder / 'urgent.sqlite3').as_posix()}"
    try:
        return _measure_url(url, count, database, "SQLite", f"PRAGMA data_version every {POLL_S:g} s, a bare label")
    finally:
        database.close()


def measure_postgresql(count: int) -> list[Figure]:
    try:
        server = start_server(create_owner=False)
    except ServerUnavailable as exc:
        reason = str(exc).splitlines()[0]
        name = "urgent request to desk banner painted, PostgreSQL"
        return [skipped(f"{name}: p50", "ms", "<= 500 ms", reason), skipped(f"{name}: p99", "ms", "<= 500 ms", reason)]
    try:
        url = server.url(server.new_database())
        database = Database.open(url)
        try:
            upgrade_to_head(database.engine)
            return _measure_url(url, count, database, "PostgreSQL", "LISTEN on one psycopg connection, a bare label")
        finally:
            database.close()
    finally:
        with contextlib.suppress(ServerUnavailable, subprocess.SubprocessError):
            server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


__all__ = ["measure_postgresql", "measure_sqlite"]
