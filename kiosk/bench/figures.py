"""One row of the bench table: a figure, its floor from the same run, their ratio and whether the target is met."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

FIELDS = ("name", "value", "unit", "floor", "ratio", "target", "met")


@dataclass(frozen=True)
class Figure:
    """`value` and `floor` are None when the figure could not be measured here; `note` says why."""

    name: str
    value: float | None
    unit: str
    floor: float | None
    target: str
    met: bool
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    def as_json(self) -> dict[str, object]:
        row = asdict(self)
        row["ratio"] = self.ratio
        return {key: row[key] for key in (*FIELDS, "note")}


def skipped(name: str, unit: str, target: str, reason: str) -> Figure:
    return Figure(name, None, unit, None, target, met=False, note=f"not measured: {reason}")


def at_most_times(name: str, value: float, floor: float, unit: str, times: float, note: str = "") -> Figure:
    """A figure whose target is a multiple of its floor."""
    met = floor > 0 and value <= times * floor
    return Figure(name, value, unit, floor, f"<= {times:g}x floor", met, note)


def at_most(name: str, value: float, floor: float, unit: str, limit: float, note: str = "") -> Figure:
    """A figure whose target is a fixed limit; the floor shows what the machine itself manages."""
    return Figure(name, value, unit, floor, f"<= {limit:g} {unit}", value <= limit, note)


def reported(name: str, value: float, floor: float, unit: str, note: str = "") -> Figure:
    """A figure shown for what it tells, beside its floor, with no target of its own."""
    return Figure(name, value, unit, floor, "reported (no target)", met=True, note=note)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank): p99 is percentile(values, 0.99)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ms(seconds: float) -> float:
    return seconds * 1000


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if value < 1 else f"{value:.1f}"


def table(figures: Sequence[Figure]) -> str:
    """The figures as a fixed-width text table, then one line per note."""
    header = ("figure", "value", "floor", "ratio", "target", "met")
    rows = [
        (
            f.name,
            f"{_number(f.value)} {f.unit}",
            f"{_number(f.floor)} {f.unit}" if f.floor is not None else "-",
            f"{f.ratio:.2f}x" if f.ratio is not None else "-",
            f.target,
            "yes" if f.met else "NO",
        )
        for f in figures
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    rule = "  ".join("-" * width for width in widths)
    heading = "  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)).rstrip()
    notes = [f"  {f.name}: {f.note}" for f in figures if f.note]
    return "\n".join([heading, rule, *lines, *(["", "notes:", *notes] if notes else [])])


def write_json(figures: Sequence[Figure], path: Path) -> None:
    path.write_text(json.dumps([f.as_json() for f in figures], indent=2) + "\n", encoding="utf-8")


Measure = Callable[[], list[Figure]]
