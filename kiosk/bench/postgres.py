"""Eight kiosks submitting to a PostgreSQL server: a throw-away one started for the run, never the clinic's."""

from __future__ import annotations

import contextlib
import shutil
import subprocess

from kiosk.bench import concurrent
from kiosk.bench.figures import Figure, skipped
from kiosk.bench.pg_server import ServerUnavailable, server_programs, start_server
from kiosk.bench.workspace import Workspace

__all__ = ["measure", "server_programs"]
TARGET = "zero errors; p99 reported"


def measure(workspace: Workspace, count: int) -> list[Figure]:
    del workspace  # the server keeps its data in its own private folder
    name = f"{concurrent.KIOSKS} kiosks x {count:,} submits, one PostgreSQL server: p99"
    try:
        server = start_server(create_owner=False)
    except ServerUnavailable as exc:
        return [skipped(name, "ms", TARGET, str(exc).splitlines()[0])]
    try:
        url = server.new_migrated_database()
        kiosks = concurrent.run(url, count)
        raw = concurrent.raw_floor_table(
            server.url(server.new_database()).replace("postgresql+psycopg://", "postgresql://")
        )
        floor = concurrent.run(raw, count, reader=False, raw=True)
        return [concurrent.figure("PostgreSQL server", count, kiosks, floor, "raw psycopg commits on the same server")]
    finally:
        with contextlib.suppress(ServerUnavailable, subprocess.SubprocessError):
            server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)
