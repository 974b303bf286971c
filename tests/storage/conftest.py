"""Rows as the kiosk writes them, and a new file no schema has touched; the other database fixtures live in
tests/conftest.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.storage.database import Database
from kiosk.storage.models import Workstation

NOW = dt.datetime(2025, 1, 15, 9, 30, tzinfo=dt.UTC)


def workstation(name: str) -> Workstation:
    """A workstation row as a kiosk start would write it."""
    return Workstation(name=name, role="kiosk", app_version="0.1.0", first_seen_at=NOW, last_seen_at=NOW)


@pytest.fixture
def fresh(database_file: Path) -> Iterator[Database]:
    opened = Database.open(f"sqlite:///{database_file}")
    yield opened
    opened.close()
