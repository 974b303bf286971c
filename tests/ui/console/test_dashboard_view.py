"""The overview page shows the figures known data should give: tiles in words and numbers, bars per day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.qt import Qt

from kiosk.domain.requests import PatientRequest
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.casework import change_status
from kiosk.services.overview import SEEN_DAYS
from kiosk.services.queue import local_day_start
from kiosk.services.requests import submit_request
from kiosk.services.urgent_alarm import mark_seen_at_desk
from kiosk.storage.database import Database
from kiosk.ui.console.dashboard_view import DAYS, DashboardView, day_label, duration_words, nice_ceiling
from kiosk.ui.console.theme import console_stylesheet
from tests.services import factories

DESK = Actor("rita", Role.RECEPTION, "front-desk-1", "Rita")
SHOTS = Path("/tmp/console_shots")


def _store(database: Database, request: PatientRequest, at: dt.datetime) -> str:
    submit_request(database, request, "kiosk-1", now=at)
    return str(request.request_id)


def _index_of(at: dt.datetime) -> int:
    """The chart's bar for the local day of `at` (the newest bar is today)."""
    return DAYS - 1 - (dt.date.today() - at.astimezone().date()).days


def _view(qtbot: QtBot, database: Database, size: tuple[int, int] = (1366, 768)) -> DashboardView:
    view = DashboardView(database)
    view.setStyleSheet(console_stylesheet(size[1]))
    qtbot.add_widget(view)
    view.resize(*size)
    view.show()
    qtbot.wait_exposed(view)
    return view


@pytest.fixture
def known_data(database: Database) -> dict[str, dt.datetime]:
    """Today: 3 appointments and 2 follow-ups (1 urgent); 5 days ago: 1 appointment, contacted 3 h 20 min later;
    40 days ago (outside the chart, still waiting): 1 appointment."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)
    five_days_ago = now - dt.timedelta(days=5)
    for _ in range(3):
        _store(database, factories.appointment(), now)
    _store(database, factories.follow_up(), now)
    _store(database, factories.urgent_follow_up(), now)
    contacted = _store(database, factories.appointment(), five_days_ago)
    change_status(
        database,
        contacted,
        RequestStatus.CONTACTED,
        expected_version=1,
        actor=DESK,
        now=five_days_ago + dt.timedelta(hours=3, minutes=20),
    )
    _store(database, factories.appointment(), now - dt.timedelta(days=40))
    return {"today": now, "five_days_ago": five_days_ago}


def test_tiles_show_who_is_waiting_and_the_median_time_to_first_contact(
    qtbot: QtBot, database: Database, known_data: dict[str, dt.datetime]
) -> None:
    view = _view(qtbot, database)

    # Waiting counts every request nobody has acted on, however old: 7 stored, 1 contacted.
    assert view.waiting.value.text() == "6"
    assert view.waiting.note.text() == "of which 1 urgent"
    assert view.median.value.text() == "3 h 20 min"
    # The 40-day-old request is outside the 30 days.
    assert view.received.value.text() == "6"
    assert view.received.note.text() == "4 appointments, 2 follow-ups"


def test_the_chart_stacks_appointments_and_follow_ups_on_their_day(
    qtbot: QtBot, database: Database, known_data: dict[str, dt.datetime]
) -> None:
    view = _view(qtbot, database)

    assert (view.appointments.count(), view.follow_ups.count()) == (DAYS, DAYS)
    today = _index_of(known_data["today"])
    earlier = _index_of(known_data["five_days_ago"])
    assert view.day_total(today) == (3, 2)
    assert view.day_total(earlier) == (1, 0)
    others = [view.day_total(index) for index in range(DAYS) if index not in (today, earlier)]
    assert set(others) == {(0, 0)}
    # Told apart by their names and by a hatch pattern, not by colour alone.
    assert "hatched" in view.follow_ups.label() and "solid" in view.appointments.label()
    assert view.follow_ups.brush().style() != view.appointments.brush().style()
    # Dates read like "Nov 3", every few days, and today always has its label.
    labels = view.x_axis.categoriesLabels()
    assert day_label(dt.date.today()) in labels
    assert 5 <= len(labels) <= 15
    assert view.y_axis.max() >= 5
    assert view.chart.animationOptions() == view.chart.AnimationOption.NoAnimation


def test_an_empty_database_says_nobody_waits_and_no_contacts_yet(qtbot: QtBot, database: Database) -> None:
    view = _view(qtbot, database)

    assert view.waiting.value.text() == "0"
    assert view.waiting.note.text() == "Nobody is waiting for a first contact."
    assert view.median.value.text() == "No contacts yet"
    assert view.day_total(DAYS - 1) == (0, 0)
    assert not view.error.isVisible()


def test_refresh_picks_up_a_new_request(qtbot: QtBot, database: Database) -> None:
    view = _view(qtbot, database)
    _store(database, factories.urgent_follow_up(), dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5))

    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)

    assert view.waiting.value.text() == "1"
    assert view.waiting.note.text() == "of which 1 urgent"


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (None, "No contacts yet"),
        (dt.timedelta(seconds=20), "Under 1 min"),
        (dt.timedelta(minutes=45), "45 min"),
        (dt.timedelta(hours=3, minutes=20), "3 h 20 min"),
        (dt.timedelta(hours=2), "2 h"),
        (dt.timedelta(days=3, hours=5), "3 days 5 h"),
    ],
)
def test_durations_read_as_staff_say_them(duration: dt.timedelta | None, words: str) -> None:
    assert duration_words(duration) == words


def test_axis_tops_are_round_and_whole_numbered() -> None:
    assert nice_ceiling(0) == (5, 1)
    assert nice_ceiling(5) == (5, 1)
    assert nice_ceiling(22) == (25, 5)
    assert nice_ceiling(1234) == (1250, 250)


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_screenshot(
    qtbot: QtBot, database: Database, known_data: dict[str, dt.datetime], size: tuple[int, int]
) -> None:
    view = _view(qtbot, database, (size[0], size[1] - 110))  # the shell's header and tabs take the rest
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(SHOTS / f"dashboard_test_{size[0]}x{size[1]}.png"))
    # Nothing is squeezed below its readable size.
    assert view.chart_view.height() >= view.chart_view.minimumHeight()
    assert view.waiting.value.height() >= view.waiting.value.sizeHint().height()


def test_the_seen_at_the_desk_table_shows_median_and_90th_percentile_per_day(qtbot: QtBot, database: Database) -> None:
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    arrived = max(now - dt.timedelta(hours=1), local_day_start(dt.date.today()))  # today on this PC's clock
    for minutes in (3, 9):
        request_id = _store(database, factories.urgent_follow_up(), arrived)
        mark_seen_at_desk(database, request_id, DESK, now=arrived + dt.timedelta(minutes=minutes))
    _store(database, factories.urgent_follow_up(), arrived)  # not seen yet
    view = _view(qtbot, database)

    assert view.seen_model.rowCount() == SEEN_DAYS
    assert [view.seen_model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Day",
        "Urgent",
        "Seen",
        "Median",
        "90th percentile",
    ]
    today = dt.date.today()
    assert view.seen_row(0) == [f"{today:%a} {today.day} {today:%b}", "3", "2", "6 min", "9 min"]  # today first
    yesterday = today - dt.timedelta(days=1)
    assert view.seen_row(1) == [f"{yesterday:%a} {yesterday.day} {yesterday:%b}", "—", "—", "—", "—"]
    assert view.seen_table.isVisible()
