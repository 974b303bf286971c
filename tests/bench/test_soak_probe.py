"""The soak's reading of open descriptors on a real SQLite file: the handle SQLite keeps for reuse is named and
judged against its bound, so it is told apart from a leak (issue 22: the month's descriptors stepped 12 -> 13)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk.bench.soak_probe import SqliteFiles, descriptors
from kiosk.storage.database import Database


def _two_at_once(database: Database) -> None:
    """Two of the kiosk's threads meeting at the database: the pool opens a second connection, then closes it."""
    with database.read() as first:
        first.execute(text("SELECT count(*) FROM things")).all()
        with database.read() as second:
            second.execute(text("SELECT count(*) FROM things")).all()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names open files through Linux's /proc")
def test_the_handle_sqlite_keeps_after_two_connections_met_is_on_the_database_file_and_within_its_bound(
    tmp_path: Path,
) -> None:
    database = Database.open(f"sqlite:///{tmp_path / 'kiosk.sqlite3'}")
    try:
        files = SqliteFiles([database])
        with database.transaction() as session:
            session.execute(text("CREATE TABLE things (name TEXT)"))
        before = descriptors()
        assert files.kept(before) == (0, 0)  # one connection: its file, its WAL, the shared memory file
        for _ in range(4):
            _two_at_once(database)
        after = descriptors()
        opened = Counter(after) - Counter(before)
        assert list(opened.elements()) == [str((tmp_path / "kiosk.sqlite3").resolve())]  # one, reused each time
        assert files.kept(after) == (1, 1)  # kept for reuse: 1; at most two connections were open at once
    finally:
        database.engine.dispose()
