"""The console and the drop folder: a calm line on the Kiosks tab (a warning in words when the folder fails),
and the writer running while a console is open on a PC whose settings name a drop folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.config.settings import HandoffSettings, Settings
from kiosk.services.handoff import HandoffWriter, switch_on
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.handoff_line import ConsoleHandoff, HandoffLine, add_handoff_line
from kiosk.ui.console.kiosks_view import KiosksView
from kiosk.ui.console.theme import console_stylesheet
from tests.services import factories

RECEIVED = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def _line(qtbot: QtBot, database: Database) -> tuple[KiosksView, HandoffLine]:
    """The line on a real Kiosks tab, as the workspace puts it there, once its first read is shown."""
    view = KiosksView(database, clock=lambda: RECEIVED + dt.timedelta(minutes=3))
    view.setStyleSheet(console_stylesheet(768))
    qtbot.add_widget(view)
    line = add_handoff_line(view, database)
    line.clock = lambda: RECEIVED + dt.timedelta(minutes=3)
    view.resize(1366, 700)
    view.show()
    qtbot.wait_exposed(view)
    line.refresh()
    qtbot.waitUntil(lambda: line._reading is None)  # read off the GUI thread
    return view, line  # the tab owns the line: the test keeps the tab


def test_without_a_drop_folder_the_tab_says_nothing_about_it(qtbot: QtBot, database: Database) -> None:
    _tab, line = _line(qtbot, database)

    assert not line.isVisible(), line.sentence


def test_a_missing_folder_is_a_warning_in_words_that_nothing_is_lost(
    qtbot: QtBot, database: Database, tmp_path: Path
) -> None:
    switch_on(database)
    submit_request(database, factories.appointment(), "kiosk-1", now=RECEIVED)
    HandoffWriter(database, tmp_path / "not-connected", "front-desk-1").drain(now=RECEIVED + dt.timedelta(minutes=1))

    _tab, line = _line(qtbot, database)

    at = (RECEIVED + dt.timedelta(minutes=1)).astimezone()
    assert line.isVisible()
    assert line.sentence == (
        f"⚠ The record system's drop folder cannot be reached since {at:%H:%M}: 1 change waits since"
        f" {RECEIVED.astimezone():%H:%M} and nothing is lost; they are written as soon as it works again."
        " IT: connect the share again or correct [handoff] drop_folder."
    )
    assert line.warning.isVisible() and not line.calm.isVisible()
    for secret in (factories.FIRST_NAME, factories.LAST_NAME, factories.PHONE):
        assert secret not in line.sentence


def test_a_working_folder_is_one_calm_line(qtbot: QtBot, database: Database, tmp_path: Path) -> None:
    switch_on(database)
    submit_request(database, factories.appointment(), "kiosk-1", now=RECEIVED)
    HandoffWriter(database, tmp_path, "front-desk-1").drain(now=RECEIVED + dt.timedelta(minutes=1))

    _tab, line = _line(qtbot, database)

    at = (RECEIVED + dt.timedelta(minutes=1)).astimezone()
    assert line.sentence == f"Drop folder for the record system: nothing waits (last file at {at:%H:%M})."
    assert line.calm.isVisible() and not line.warning.isVisible()


def test_an_open_console_writes_the_drop_folder_its_settings_name(
    qtbot: QtBot, database: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    settings = Settings(handoff=HandoffSettings(drop_folder=folder, check_seconds=1))
    writer = ConsoleHandoff(ConsoleContext(database, settings, "front-desk-1"))
    try:
        qtbot.waitUntil(lambda: _switched_on(database), timeout=10_000)
        receipt = submit_request(database, factories.urgent_follow_up(), "kiosk-1")
        qtbot.waitUntil(lambda: any(folder.iterdir()), timeout=10_000)
    finally:
        writer.stop()
    assert [path.name for path in folder.iterdir()] == [f"{1:012d}-{receipt.reference}-v1.json"]


def _switched_on(database: Database) -> bool:
    from kiosk.services.handoff import handoff_status

    return handoff_status(database).enabled
