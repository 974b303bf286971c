"""`kiosk bench --smoke --json FILE`: every family of `kiosk bench` runs and writes one row per figure, every floor
really measured.

The figures themselves are printed, never asserted (they depend on the machine); what is asserted is the
shape IT's scripts read and that no floor is a made-up constant or missing. The smoke plan runs the same code as
--quick and the full run with fewer repetitions and one queue size (kiosk.bench.runner.SMOKE): about 90 s
instead of --quick's 3 minutes, which CI used to spend here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.bench.figures import FIELDS
from kiosk.bench.postgres import server_programs
from kiosk.bench.runner import FULL, SMOKE

SMOKE_TIMEOUT_S = 10 * 60  # about 90 s on two idle cores; CI machines are slower and shared
FAMILIES = (
    "cold start",
    "peak memory",
    "tap to next screen painted",
    "idle CPU",
    "effort of a typical",
    "memory growth",
    "durable submit",
    *(f"console at {size:,} requests" for size in SMOKE.queue_sizes),
    "kiosks x",
    "urgent request to desk banner painted, SQLite",
    "urgent request to desk banner painted, PostgreSQL",
    "submit to confirmation, server unreachable",
)


@pytest.mark.slow  # `kiosk bench --smoke` measures every figure: a minute and a half on two cores
def test_smoke_bench_writes_one_row_per_figure_each_with_a_measured_floor(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "bench", "--smoke", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT_S,
        cwd=tmp_path,
        check=False,
    )
    print(done.stdout)  # the figures, for CI's log (pytest -ra shows it on failure; -s always)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "targets met" in done.stdout and "(smoke run)" in done.stdout

    rows = json.loads(out.read_text(encoding="utf-8"))
    for family in FAMILIES:
        assert any(family in row["name"] for row in rows), f"no row for {family}"
    left_out = set(FULL.queue_sizes) - set(SMOKE.queue_sizes)  # the larger queues, named in no row
    assert not any(f"console at {size:,} requests" in row["name"] for row in rows for size in left_out)
    for row in rows:
        assert set(FIELDS) <= set(row), row
        assert isinstance(row["met"], bool) and isinstance(row["target"], str) and row["unit"]
        if "PostgreSQL" in row["name"] and row["value"] is None and not (server_programs() or os.environ.get("CI")):
            assert row["note"].startswith("not measured: "), row
            continue
        # Memory the kiosk gave back after the warm-up (it trims after each visit, and its pictures' drawings and
        # database pages are reused, not added to) reads below zero: a figure like any other, not a broken row.
        may_shrink = row["unit"] == "MiB" and row["name"].startswith("memory growth")
        assert row["value"] is not None and (may_shrink or row["value"] >= 0), row
        assert row["floor"] is not None and row["floor"] > 0, row  # measured in this run, never left out
        assert row["ratio"] == row["value"] / row["floor"], row
