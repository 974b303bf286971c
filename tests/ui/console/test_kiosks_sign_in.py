"""A kiosk the server refuses (a wrong password in its database.url, on a real PostgreSQL server) cannot write there,
so it notes the spell itself (the reason's category, when; no patient data, owner-only) and logs it once; once it gets
in, it reports the spell and the Kiosks tab lists it with the reason."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from kiosk.services.heartbeat import Heartbeat
from kiosk.services.heartbeat_spells import PASSWORD_REFUSED, SpellBook, refusal_reason
from kiosk.services.workstations import record_start
from kiosk.storage.database import Database
from kiosk.ui.console.kiosks_view import COLUMNS, KiosksView

WRONG = "not-the-password-4u"


def beat_once(heartbeat: Heartbeat) -> None:
    worker = heartbeat.start_beat()
    assert worker is not None
    worker.join(30)


def test_a_kiosk_refused_by_the_server_says_why_once_it_gets_in(
    qtbot: QtBot, pg_database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    record_start(pg_database, role="kiosk", name="waiting-room-2")  # it was seen once, before its password changed
    right = pg_database.engine.url.render_as_string(hide_password=False)
    wrong = Database.open(make_url(right).set(password=WRONG).render_as_string(hide_password=False))
    book = SpellBook(tmp_path / "sign-in-problems.json")
    caplog.set_level(logging.INFO, logger="kiosk.services.heartbeat")
    try:
        refused = Heartbeat(wrong, "waiting-room-2", spells=book)
        for _ in range(3):
            beat_once(refused)
    finally:
        wrong.close()

    # The kiosk knows why, and says it once in its log, in words IT can act on.
    current = book.current()
    assert current is not None and current[0] == PASSWORD_REFUSED
    lines = [record.getMessage() for record in caplog.records if record.name == "kiosk.services.heartbeat"]
    assert lines == [
        "heartbeat not recorded (the server refused this kiosk: password refused); the kiosk goes on and tries again"
    ]
    note = book.path.read_text(encoding="utf-8")
    assert WRONG not in note and "waiting-room" not in note  # the reason's category and times only
    assert stat.S_IMODE(book.path.stat().st_mode) == 0o600

    # IT corrects the password: the next beat gets in and reports the spell, once.
    fixed = Heartbeat(pg_database, "waiting-room-2", spells=book)
    beat_once(fixed)
    beat_once(fixed)
    assert book.current() is None and book.got_in(current[1]) == []

    view = KiosksView(pg_database)
    qtbot.add_widget(view)
    view.show()
    qtbot.waitUntil(lambda: view.loaded > 0, timeout=10_000)
    row = next(n for n in range(view.model.rowCount()) if view.model.pcs[n].name == "waiting-room-2")
    shown = view.model.text(row, COLUMNS.index("Server sign-in"))
    began = current[1].astimezone()
    assert shown.startswith(f"⚠ Could not sign in {began:%H:%M}\u2013"), shown
    assert shown.endswith(": password refused")
    assert "waiting-room-2 could not sign in " in view.warning.text()
    assert view.warning.text().endswith(": password refused. Check database.url on that kiosk with IT.")


def test_a_server_that_is_simply_away_is_not_taken_for_a_refusal(postgres_server: object) -> None:
    stopped = Database.open("postgresql+psycopg://kiosk:pw@127.0.0.1:9/kiosk?connect_timeout=2&sslmode=disable")
    try:
        with pytest.raises(Exception) as failure, stopped.read() as session:
            session.connection()
    finally:
        stopped.close()
    assert refusal_reason(failure.value) is None
