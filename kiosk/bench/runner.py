"""Every figure family in turn, with the sizes of a full run or a quick one (CI), into one list of rows."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.bench import concurrent, console, effort, interaction, offline_submit, postgres, startup, submit, urgent
from kiosk.bench.figures import Figure, skipped
from kiosk.bench.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    start_runs: int
    idle_seconds: float
    taps: int
    navigations: int
    submissions: int
    submits: int
    queue_sizes: tuple[int, ...]
    queue_repeats: int
    concurrent_submits: int
    urgent_requests: int
    offline_submits: int  # each waits out the server's share of the promise (about 2 s) while the link is cut


FULL = Plan(10, 60, 1000, 10_000, 1000, 1000, (10_000, 100_000, 1_000_000), 5, 1000, 100, 50)
# About three minutes on two cores: fewer of everything, and no million-row queue (the row names say so).
QUICK = Plan(3, 10, 300, 1000, 50, 300, (10_000, 100_000), 3, 100, 20, 10)
# About a minute and a half: every family once with the least that still gives its figure and floor (one start,
# 2 s idle, the 10,000 queue only, a few urgent and offline submits), to show the bench works (the test suite's
# smoke test). Its figures are rough: a 2 s idle or five urgent requests can miss a target that QUICK meets.
SMOKE = Plan(1, 2, 100, 200, 10, 100, (10_000,), 1, 20, 5, 2)
PLANS = {"full": FULL, "quick": QUICK, "smoke": SMOKE}


def _family(name: str, unit: str, measure: Callable[[], list[Figure]], say: Callable[[str], None]) -> list[Figure]:
    say(f"measuring {name} ...")
    started = time.perf_counter()
    try:
        figures = measure()
    except Exception as exc:  # one family failing must not hide the others' figures
        log.exception("bench: %s failed", name)
        return [skipped(name, unit, "-", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")]
    say(f"  done in {time.perf_counter() - started:.0f} s")
    return figures


def _concurrency(workspace: Workspace, count: int) -> list[Figure]:
    workspace.settings_file("concurrent")
    url = f"sqlite:///{(workspace.folder / 'concurrent.sqlite3').as_posix()}"
    kiosks = concurrent.run(url, count)
    raw = concurrent.raw_floor_table(str(workspace.folder / "floor.sqlite3"))
    floor = concurrent.run(raw, count, reader=False, raw=True)
    return [concurrent.figure("SQLite file", count, kiosks, floor, "raw sqlite3 commits (WAL, synchronous=FULL)")]


def run(plan: Plan, say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)) -> list[Figure]:
    # Off-screen and without the OS keyring in this process and every child: the bench never touches
    # the clinic's screen, keyring, settings or database; all it makes lives in one temporary folder.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    from kiosk.ui.app import application

    application()
    workspace = Workspace.create()
    try:
        return [
            *_family(
                "cold start and peak memory", "ms", lambda: startup.measure_start(workspace, plan.start_runs), say
            ),
            *_family("idle CPU", "% of a core", lambda: startup.measure_idle(workspace, plan.idle_seconds), say),
            *_family("request effort", "taps", lambda: effort.measure(workspace), say),
            *_family("tap to paint", "ms", lambda: interaction.measure_taps(workspace, plan.taps), say),
            *_family(
                "memory growth",
                "MiB",
                lambda: interaction.measure_growth(workspace, plan.navigations, plan.submissions),
                say,
            ),
            *_family("durable submit", "ms", lambda: submit.measure(workspace, plan.submits), say),
            *_family(
                "console queue", "ms", lambda: console.measure(workspace, plan.queue_sizes, plan.queue_repeats), say
            ),
            *_family("8 kiosks, SQLite", "ms", lambda: _concurrency(workspace, plan.concurrent_submits), say),
            *_family("8 kiosks, PostgreSQL", "ms", lambda: postgres.measure(workspace, plan.concurrent_submits), say),
            *_family("urgent alarm, SQLite", "ms", lambda: urgent.measure_sqlite(workspace, plan.urgent_requests), say),
            *_family("urgent alarm, PostgreSQL", "ms", lambda: urgent.measure_postgresql(plan.urgent_requests), say),
            *_family(
                "submit, server unreachable",
                "ms",
                lambda: offline_submit.measure(workspace, plan.offline_submits),
                say,
            ),
        ]
    finally:
        workspace.remove()
