"""`kiosk bench --quick --json FILE` as CI runs it: one row per figure, every floor really measured.

The figures themselves are printed, never asserted (they depend on the machine); what is asserted is the
shape IT's scripts read and that no floor is a made-up constant or missing.
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

QUICK_TIMEOUT_S = 15 * 60  # about 3-4 minutes on two idle cores; CI machines are slower and shared
FAMILIES = (
    "cold start",
    "peak memory",
    "tap to next screen painted",
    "idle CPU",
    "memory growth",
    "durable submit",
    "console at 10,000 requests",
    "console at 100,000 requests",
    "kiosks x",
    "urgent request to desk banner painted, SQLite",
    "urgent request to desk banner painted, PostgreSQL",
)


@pytest.mark.slow  # the bench smoke run: `kiosk bench --quick` measures every figure, minutes on two cores
def test_quick_bench_writes_one_row_per_figure_each_with_a_measured_floor(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "bench", "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=QUICK_TIMEOUT_S,
        cwd=tmp_path,
        check=False,
    )
    print(done.stdout)  # the figures, for CI's log (pytest -ra shows it on failure; -s always)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "targets met" in done.stdout

    rows = json.loads(out.read_text(encoding="utf-8"))
    for family in FAMILIES:
        assert any(family in row["name"] for row in rows), f"no row for {family}"
    assert not any("1,000,000" in row["name"] for row in rows)  # --quick leaves out the million (and says so)
    for row in rows:
        assert set(FIELDS) <= set(row), row
        assert isinstance(row["met"], bool) and isinstance(row["target"], str) and row["unit"]
        if "PostgreSQL" in row["name"] and row["value"] is None and not (server_programs() or os.environ.get("CI")):
            assert row["note"].startswith("not measured: "), row
            continue
        assert row["value"] is not None and row["value"] >= 0, row
        assert row["floor"] is not None and row["floor"] > 0, row  # measured in this run, never left out
        assert row["ratio"] == row["value"] / row["floor"], row
