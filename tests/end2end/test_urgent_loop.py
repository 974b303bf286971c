"""The urgent loop from outside: a real `kiosk run` process sends a follow-up with a warning sign, and the
reception console open in this process (another process, as at the front desk) raises its red banner.

On the encrypted SQLite file and on PostgreSQL; and on PostgreSQL with the server down while the patient
sends, so the request waits in the kiosk's outbox and raises the alarm when it is forwarded.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config.settings import Settings, StaffSettings
from kiosk.domain.reference import format_reference
from kiosk.domain.staff import Role
from kiosk.services.accounts import AccountRules, create_account
from kiosk.storage.database import Database
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.window import ConsoleWindow
from tests.postgres_server import PostgresServer, settings_of
from tests.ui.console.conftest import ADMIN, ADMIN_PASSWORD, SETUP, WORKSTATION, signed_in

pytestmark = pytest.mark.slow  # a real `kiosk run` process sending to the console in this one

ROOT = Path(__file__).resolve().parents[2]
CONFIRMED_WITHIN_S = 120  # a cold kiosk start, the whole form and the send, on a busy CI machine
BANNER_WITHIN_MS = 10_000  # a liveness limit only: the 2 s target is measured by `kiosk bench`
FORWARDED_WITHIN_MS = 40_000  # the outbox is forwarded every 10 s once the server answers again


class PatientKiosk:
    """`python -m tests.end2end.patient_kiosk CONFIG`: the real kiosk process, with a patient at it."""

    def __init__(self, config: Path, home: Path) -> None:
        env = {
            **os.environ,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.end2end.patient_kiosk", str(config)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.strip())

    def confirmed_code(self, qtbot: QtBot) -> str:
        """The code the patient saw, once the confirmation is on the kiosk's screen (the console keeps running)."""
        found: list[str] = []

        def said() -> bool:
            with contextlib.suppress(queue.Empty):
                while True:
                    line = self._lines.get_nowait()
                    assert not line.startswith("FAILED"), line
                    if line.startswith("CONFIRMED "):
                        found.append(line)
            return bool(found)

        qtbot.waitUntil(said, timeout=CONFIRMED_WITHIN_S * 1000)
        _, code, urgent = found[0].split()
        assert urgent == "urgent=True", found[0]
        return code

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _settings_file(tmp_path: Path, database: Database) -> Path:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[database]\n{settings_of(database)}outbox_path = "{(tmp_path / "outbox.sqlite3").as_posix()}"\n'
        f'\n[logging]\nfolder = "{(tmp_path / "logs").as_posix()}"\n',
        encoding="utf-8",
    )
    config.chmod(0o600)  # a PostgreSQL URL holds the server's password: a file others can read is refused
    return config


@pytest.fixture
def desk(qtbot: QtBot) -> Iterator[list[ConsoleWindow]]:
    opened: list[ConsoleWindow] = []
    yield opened
    for window in opened:
        window.close()  # joins the urgent watcher before the database closes


def _signed_in_console(qtbot: QtBot, database: Database, opened: list[ConsoleWindow]) -> ConsoleWindow:
    settings = Settings(staff=StaffSettings())
    create_account(
        database, username=ADMIN, display_name="Ada", role=Role.ADMIN, password=ADMIN_PASSWORD,
        rules=AccountRules.from_settings(settings.staff), by=SETUP,
    )  # fmt: skip
    window = ConsoleWindow(ConsoleContext(database, settings, WORKSTATION))
    qtbot.add_widget(window)
    opened.append(window)
    window.resize(1366, 768)
    window.show()
    qtbot.wait_exposed(window)
    signed_in(qtbot, window)
    return window


def _banner(window: ConsoleWindow) -> str:
    return window.urgent.message.text() if window.urgent.isVisible() else ""


@pytest.fixture
def patient(tmp_path: Path) -> Iterator[list[PatientKiosk]]:
    started: list[PatientKiosk] = []
    yield started
    for kiosk in started:
        kiosk.stop()


def test_a_warning_sign_sent_at_a_real_kiosk_raises_the_banner_at_the_desk(
    qtbot: QtBot,
    tmp_path: Path,
    any_database: Database,
    desk: list[ConsoleWindow],
    patient: list[PatientKiosk],
) -> None:
    console = _signed_in_console(qtbot, any_database, desk)
    assert _banner(console) == ""

    patient.append(PatientKiosk(_settings_file(tmp_path, any_database), tmp_path / "home"))
    code = format_reference(patient[0].confirmed_code(qtbot))

    qtbot.waitUntil(lambda: code in _banner(console), timeout=BANNER_WITHIN_MS)
    assert _banner(console) == f"⚠ 1 urgent request waiting — {code}: bladder or bowel changes"
    assert console.windowTitle().startswith("(1 urgent) ")


def test_a_request_that_waited_in_the_outbox_raises_the_alarm_when_it_is_forwarded(
    qtbot: QtBot,
    tmp_path: Path,
    pg_database: Database,
    server_comes_back: PostgresServer,
    desk: list[ConsoleWindow],
    patient: list[PatientKiosk],
) -> None:
    console = _signed_in_console(qtbot, pg_database, desk)
    config = _settings_file(tmp_path, pg_database)
    server_comes_back.stop()
    # The desk is told it cannot check, rather than seeing a calm "nothing urgent".
    qtbot.waitUntil(lambda: "Cannot check for new requests" in _banner(console), timeout=BANNER_WITHIN_MS)

    patient.append(PatientKiosk(config, tmp_path / "home"))
    code = format_reference(patient[0].confirmed_code(qtbot))  # from the kiosk's outbox, server down

    server_comes_back.start()
    qtbot.waitUntil(lambda: code in _banner(console), timeout=FORWARDED_WITHIN_MS)
    assert _banner(console) == f"⚠ 1 urgent request waiting — {code}: bladder or bowel changes"
