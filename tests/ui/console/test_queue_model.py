"""The queue table model: what each cell says, and that a million requests open and scroll a batch at a time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import QFont, Qt, QTableView

from kiosk.domain.reference import format_reference
from kiosk.domain.requests import AppointmentRequest, FollowUpRequest
from kiosk.domain.workflow import RequestStatus
from kiosk.services.demo_data import generate_requests
from kiosk.services.queue import COUNT_CAP, QueueFilter
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.migrations import upgrade_to_head
from kiosk.ui.console.queue_model import COLUMNS, QueueModel, received_words, waiting_words
from tests.services import factories

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
EVERY_STATUS = frozenset(RequestStatus)
MILLION = 1_000_000
BATCH = 200


def _submit(
    database: Database,
    request: AppointmentRequest | FollowUpRequest,
    minutes: int,
    first: str = "Ana",
    last: str = "Smith",
) -> str:
    contact = dataclasses.replace(request.contact, first_name=first, last_name=last)
    at = T0 + dt.timedelta(minutes=minutes)
    return submit_request(database, dataclasses.replace(request, contact=contact), "kiosk-1", now=at).reference


def _model(qtbot: QtBot, database: Database, now: dt.datetime, batch_size: int = 200) -> QueueModel:
    model = QueueModel(database, now=lambda: now, batch_size=batch_size)
    model.set_filter(QueueFilter())
    return model


def _text(model: QueueModel, row: int, column: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> object:
    return model.data(model.index(row, column), role)


def test_each_column_says_what_reception_needs(qtbot: QtBot, database: Database) -> None:
    urgent = _submit(database, factories.urgent_follow_up(), 0, "Thị Mai", "Nguyễn")
    plain = _submit(database, factories.appointment(), 15, "José", "Núñez")
    now = T0 + dt.timedelta(hours=2, minutes=30)
    model = _model(qtbot, database, now=now)

    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == list(COLUMNS)
    assert [_text(model, 0, c) for c in range(6)] == [
        format_reference(urgent),
        "\u26a0 Urgent",
        "Nguyễn, Thị Mai",
        received_words(T0, now),
        "New \u00b7 overdue",  # past the 10-minute target for urgent requests
        "2 h 30 min",
    ]
    assert [_text(model, 1, c) for c in range(6)] == [
        format_reference(plain),
        "Appointment",
        "Núñez, José",
        received_words(T0 + dt.timedelta(minutes=15), now),
        "New",  # within the 24-hour target
        "2 h 15 min",
    ]
    assert _text(model, 0, 0, Qt.ItemDataRole.UserRole) == model.row_at(0).id


def test_urgent_rows_are_marked_in_words_and_weight_not_only_colour(qtbot: QtBot, database: Database) -> None:
    _submit(database, factories.urgent_follow_up(), 0)
    _submit(database, factories.follow_up(), 5)
    model = _model(qtbot, database, now=T0)

    font = _text(model, 0, 2, Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert _text(model, 0, 4, Qt.ItemDataRole.BackgroundRole) is not None
    assert "call them now" in str(_text(model, 0, 1, Qt.ItemDataRole.ToolTipRole))
    assert _text(model, 1, 1) == "Follow-up"
    assert _text(model, 1, 2, Qt.ItemDataRole.FontRole) is None
    assert _text(model, 1, 4, Qt.ItemDataRole.BackgroundRole) is None


def test_received_leaves_out_this_years_year_and_an_old_requests_hour() -> None:
    local = T0.astimezone()
    assert received_words(T0, T0 + dt.timedelta(days=30)) == f"{local.day} {local:%b %H:%M}"
    assert received_words(T0, T0 + dt.timedelta(days=400)) == f"{local.day} {local:%b %Y}"


def test_waiting_is_said_as_a_receptionist_would(qtbot: QtBot) -> None:
    minutes = dt.timedelta(minutes=1)
    assert [waiting_words(m * minutes) for m in (0, 1, 45, 60, 135, 24 * 60, 3 * 24 * 60 + 7)] == [
        "< 1 min",
        "1 min",
        "45 min",
        "1 h",
        "2 h 15 min",
        "1 day",
        "3 days",
    ]


def test_a_closed_request_is_not_waiting(qtbot: QtBot, database: Database) -> None:
    _submit(database, factories.appointment(), 0)
    model = QueueModel(database, now=lambda: T0 + dt.timedelta(days=3))
    model.set_filter(QueueFilter(statuses=frozenset({RequestStatus.CLOSED})))
    assert model.rowCount() == 0

    from sqlalchemy import update

    from kiosk.storage.models import RequestRecord

    with database.transaction() as session:
        session.execute(update(RequestRecord).values(status="closed"))
    model.refresh()

    assert (model.total(), model.rowCount()) == (1, 1)
    assert (_text(model, 0, 4), _text(model, 0, 5)) == ("Closed", "\u2014")


def test_rows_arrive_a_batch_at_a_time_as_the_view_asks(qtbot: QtBot, database: Database) -> None:
    for minutes in range(5):
        _submit(database, factories.appointment(), minutes)
    model = _model(qtbot, database, now=T0, batch_size=2)

    assert (model.total(), model.rowCount(), model.rows_fetched) == (5, 2, 2)
    fetched = []
    while model.canFetchMore(model.index(-1, -1)):
        with qtbot.waitSignal(model.rowsInserted):
            model.fetchMore(model.index(-1, -1))
        fetched.append(model.rowCount())
    assert fetched == [4, 5]
    assert [model.row_at(row).created_at for row in range(5)] == [T0 + dt.timedelta(minutes=m) for m in range(5)]


def test_refresh_shows_new_arrivals_and_keeps_the_rows_already_shown(qtbot: QtBot, database: Database) -> None:
    for minutes in range(5):
        _submit(database, factories.appointment(), minutes)
    model = _model(qtbot, database, now=T0, batch_size=2)
    model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == 4

    urgent = _submit(database, factories.urgent_follow_up(), 30)
    with qtbot.waitSignal(model.modelReset):
        model.refresh()

    assert model.total() == 6
    assert model.rowCount() == 4  # as many as were shown: the view keeps its place
    assert model.row_at(0).reference == urgent
    model.set_filter(QueueFilter(urgency=True))
    assert (model.total(), model.rowCount(), model.rows_fetched) == (1, 1, 1)


# -- a million requests -------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def million(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One database of a million synthetic requests for the whole test session (about 45 s to build: its indexes
    are built once the rows are in, see kiosk.services.demo_data)."""
    database = Database.open(f"sqlite:///{tmp_path_factory.mktemp('million') / 'kiosk.sqlite3'}")
    upgrade_to_head(database.engine)
    schema = _indexes(database)
    generate_requests(database, MILLION, seed=11, now=T0)
    assert _indexes(database) == schema  # the load's dropped indexes are all back, as the migrations made them
    yield database
    database.close()


def _indexes(database: Database) -> set[tuple[str, str]]:
    with database.read_connection() as connection:
        found = connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql NOT NULL")
        return {(name, sql) for name, sql in found}


# How long each of these takes is `kiosk bench`'s (the reception queue at 10k, 100k and 1M requests); here, that
# each answers with the right rows a batch at a time.
@pytest.mark.slow  # a million rows generated first: about 45 s, more on a loaded machine
def test_a_million_requests_open_search_and_scroll_a_batch_at_a_time(qtbot: QtBot, million: Database) -> None:
    model = QueueModel(million, batch_size=BATCH, now=lambda: T0)

    model.set_filter(QueueFilter())
    assert model.rows_fetched == BATCH == model.rowCount()
    assert 10_000 < model.total() < MILLION  # mostly closed, some open
    assert model.row_at(0).urgent and model.row_at(0).status is not RequestStatus.CLOSED

    model.set_filter(QueueFilter(statuses=EVERY_STATUS))
    # Counting stops past the cap (the queue says "more than 10,000"); the list still pages through them all.
    assert (model.total(), model.rows_fetched) == (COUNT_CAP + 1, BATCH)

    model.set_filter(QueueFilter(statuses=EVERY_STATUS, search="nguyen"))
    assert 0 < model.total() < MILLION and model.rows_fetched == min(BATCH, model.total())
    rows = [model.row_at(row) for row in range(model.rowCount())]
    assert all("nguyen" in f"{row.first_name} {row.last_name}".lower().replace("ễ", "e") for row in rows)

    model.set_filter(QueueFilter(statuses=EVERY_STATUS, search="(212) 555-0142"))
    assert 0 < model.total() <= model.batch_size * 10 and model.rows_fetched <= BATCH

    reference = model.row_at(0).reference
    model.set_filter(QueueFilter(statuses=EVERY_STATUS, search=reference.lower()))
    assert (model.total(), model.rows_fetched, model.row_at(0).reference) == (1, 1, reference)

    model.set_filter(QueueFilter())
    view = QTableView()
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    assert model.rows_fetched == BATCH
    for batches in (2, 3, 4):
        view.scrollToBottom()  # the view asks for more when its scroll bar reaches the end
        qtbot.waitUntil(lambda expected=batches: model.rows_fetched == expected * BATCH)  # type: ignore[misc]
    assert model.rowCount() == 4 * BATCH
    keys = [(not row.urgent, row.created_at, row.id) for row in (model.row_at(r) for r in range(model.rowCount()))]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
