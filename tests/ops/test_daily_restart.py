"""The nightly restart: the real kiosk window ends its event loop with the planned code only when nobody is using it
while the clinic is closed, and a real supervisor starts it again at once without counting it as a crash."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.bench.walk import touch
from kiosk.ops.exit_codes import EXIT_RESTART_PLANNED
from kiosk.ops.run_report import stop_reason
from kiosk.ops.supervisor import RestartPolicy, Supervisor
from kiosk.services.navigation import ATTRACT
from kiosk.services.startup import KioskContext, load_context
from kiosk.ui.app import build_window
from kiosk.ui.daily_restart import DailyRestart, schedule_daily_restart
from kiosk.ui.window import KioskWindow

SETTINGS = (
    '[database]\nurl = "sqlite:///{database}"\n\n[lockdown]\nenabled = false\nclosed_screen = false\n\n'
    '[maintenance]\ndaily_restart = "03:30"\n'
)
MONDAY = dt.date(2026, 12, 7)  # the default hours: open 08:00-17:00 on weekdays


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def context(write_settings: Callable[[str], Path], tmp_path: Path) -> Iterator[KioskContext]:
    settings = write_settings(SETTINGS.format(database=(tmp_path / "kiosk.sqlite3").as_posix()))
    built = load_context(str(settings), kiosk=True)
    yield built
    built.close()


@pytest.fixture
def window(qtbot: QtBot, context: KioskContext) -> KioskWindow:
    built = build_window(context, 1280, 800)
    qtbot.add_widget(built)
    built.show()
    qtbot.wait_exposed(built)
    return built


def restart_for(window: KioskWindow, clock: Clock, ended: list[int]) -> DailyRestart:
    at = window.context.settings.maintenance.daily_restart
    assert at == dt.time(3, 30)
    restart = DailyRestart(window, at, clock, ended.append)
    restart.start()
    return restart


def test_at_night_on_the_attract_screen_the_kiosk_ends_with_the_planned_code(qtbot: QtBot, window: KioskWindow) -> None:
    clock = Clock(dt.datetime.combine(MONDAY - dt.timedelta(days=1), dt.time(22, 0)))  # up since Sunday night
    ended: list[int] = []
    restart = restart_for(window, clock, ended)
    clock.now = dt.datetime.combine(MONDAY, dt.time(3, 30))
    restart._check()  # the timer's slot, at 03:30 by the clock
    assert ended == [EXIT_RESTART_PLANNED]
    assert stop_reason(ended[0], None).startswith("daily restart while the clinic is closed")


def test_a_visit_in_progress_puts_the_restart_off_until_the_kiosk_is_back_on_attract(
    qtbot: QtBot, window: KioskWindow
) -> None:
    clock = Clock(dt.datetime.combine(MONDAY - dt.timedelta(days=1), dt.time(22, 0)))
    ended: list[int] = []
    restart = restart_for(window, clock, ended)
    touch(window.attract)  # someone at the kiosk at 03:30 (a night-shift visitor, a cleaner)
    qtbot.wait_until(lambda: window.navigator.current != ATTRACT)
    clock.now = dt.datetime.combine(MONDAY, dt.time(3, 30))
    restart._check()
    assert ended == []
    window.reset_for_next_patient()  # they left: the idle reset brings the attract loop back
    clock.now += dt.timedelta(minutes=1)
    restart._check()
    assert ended == [EXIT_RESTART_PLANNED]


def test_during_opening_hours_nothing_restarts(qtbot: QtBot, window: KioskWindow) -> None:
    clock = Clock(dt.datetime.combine(MONDAY, dt.time(9, 0)))
    ended: list[int] = []
    restart = restart_for(window, clock, ended)
    clock.now = dt.datetime.combine(MONDAY, dt.time(12, 0))
    restart._check()
    assert ended == []


def test_it_is_on_under_a_supervisor_and_never_where_nothing_would_start_the_kiosk_again(
    qtbot: QtBot, window: KioskWindow
) -> None:
    assert schedule_daily_restart(window, {"KIOSK_HEARTBEAT_FILE": "/run/beat"}) is not None
    assert schedule_daily_restart(window, {"INVOCATION_ID": "0123abcd"}) is not None  # a systemd service
    assert schedule_daily_restart(window, {}) is None  # `kiosk run` by hand: it would end for the night


def test_off_schedules_nothing(qtbot: QtBot, window: KioskWindow) -> None:
    off = window.context.settings.model_copy(
        update={"maintenance": window.context.settings.maintenance.model_copy(update={"daily_restart": None})}
    )
    window.context.settings = off
    assert schedule_daily_restart(window, {"INVOCATION_ID": "0123abcd"}) is None


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in kiosk is a POSIX process")
def test_the_supervisor_starts_a_planned_restart_again_at_once_and_never_backs_off(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Six planned restarts in a row, then a crash: the crash still counts as the first, restarted at once."""
    policy = RestartPolicy(first_delay=0.01, first_step=0.05, max_delay=0.4, calm_crashes=1, stable_seconds=60)
    script = tmp_path / "kiosk.py"
    script.write_text(
        "import sys\nfrom pathlib import Path\n"
        "p = Path(sys.argv[1]); n = len(p.read_text().splitlines()) + 1 if p.exists() else 1\n"
        "p.open('a').write('x\\n')\n"
        f"sys.exit({EXIT_RESTART_PLANNED} if n <= 6 else 1 if n == 7 else 3)\n",
        encoding="utf-8",
    )
    caplog.set_level("INFO")
    assert Supervisor([sys.executable, str(script), str(tmp_path / "starts")], policy).run() == 3
    assert len((tmp_path / "starts").read_text().splitlines()) == 8
    planned = [line for line in caplog.messages if "restarts as planned (daily restart)" in line]
    assert len(planned) == 6
    waits = [float(line.split("again in ")[1].split()[0]) for line in caplog.messages if "starting it again in" in line]
    assert waits == [0.0]  # the crash after them: the first short run, not the seventh
    assert not any("out-of-service" in line for line in caplog.messages)
