"""`kiosk bench --soak` at a tiny scale: the curve, the verdicts and the plot IT reads; and the verdicts' rules.

The figures are the machine's; what is asserted is that every figure is read at every sample, judged from the
end of the warm-up, and drawn.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.qt import QImage

from kiosk.bench.pg_server import server_programs
from kiosk.bench.soak import COUNTS, LOG_FILES_KEPT, LOG_MAX_KB, verdicts
from kiosk.ops.heap import c_heap

SAMPLE_KEYS = {
    "taps",
    "visits",
    "seconds",
    "rss_kib",
    "heap_kib",
    "qobjects",
    "wrappers",
    "dead_wrappers",
    "fds",
    "threads",
    "qtimers",
    "db_connections",
    "db_checked_out",
    "log_kib",
    "stored",
    "server_connections",
    "through_outbox",
    "malloc_in_use_kib",
    "malloc_free_kib",
    "sqlite_kept",
    "sqlite_kept_bound",
}


def sample(taps: int, **values: float) -> dict[str, float]:
    flat = dict.fromkeys(SAMPLE_KEYS, 10.0)
    flat.update(taps=taps, rss_kib=200_000, heap_kib=7_000, log_kib=10, visits=taps // 10, stored=taps // 10)
    flat.update(sqlite_kept=0, sqlite_kept_bound=0)
    flat.update(values)
    return flat


def test_growth_is_judged_from_the_end_of_the_warm_up_not_the_start() -> None:
    # The first reading is before Qt's first-use caches fill; the warm-up ends at a tenth of the taps.
    samples = [sample(1, rss_kib=150_000, qobjects=900), sample(100, qobjects=1000), sample(1000, rss_kib=209_000)]
    rows = {row.name: row for row in verdicts(samples, 1000)}
    assert rows["resident memory"].met  # +8.8 MiB after the warm-up
    assert rows["live QObjects"].met  # 1,000 -> 10: fewer is no leak
    grown = verdicts([*samples[:2], sample(1000, rss_kib=211_000, fds=11)], 1000)
    failed = {row.name for row in grown if not row.met}
    assert failed == {"resident memory", "open file descriptors (less SQLite's kept)"}


def test_a_descriptor_sqlite_keeps_for_reuse_is_judged_against_its_bound_not_as_a_leak() -> None:
    def rows(*kept_and_bound: tuple[int, int]) -> dict[str, bool]:
        samples = [sample(1), sample(100)]
        for kept, bound in kept_and_bound:
            samples.append(sample(1000, fds=10 + kept, sqlite_kept=kept, sqlite_kept_bound=bound))
        return {row.name: row.met for row in verdicts(samples, 1000)}

    # Two of the kiosk's threads met at the database once: one more handle on its file, within the bound.
    assert rows((1, 1)) == {**rows((0, 0)), "open file descriptors (less SQLite's kept)": True}
    assert rows((1, 1))["SQLite handles kept for reuse"]
    assert not rows((2, 1))["SQLite handles kept for reuse"]  # more kept than connections ever open at once


def test_a_count_that_swings_is_flat_and_one_that_steps_up_and_stays_is_not() -> None:
    # Twenty readings, the warm-up at the third (taps >= 1,000 of 10,000): the tenths are two readings each.
    def run(counts: list[int]) -> bool:
        samples = [sample(1 + 500 * index, qobjects=count) for index, count in enumerate(counts)]
        return {row.name: row.met for row in verdicts(samples, 10_000)}["live QObjects"]

    swinging = [900, 1000, 1160, 1184, 1151, 1178, 1160, 1161, 1156, 1180] * 2
    assert run(swinging)  # ends at 1,180, above the warm-up's 1,160, but came back to 1,156 in the last tenth
    stepped = [900, 1000, 1160, 1161, 1160, 1161, 1160, 1161, 1160, 1161] + [1162] * 10  # one more for good
    assert not run(stepped)
    leaking = [900, 1000, *range(1160, 1178)]
    assert not run(leaking)


def test_a_request_lost_or_stored_twice_at_any_reading_fails_the_stored_figure() -> None:
    samples = [sample(1), sample(100), sample(1000)]
    assert all(row.met for row in verdicts(samples, 1000) if row.name.startswith("requests stored"))
    for stored in (9, 11):  # one lost, one twice, in the middle of the run: judged at every reading
        rows = verdicts([sample(1), sample(100, stored=stored), sample(1000)], 1000)
        assert [row.met for row in rows if row.name.startswith("requests stored")] == [False]


def test_the_log_folder_is_judged_by_its_largest_reading_against_its_configured_bound() -> None:
    cap = LOG_MAX_KB * (LOG_FILES_KEPT + 1)
    rows = verdicts([sample(1), sample(100, log_kib=cap + 1), sample(1000)], 1000)
    assert [row.met for row in rows if row.name.startswith("log folder")] == [False]


@pytest.mark.slow  # a real kiosk through 40 taps and 4 visits with a reading every 20 taps: a minute or two
def test_a_tiny_soak_prints_the_curve_and_a_verdict_per_figure_and_draws_the_plot(tmp_path: Path) -> None:
    plot, out = tmp_path / "soak.png", tmp_path / "soak.json"
    command = [sys.executable, "-m", "kiosk", "bench", "--soak", "--taps", "40", "--visits", "4"]
    done = subprocess.run(
        [*command, "--sample-every", "20", "--plot", str(plot), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    print(done.stdout)
    for label in ("resident memory", "Python heap (tracemalloc)", *(label for _key, label in COUNTS), "log folder"):
        assert label in done.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [s["taps"] for s in report["samples"]] == [1, 21, 41]  # after a first visit, then every 20 taps
    assert all(set(s) == SAMPLE_KEYS for s in report["samples"])
    assert report["samples"][-1]["visits"] == 5
    assert all(s["qobjects"] > 0 and s["wrappers"] > 0 and s["fds"] > 0 for s in report["samples"])
    if c_heap() is not None:  # glibc: malloc's in-use memory read beside the resident figure, and in its table
        assert all(s["malloc_in_use_kib"] > 0 and s["malloc_free_kib"] >= 0 for s in report["samples"])
        assert "malloc MiB" in done.stdout
    assert report["samples"][-1]["log_kib"] > 0  # the install logs at "info": visits ending are written
    image = QImage(str(plot))
    assert not image.isNull() and image.width() >= 1000


def _soak(tmp_path: Path, *options: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    out = tmp_path / "soak.json"
    command = [sys.executable, "-m", "kiosk", "bench", "--soak", *options]
    done = subprocess.run(
        [*command, "--plot", str(tmp_path / "soak.png"), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return done, report


@pytest.mark.slow  # a throw-away PostgreSQL server, restarted once, and a real kiosk through 10 taps and 3 visits
def test_on_postgresql_the_visits_sent_while_the_server_restarts_reach_it_once_and_no_session_is_left(
    tmp_path: Path,
) -> None:
    if not server_programs():
        pytest.skip("PostgreSQL's server programs are not installed")
    done, report = _soak(tmp_path, "--postgres", "--taps", "10", "--visits", "3", "--sample-every", "10")
    print(done.stdout)
    first, last = report["samples"]
    # The first round restarts the server: two patients send while it is down, and are confirmed from the outbox.
    assert (first["through_outbox"], last["through_outbox"]) == (0, 2)
    # Every visit, those two included, is on the server once, after the outbox forwarded them.
    assert [(s["visits"], s["stored"]) for s in report["samples"]] == [(1, 1), (4, 4)]
    # The restart cut the kiosk's session; the pool and the server count one again, not one more.
    assert first["server_connections"] >= 1
    assert last["server_connections"] <= first["server_connections"]
    assert last["db_connections"] <= first["db_connections"] and last["db_checked_out"] == 0
    met = {row["name"]: row["met"] for row in report["verdicts"]}
    assert met["requests stored (one per visit)"] and met["server sessions (PostgreSQL)"]
