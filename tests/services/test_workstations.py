"""Which PCs use the database: one row per PC, refreshed at every start."""

from __future__ import annotations

import datetime as dt
import socket

from sqlalchemy import func, select

import kiosk
from kiosk.services.workstations import list_workstations, record_start, this_workstation_name
from kiosk.storage.database import Database
from kiosk.storage.models import Workstation


def rows(database: Database) -> list[Workstation]:
    with database.transaction() as session:
        return list(session.scalars(select(Workstation).order_by(Workstation.name)))


def test_a_first_start_adds_the_pc(database: Database) -> None:
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    record_start(database, "kiosk", "waiting-room-1")

    [row] = rows(database)
    assert (row.name, row.role, row.app_version) == ("waiting-room-1", "kiosk", kiosk.__version__)
    assert row.first_seen_at == row.last_seen_at
    assert row.last_seen_at.replace(tzinfo=None) >= before


def test_a_second_start_of_the_same_pc_updates_it_instead_of_adding_a_row(database: Database) -> None:
    record_start(database, "kiosk", "waiting-room-1")
    [first] = rows(database)

    record_start(database, "console", "waiting-room-1")

    [again] = rows(database)
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Workstation)) == 1
    assert again.id == first.id
    assert again.first_seen_at == first.first_seen_at
    assert again.last_seen_at > first.last_seen_at
    assert again.role == "console"


def test_list_workstations_names_every_pc_in_name_order(database: Database) -> None:
    record_start(database, "kiosk", "waiting-room-2")
    record_start(database, "console", "front-desk")
    record_start(database, "kiosk", "waiting-room-1")

    listed = list_workstations(database)

    assert [(name, role) for name, role, _ in listed] == [
        ("front-desk", "console"),
        ("waiting-room-1", "kiosk"),
        ("waiting-room-2", "kiosk"),
    ]
    assert all(isinstance(seen, dt.datetime) for _, _, seen in listed)


def test_list_workstations_reports_the_latest_start(database: Database) -> None:
    record_start(database, "kiosk", "waiting-room-1")
    [(_, _, first_seen)] = list_workstations(database)

    record_start(database, "kiosk", "waiting-room-1")

    [(_, _, last_seen)] = list_workstations(database)
    assert last_seen > first_seen


def test_without_a_name_the_pc_uses_its_host_name(database: Database) -> None:
    record_start(database, "kiosk")

    assert [name for name, _, _ in list_workstations(database)] == [this_workstation_name()]
    assert this_workstation_name() == (socket.gethostname() or "unnamed-pc")


def test_an_empty_database_lists_no_workstations(database: Database) -> None:
    assert list_workstations(database) == []


def test_last_seen_comes_back_as_a_utc_time(database: Database) -> None:
    record_start(database, "kiosk", "waiting-room-1")

    [(_, _, last_seen)] = list_workstations(database)

    assert last_seen.utcoffset() == dt.timedelta(0)
    assert dt.datetime.now(dt.UTC) - last_seen < dt.timedelta(minutes=5)
