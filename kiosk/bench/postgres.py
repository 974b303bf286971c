"""Eight kiosks submitting to a PostgreSQL server: a throw-away one, started here, never the clinic's."""

from __future__ import annotations

from kiosk.bench.figures import Figure, skipped
from kiosk.bench.workspace import Workspace

TARGET = "zero errors; p99 reported"


def measure(workspace: Workspace, count: int) -> list[Figure]:
    del workspace
    name = f"8 kiosks x {count:,} submits, one PostgreSQL server: p99"
    return [skipped(name, "ms", TARGET, "not built yet")]
