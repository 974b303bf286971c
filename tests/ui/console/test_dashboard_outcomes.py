"""The Overview's outcomes: per procedure and weeks after it, what staff read in the table; below the fold at 768."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Mapping
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.content.catalog import load_catalog
from kiosk.paths import bundled_content_dir
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.ui.console.context import procedure_titles
from kiosk.ui.console.dashboard_view import MONTH_COLUMNS, OUTCOME_COLUMNS, DashboardView
from kiosk.ui.console.theme import console_stylesheet
from tests.services import factories


def _view(
    qtbot: QtBot, database: Database, size: tuple[int, int], titles: Mapping[str, str] | None = None
) -> DashboardView:
    view = DashboardView(database, titles=titles)
    view.setStyleSheet(console_stylesheet(size[1]))
    qtbot.add_widget(view)
    view.resize(*size)
    view.show()
    qtbot.wait_exposed(view)
    view.refresh()
    return view


def _titles(tmp_path: Path) -> dict[str, str]:
    """The procedure titles the console is given, from a copy of the real content (reading it records its pages)."""
    folder = tmp_path / "content"
    shutil.copytree(bundled_content_dir(), folder)
    return procedure_titles(load_catalog(folder, ("en",), "en"))


def _follow_up(
    database: Database,
    *,
    days_after: int,
    before: int,
    now: int,
    relief: int,
    procedure: str = "si-joint-injection",
    days_ago: int = 2,
) -> None:
    received = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
    request = dataclasses.replace(
        factories.follow_up(),
        procedure=procedure,
        procedure_date=(received - dt.timedelta(days=days_after)).astimezone().date(),
        pain_before=before,
        pain_now=now,
        relief_percent=relief,
    )
    submit_request(database, request, "kiosk-1", now=received)


def test_the_table_reads_per_procedure_then_per_weeks_after_it(
    qtbot: QtBot, database: Database, tmp_path: Path
) -> None:
    _follow_up(database, days_after=3, before=8, now=2, relief=70)
    _follow_up(database, days_after=30, before=8, now=7, relief=10)
    _follow_up(database, days_after=31, before=6, now=3, relief=50)

    view = _view(qtbot, database, (1366, 1300), _titles(tmp_path))

    assert view.outcome_model.columnCount() == len(OUTCOME_COLUMNS)
    assert [view.outcome_row(row) for row in range(view.outcome_model.rowCount())] == [
        ["Sacroiliac (SI) joint injection", "All", "3", "8 \u2192 3", "67 % (2 of 3)", "67 % (2 of 3)", "4"],
        ["", "0-1 weeks", "1", "8 \u2192 2", "100 % (1 of 1)", "100 % (1 of 1)", "3.7"],
        ["", "2-5 weeks", "2", "7 \u2192 5", "50 % (1 of 2)", "50 % (1 of 2)", "4.7"],
    ]
    assert view.outcome_table.isVisible() and not view.outcome_none.isVisible()
    # Every row in sight in the table itself: the page scrolls, never the table.
    table = view.outcome_table
    last = table.visualRect(view.outcome_model.index(2, 0))
    assert last.bottom() <= table.viewport().height()


def test_with_no_follow_ups_it_says_so_and_the_figures_above_keep_the_first_screen(
    qtbot: QtBot, database: Database
) -> None:
    submit_request(database, factories.appointment(), "kiosk-1")

    view = _view(qtbot, database, (1366, 768))

    assert not view.outcome_table.isVisibleTo(view)
    assert view.outcome_none.text() == "No follow-up has come in during the last 12 months: nothing to measure yet."
    # The chart keeps its height: the outcomes are below it, reached by scrolling when they do not fit.
    assert view.chart_view.height() >= 260


def test_a_procedure_no_page_names_keeps_its_id(qtbot: QtBot, database: Database, tmp_path: Path) -> None:
    """A follow-up about a page since removed (or another clinic's) is listed by the id it recorded, not guessed."""
    _follow_up(database, days_after=3, before=8, now=2, relief=70, procedure="old-nerve-block")
    _follow_up(database, days_after=3, before=7, now=3, relief=60)

    view = _view(qtbot, database, (1366, 1300), _titles(tmp_path))

    procedures = [view.outcome_row(row)[0] for row in range(view.outcome_model.rowCount())]
    assert [name for name in procedures if name] == ["old-nerve-block", "Sacroiliac (SI) joint injection"]


def test_under_the_bands_a_second_table_reads_per_procedure_and_month_received(
    qtbot: QtBot, database: Database, tmp_path: Path
) -> None:
    _follow_up(database, days_after=3, before=8, now=2, relief=70)
    _follow_up(database, days_after=20, before=6, now=3, relief=50, days_ago=45)
    _follow_up(database, days_after=20, before=8, now=6, relief=10, days_ago=45)
    _follow_up(database, days_after=20, before=8, now=6, relief=10, days_ago=400)  # older than 12 months: left out
    _follow_up(database, days_after=3, before=5, now=5, relief=0, procedure="old-nerve-block")
    this_month = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).astimezone()
    earlier = (dt.datetime.now(dt.UTC) - dt.timedelta(days=45)).astimezone()

    view = _view(qtbot, database, (1366, 1300), _titles(tmp_path))

    assert view.month_model.columnCount() == len(MONTH_COLUMNS)
    assert [view.month_row(row) for row in range(view.month_model.rowCount())] == [
        ["old-nerve-block", f"{this_month:%b %Y}", "1", "5 \u2192 5", "0", "0 % (0 of 1)"],
        ["Sacroiliac (SI) joint injection", f"{earlier:%b %Y}", "2", "7 \u2192 4.5", "2.5", "50 % (1 of 2)"],
        ["", f"{this_month:%b %Y}", "1", "8 \u2192 2", "6", "100 % (1 of 1)"],
    ]
    assert view.month_table.isVisible() and view.month_heading.isVisible()
    table = view.month_table
    assert table.visualRect(view.month_model.index(2, 0)).bottom() <= table.viewport().height()


def test_with_no_follow_ups_the_month_table_is_not_shown(qtbot: QtBot, database: Database) -> None:
    view = _view(qtbot, database, (1366, 768))

    assert not view.month_table.isVisibleTo(view) and not view.month_heading.isVisibleTo(view)
