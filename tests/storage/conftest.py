"""Rows as the kiosk writes them; the database fixtures live in tests/conftest.py."""

from __future__ import annotations

import datetime as dt

from kiosk.storage.models import Workstation

NOW = dt.datetime(2025, 1, 15, 9, 30, tzinfo=dt.UTC)


def workstation(name: str) -> Workstation:
    """A workstation row as a kiosk start would write it."""
    return Workstation(name=name, role="kiosk", app_version="0.1.0", first_seen_at=NOW, last_seen_at=NOW)
