"""`kiosk report outcomes` as clinic IT types it, against a real database file: figures, JSON, audit, bad dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.cli.main import main
from kiosk.services.queue import local_day_start
from kiosk.services.requests import submit_request
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry
from tests.services import factories

pytestmark = pytest.mark.usefixtures("database")

PROCEDURE_DAY = dt.date(2025, 1, 6)


def _kiosk(settings_file: Path, *args: str) -> int:
    return main(["--config", str(settings_file), *args])


def _follow_ups(database: Database) -> None:
    for weeks, before, now in ((1, 8, 2), (4, 8, 7), (4, 6, 3)):
        request = dataclasses.replace(
            factories.follow_up(), procedure="si-joint-injection", pain_before=before, pain_now=now
        )
        received = local_day_start(PROCEDURE_DAY + dt.timedelta(weeks=weeks)) + dt.timedelta(hours=9)
        submit_request(database, request, "kiosk-1", now=received)


def test_the_table_shows_each_procedure_and_band_and_the_rules(
    settings_file: Path, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _follow_ups(database)

    assert _kiosk(settings_file, "report", "outcomes") == 0

    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Follow-ups received, all days: 3."
    assert lines[2].split() == [
        "Procedure", "Weeks", "Follow-ups", "Pain", "before", "Pain", "now", "Change", "30%", "better", "50%",
        "relief", "PEG-3",
    ]  # fmt: skip
    # The procedure by its page's title (resources/content), as the console's Overview names it.
    title = ["Sacroiliac", "(SI)", "joint", "injection"]
    assert lines[3].split() == [*title, "all", "3", "8.0", "3.0", "3.0", "2/3", "(67", "%)", "3/3",
                                "(100", "%)", "4.0"]  # fmt: skip
    assert lines[4].split()[:6] == [*title, "0-1", "1"]
    assert lines[5].split()[:6] == [*title, "2-5", "2"]
    assert "30% better: pain now at least 30 % lower than before" in out
    for private in ("Ñúñez", "555", factories.follow_up().concerns):
        assert private not in out


def test_json_and_a_period_and_the_report_is_audited_for_the_os_user(
    settings_file: Path, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _follow_ups(database)
    start = (PROCEDURE_DAY + dt.timedelta(weeks=2)).isoformat()

    assert _kiosk(settings_file, "report", "outcomes", "--json", "--from", start) == 0

    figures = json.loads(capsys.readouterr().out)
    assert figures["received_from"] == start and figures["follow_ups"] == 2
    assert [(g["weeks"], g["follow_ups"], g["improved"]) for g in figures["groups"]] == [("all", 2, 1), ("2-5", 2, 1)]
    assert {(g["procedure"], g["title"]) for g in figures["groups"]} == {
        ("si-joint-injection", "Sacroiliac (SI) joint injection")
    }
    with database.transaction() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert (entry.actor, entry.action, entry.target) == (f"cli:{getpass.getuser()}", "export", "outcomes report")
    assert entry.detail == "2 follow-ups, counts and medians only"


@pytest.mark.parametrize(
    ("flags", "sentence"),
    [
        (["--from", "31/01/2025"], "'31/01/2025' is not a date: write it as YYYY-MM-DD, like 2025-03-31"),
        (["--from", "2025-03-01", "--to", "2025-02-01"], "--from 2025-03-01 is after --to 2025-02-01: swap them"),
    ],
)
def test_a_bad_date_is_one_sentence(
    settings_file: Path, flags: list[str], sentence: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        _kiosk(settings_file, "report", "outcomes", *flags)

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert sentence in err and "Traceback" not in err


def test_the_months_follow_the_bands_in_text_and_json(
    settings_file: Path, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _follow_ups(database)  # received on 13 January and (two) on 3 February 2025

    assert _kiosk(settings_file, "report", "outcomes", "--to", "2025-02-28") == 0
    out = capsys.readouterr().out
    assert _kiosk(settings_file, "report", "outcomes", "--to", "2025-02-28", "--json") == 0
    figures = json.loads(capsys.readouterr().out)

    lines = out.splitlines()
    heading = lines.index("Per month the follow-up was received, last 12 months (months without follow-ups left out):")
    assert lines[heading + 2].split() == [
        "Procedure", "Month", "Follow-ups", "Pain", "before", "Pain", "now", "Change", "50%", "relief",
    ]  # fmt: skip
    title = ["Sacroiliac", "(SI)", "joint", "injection"]
    assert lines[heading + 3].split() == [*title, "2025-01", "1", "8.0", "2.0", "6.0", "1/1", "(100", "%)"]
    assert lines[heading + 4].split() == [*title, "2025-02", "2", "7.0", "5.0", "2.0", "2/2", "(100", "%)"]
    assert [(m["month"], m["follow_ups"], m["median_change"]) for m in figures["by_month"]] == [
        ("2025-01", 1, 6.0),
        ("2025-02", 2, 2.0),
    ]
    assert [g["weeks"] for g in figures["groups"]] == ["all", "0-1", "2-5"]  # the bands are still there


def test_with_no_follow_up_in_the_last_months_the_text_says_so(
    settings_file: Path, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _follow_ups(database)

    assert _kiosk(settings_file, "report", "outcomes", "--to", "2026-06-30") == 0

    assert "Per month: no follow-up was received in the last 12 months of this period." in capsys.readouterr().out
