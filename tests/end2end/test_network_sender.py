"""The kiosk's own RequestSender (the Qt worker the form sends through) behind a cut network to a real PostgreSQL
server (a relay the test controls): a send is confirmed from the encrypted outbox even while a forwarding pass is
stuck on the silent server, the screen thread keeps running, and once the link is back the request is on the
server exactly once with the code the patient was shown."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.qt import QTimer

from kiosk.config.settings import DatabaseSettings, Settings
from kiosk.services.outbox import forwarding_pass, pending_count
from kiosk.services.workstations import record_start
from kiosk.storage.database import Database
from kiosk.storage.models import RequestRecord
from kiosk.ui.forms.request_sender import RequestSender, SubmitOutcome
from tests.postgres_server import PostgresServer
from tests.services import factories
from tests.tcp_relay import TcpRelay

pytestmark = pytest.mark.slow
KIOSK = "waiting-room-1"
GUI_GAP_S = 0.1


@pytest.fixture
def kiosk(pg_database: Database, postgres_server: PostgresServer) -> Iterator[tuple[Database, TcpRelay]]:
    record_start(pg_database, role="kiosk", name=KIOSK)
    with TcpRelay(postgres_server.port) as relay:
        url = pg_database.engine.url.set(port=relay.port).render_as_string(hide_password=False)
        database = Database.open(url)
        try:
            yield database, relay
        finally:
            relay.mend()
            database.close()


def test_a_send_is_confirmed_from_the_outbox_while_forwarding_hangs_on_a_silent_server(
    qtbot: QtBot, kiosk: tuple[Database, TcpRelay], pg_database: Database, tmp_path: Path
) -> None:
    database, relay = kiosk
    settings = Settings(
        database=DatabaseSettings(url=pg_database.engine.url.render_as_string(), outbox_path=tmp_path / "outbox.db")
    )
    sender = RequestSender(settings, lambda: database, KIOSK)
    sender.forward_timer.stop()  # the test says when to forward
    outcomes: list[SubmitOutcome] = []
    sender.finished.connect(outcomes.append)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    try:
        qtbot.waitUntil(lambda: sender._forwarding is not None and sender._forwarding.done(), timeout=15_000)
        relay.cut()
        timer.start()
        sender.forward_soon()  # a pass that hangs on the silent server
        qtbot.wait(200)
        assert sender._forwarding is not None and not sender._forwarding.done()
        request = factories.appointment()
        sender.send(request)
        qtbot.waitUntil(lambda: bool(outcomes), timeout=10_000)
        timer.stop()

        outcome = outcomes[0]
        assert outcome.failure is None and outcome.receipt is not None  # the patient sees the confirmation
        outbox = sender._outbox()
        assert pending_count(outbox) == 1  # backed by the outbox, not the hung server
        gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
        assert max(gaps) <= GUI_GAP_S, f"the screen thread stopped for {max(gaps):.3f} s"

        relay.mend()
        qtbot.waitUntil(lambda: sender._forwarding is None or sender._forwarding.done(), timeout=30_000)
        for _ in range(20):
            if forwarding_pass(outbox, database, KIOSK).waiting == 0:
                break
            qtbot.wait(500)
        with pg_database.read() as session:
            stored = session.scalars(select(RequestRecord).where(RequestRecord.id == str(request.request_id))).all()
        assert [row.reference for row in stored] == [outcome.receipt.reference]
    finally:
        timer.stop()
        sender.close()
