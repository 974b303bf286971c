"""A bench row: its ratio, whether its target is met, and the JSON fields IT's scripts read."""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.bench.figures import FIELDS, Figure, at_most, at_most_times, percentile, skipped, table, write_json


def test_a_multiple_of_the_floor_is_met_up_to_that_multiple() -> None:
    assert at_most_times("start", 500, 250, "ms", 2).met
    missed = at_most_times("start", 501, 250, "ms", 2)
    assert not missed.met and missed.target == "<= 2x floor" and abs(missed.ratio - 2.004) < 1e-9  # type: ignore[operator]


def test_a_fixed_limit_ignores_the_floor_but_still_shows_the_ratio() -> None:
    figure = at_most("tap", 12, 1, "ms", 16)
    assert figure.met and figure.ratio == 12 and figure.target == "<= 16 ms"


def test_a_figure_not_measured_has_no_value_no_ratio_and_says_why() -> None:
    figure = skipped("8 kiosks, PostgreSQL", "ms", "zero errors", "initdb is not installed")
    assert (figure.value, figure.floor, figure.ratio, figure.met) == (None, None, None, False)
    assert "initdb is not installed" in table([figure])


def test_json_has_every_field_for_every_row(tmp_path: Path) -> None:
    rows_fetched = Figure("rows", 400, "rows", 18, "<= 800 rows", True, "floor: rows shown")
    figures = [at_most("tap", 12, 1, "ms", 16), rows_fetched]
    write_json(figures, tmp_path / "bench.json")
    rows = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert [set(FIELDS) <= set(row) for row in rows] == [True, True]
    assert rows[1] == {
        "name": "rows",
        "value": 400,
        "unit": "rows",
        "floor": 18,
        "ratio": 400 / 18,
        "target": "<= 800 rows",
        "met": True,
        "note": "floor: rows shown",
    }


def test_p99_is_the_nearest_rank() -> None:
    assert percentile(list(range(1, 101)), 0.99) == 100
    assert percentile([5.0], 0.99) == 5.0
