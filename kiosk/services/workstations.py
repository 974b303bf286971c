"""Record which PCs use this database, so staff and later audit rows can name them."""

from __future__ import annotations

import datetime as dt
import socket

from sqlalchemy import select

from kiosk import __version__
from kiosk.storage.database import Database
from kiosk.storage.models import Workstation


def this_workstation_name() -> str:
    return socket.gethostname() or "unnamed-pc"


def record_start(database: Database, role: str, name: str | None = None) -> None:
    now = dt.datetime.now(dt.UTC)
    name = name or this_workstation_name()
    with database.transaction() as session:
        row = session.scalar(select(Workstation).where(Workstation.name == name))
        if row is None:
            session.add(Workstation(name=name, role=role, app_version=__version__, first_seen_at=now, last_seen_at=now))
        else:
            row.role, row.app_version, row.last_seen_at = role, __version__, now


def list_workstations(database: Database) -> list[tuple[str, str, dt.datetime]]:
    with database.transaction() as session:
        rows = session.scalars(select(Workstation).order_by(Workstation.name))
        return [(row.name, row.role, row.last_seen_at) for row in rows]
