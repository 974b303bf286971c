"""The kiosk's optional nightly restart ([maintenance] daily_restart): when it is due and nobody is using the
kiosk, `kiosk run` ends with EXIT_RESTART_PLANNED and its supervisor (systemd or `kiosk supervise`) starts it again.

Invisible to patients: it happens only while the clinic is closed (kiosk.services.daily_restart), on the closed
or attract screen, with no staff console open; the closed screen is back within seconds.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Mapping

from kiosk.qt import QCoreApplication, QObject, QTimer

from kiosk.config.settings import OpeningHours
from kiosk.ops.exit_codes import EXIT_RESTART_PLANNED
from kiosk.ops.watchdog import HEARTBEAT_ENV
from kiosk.services.daily_restart import may_restart_now, next_restart
from kiosk.services.navigation import ATTRACT
from kiosk.ui.window import KioskWindow

log = logging.getLogger(__name__)

# Never one long wait: a timer counts monotonic time, so a clock set right (NTP, daylight saving) or a night
# in suspend is seen within the hour.
LONGEST_WAIT_MS = 3_600_000
BUSY_RETRY_MS = 60_000  # a patient, or staff, at the kiosk at restart time: look again in a minute


class DailyRestart(QObject):
    """Waits for the restart time, then restarts once the kiosk is quiet; `exit` ends the event loop."""

    def __init__(
        self,
        window: KioskWindow,
        at: dt.time,
        clock: Callable[[], dt.datetime] = dt.datetime.now,
        end_with: Callable[[int], None] = QCoreApplication.exit,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._at = at
        self._clock = clock
        self._end_with = end_with
        self._started = clock()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        self.restarted = False

    def start(self) -> None:
        self._arm()
        due = next_restart(self._hours(), self._at, self._clock(), self._started)
        if due is None:
            log.warning(
                "daily restart at %s never happens: the clinic is open at that time every day ([clinic.hours])",
                self._at.strftime("%H:%M"),
            )
        else:
            log.info("daily restart planned for %s, once nobody is using the kiosk", due.strftime("%Y-%m-%d %H:%M"))

    def _hours(self) -> OpeningHours:
        return self._window.context.settings.clinic.hours

    def _arm(self, at_most_ms: int = LONGEST_WAIT_MS) -> None:
        now = self._clock()
        due = next_restart(self._hours(), self._at, now, self._started)
        wait_ms = at_most_ms if due is None else int((due - now).total_seconds() * 1000)
        self._timer.start(max(0, min(wait_ms, at_most_ms)))

    def quiet(self) -> bool:
        """Nobody is using the kiosk: the closed or attract screen, no urgent hold, no console, no card up."""
        window = self._window
        return (
            window.navigator.current == ATTRACT
            and not window.idle.holding
            and window.staff_entry.console is None
            and not window.idle_warning.isVisible()
        )

    def _check(self) -> None:
        now = self._clock()
        if not may_restart_now(self._hours(), self._at, now, self._started):
            self._arm()
            return
        if not self.quiet():
            self._arm(BUSY_RETRY_MS)
            return
        self.restarted = True
        log.info("daily restart: the clinic is closed and nobody is using the kiosk; restarting now")
        self._end_with(EXIT_RESTART_PLANNED)


def restarted_by_someone(environ: Mapping[str, str] | None = None) -> bool:
    """Something starts the kiosk again when it ends: `kiosk supervise` (its heartbeat file) or systemd (the
    notify socket of Type=notify, or the invocation id every systemd service gets)."""
    env = os.environ if environ is None else environ
    return any(env.get(name) for name in (HEARTBEAT_ENV, "NOTIFY_SOCKET", "INVOCATION_ID"))


def schedule_daily_restart(window: KioskWindow, environ: Mapping[str, str] | None = None) -> DailyRestart | None:
    """Start the nightly restart when [maintenance] daily_restart names a time; None when it is off, or when
    nothing would start the kiosk again (`kiosk run` by hand): a restart there would end it for the night."""
    at = window.context.settings.maintenance.daily_restart
    if at is None:
        return None
    if not restarted_by_someone(environ):
        log.info("daily restart skipped: this kiosk was not started by `kiosk supervise` or systemd")
        return None
    restart = DailyRestart(window, at)
    restart.start()
    return restart
