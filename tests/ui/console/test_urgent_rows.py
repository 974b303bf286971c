"""The queue for urgent, late and "Seen at the desk" requests: what a receptionist reads, not only colour."""

from __future__ import annotations

import dataclasses
import datetime as dt

from pytestqt.qtbot import QtBot

from kiosk.qt import QBrush, QFont, Qt

from kiosk.domain.requests import AppointmentRequest, FollowUpRequest
from kiosk.domain.staff import Actor, Role
from kiosk.domain.workflow import RequestStatus
from kiosk.services.casework import change_status
from kiosk.services.queue import QueueFilter
from kiosk.services.requests import submit_request
from kiosk.services.urgent_alarm import mark_seen_at_desk
from kiosk.services.waiting import WaitTargets
from kiosk.storage.database import Database
from kiosk.ui.console.queue_model import (
    DUE_SOON_BACKGROUND,
    OVERDUE_BACKGROUND,
    SEEN_BACKGROUND,
    STATUS,
    TYPE,
    URGENT_BACKGROUND,
    URGENT_BADGE,
    WAITING,
    QueueModel,
)
from tests.services import factories

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
ALICE = Actor("alice", Role.RECEPTION, "front-desk-1")
Display, Tip, Background = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole


def _submit(database: Database, request: AppointmentRequest | FollowUpRequest, at: dt.datetime, last: str) -> str:
    contact = dataclasses.replace(request.contact, last_name=last)
    submit_request(database, dataclasses.replace(request, contact=contact), "kiosk-1", now=at)
    return str(request.request_id)


def _model(database: Database, now: dt.datetime, targets: WaitTargets | None = None) -> QueueModel:
    model = QueueModel(database, now=lambda: now, targets=targets)
    model.set_filter(QueueFilter())
    return model


def _row(model: QueueModel, last: str) -> int:
    return next(row for row in range(model.rowCount()) if model.row_at(row).last_name == last)


def _cell(model: QueueModel, last: str, column: int, role: Qt.ItemDataRole = Display) -> object:
    return model.data(model.index(_row(model, last), column), role)


def _colour(model: QueueModel, last: str, column: int) -> str | None:
    brush = _cell(model, last, column, Background)
    return brush.color().name() if isinstance(brush, QBrush) else None


def test_an_urgent_row_has_a_mark_the_word_and_its_colour(qtbot: QtBot, database: Database) -> None:
    _submit(database, factories.urgent_follow_up(), T0, "Urgent")
    _submit(database, factories.follow_up(), T0, "Plain")
    model = _model(database, now=T0 + dt.timedelta(minutes=2))

    assert _cell(model, "Urgent", TYPE) == "\u26a0 Urgent"  # the mark and the word
    assert _colour(model, "Urgent", TYPE) == URGENT_BADGE.name()  # a solid badge...
    assert {_colour(model, "Urgent", column) for column in (0, 2, 3)} == {URGENT_BACKGROUND.name()}  # ...on a red row
    font = _cell(model, "Urgent", 2, Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert "warning signs" in str(_cell(model, "Urgent", TYPE, Tip))
    assert _cell(model, "Plain", TYPE) == "Follow-up"
    assert {_colour(model, "Plain", column) for column in range(6)} == {None}


def test_a_routine_request_past_its_target_says_overdue_and_is_red(qtbot: QtBot, database: Database) -> None:
    _submit(database, factories.appointment(), T0, "Late")
    _submit(database, factories.appointment(), T0 + dt.timedelta(hours=11), "Fresh")
    model = _model(database, now=T0 + dt.timedelta(hours=25))

    assert (_cell(model, "Late", STATUS), _cell(model, "Late", WAITING)) == ("New \u00b7 overdue", "1 day")
    assert _colour(model, "Late", STATUS) == _colour(model, "Late", WAITING) == OVERDUE_BACKGROUND.name()
    assert "past the 24 hours target" in str(_cell(model, "Late", WAITING, Tip))
    # 14 hours: past half of 24, so due soon, in amber and in words.
    assert (_cell(model, "Fresh", STATUS), _cell(model, "Fresh", WAITING)) == ("New \u00b7 due soon", "14 h")
    assert _colour(model, "Fresh", WAITING) == DUE_SOON_BACKGROUND.name()


def test_targets_come_from_the_settings_given_to_the_model(qtbot: QtBot, database: Database) -> None:
    _submit(database, factories.appointment(), T0, "Late")
    targets = WaitTargets(urgent=dt.timedelta(minutes=5), routine=dt.timedelta(hours=2))
    model = _model(database, now=T0 + dt.timedelta(hours=3), targets=targets)

    assert _cell(model, "Late", STATUS) == "New \u00b7 overdue"
    assert "past the 2 hours target" in str(_cell(model, "Late", WAITING, Tip))


def test_an_urgent_request_is_due_in_minutes_and_then_overdue(qtbot: QtBot, database: Database) -> None:
    _submit(database, factories.urgent_follow_up(), T0, "Urgent")

    assert _cell(_model(database, T0 + dt.timedelta(minutes=3)), "Urgent", STATUS) == "New"
    due = _model(database, T0 + dt.timedelta(minutes=7))
    assert _cell(due, "Urgent", STATUS) == "New \u00b7 due soon"
    assert _colour(due, "Urgent", WAITING) == DUE_SOON_BACKGROUND.name()
    late = _model(database, T0 + dt.timedelta(minutes=12))
    assert (_cell(late, "Urgent", STATUS), _cell(late, "Urgent", WAITING)) == ("New \u00b7 overdue", "12 min")
    assert _colour(late, "Urgent", WAITING) == URGENT_BADGE.name()  # as loud as the badge
    assert "past the 10 minutes target for urgent requests" in str(_cell(late, "Urgent", WAITING, Tip))


def test_a_seen_urgent_request_shows_who_saw_it_and_stops_counting_as_late(qtbot: QtBot, database: Database) -> None:
    request_id = _submit(database, factories.urgent_follow_up(), T0, "Urgent")
    seen_at = T0 + dt.timedelta(minutes=4)
    mark_seen_at_desk(database, request_id, ALICE, now=seen_at)
    model = _model(database, now=T0 + dt.timedelta(hours=2))

    local = seen_at.astimezone()
    assert _cell(model, "Urgent", STATUS) == f"\u2713 Seen {local:%H:%M} (alice)"
    assert _colour(model, "Urgent", STATUS) == SEEN_BACKGROUND.name()
    assert f"Seen at the desk at {local:%H:%M}" in str(_cell(model, "Urgent", STATUS, Tip))
    assert "by alice" in str(_cell(model, "Urgent", STATUS, Tip))
    # Still urgent (a call back is owed), but no longer "overdue" for the desk.
    assert _cell(model, "Urgent", TYPE) == "\u26a0 Urgent"
    assert (_cell(model, "Urgent", WAITING), _colour(model, "Urgent", WAITING)) == ("2 h", URGENT_BACKGROUND.name())


def test_a_request_the_desk_has_acted_on_is_not_coloured_by_its_age(qtbot: QtBot, database: Database) -> None:
    request_id = _submit(database, factories.appointment(), T0, "Called")
    change_status(database, request_id, RequestStatus.CONTACTED, expected_version=1, actor=ALICE, now=T0)
    model = _model(database, now=T0 + dt.timedelta(days=3))

    # Contacted: someone has acted on it, so it no longer "waits" (as Overview's Waiting now counts).
    assert (_cell(model, "Called", STATUS), _cell(model, "Called", WAITING)) == ("Contacted", "\u2014")
    assert _colour(model, "Called", WAITING) is None
