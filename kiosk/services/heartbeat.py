"""Each kiosk says "still here" once a minute, so the console can show which PCs went quiet."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from kiosk.services.heartbeat_spells import SpellBook, note_refusal, report_spells, sign_in_problems
from kiosk.services.workstations import record_start, this_workstation_name
from kiosk.storage.database import Database
from kiosk.storage.models import Workstation

log = logging.getLogger(__name__)

BEAT_SECONDS = 60
STALE_BEATS = 3  # the console warns about a PC not seen for longer than this many beats


def beat(database: Database, workstation: str, *, role: str = "kiosk", now: dt.datetime | None = None) -> None:
    """Record that `workstation` is running now: one small UPDATE of its last_seen_at.

    A PC missing from the table (its row was removed, or it started before this database
    existed) is recorded afresh. Raises SQLAlchemyError when the database cannot be reached.
    """
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    with database.transaction() as session:
        result = session.execute(
            update(Workstation).where(Workstation.name == workstation).values(last_seen_at=moment),
            execution_options={"synchronize_session": False},
        )
        found = getattr(result, "rowcount", 0)
    if not found:
        record_start(database, role=role, name=workstation)


class Heartbeat:
    """Beats on a worker thread when asked (kiosk.ui.heartbeat asks every BEAT_SECONDS): the patient's screen
    never waits for the database.

    A database that cannot be reached is logged once (and once more when it answers again);
    the kiosk goes on either way.
    """

    def __init__(self, database: Database, workstation: str | None = None, spells: SpellBook | None = None) -> None:
        self.database = database
        self.workstation = workstation or this_workstation_name()
        self.spells = spells  # a server setup's note of sign-in refusals, reported once a beat gets through
        self._running = threading.Lock()
        self._failing: bool | str = False  # the refusal's reason while refused, True while otherwise failing

    def start_beat(self) -> threading.Thread | None:
        """One beat in the background; skipped while the previous one still waits for a slow server."""
        if not self._running.acquire(blocking=False):
            return None
        worker = threading.Thread(target=self._beat, name="heartbeat", daemon=True)
        worker.start()
        return worker

    def _beat(self) -> None:
        now = dt.datetime.now(dt.UTC)
        try:
            beat(self.database, self.workstation)
        except SQLAlchemyError as exc:
            reason = note_refusal(self.spells, exc, now)
            if self._failing != (reason or True):
                # The class or the refusal's category only: a driver's message may carry the server's address and user.
                why = f"the server refused this kiosk: {reason}" if reason else type(exc).__name__
                log.warning("heartbeat not recorded (%s); the kiosk goes on and tries again", why)
            self._failing = reason or True
        else:
            if self._failing:
                log.info("heartbeat recorded again")
            self._failing = False
            self._report_spells(now)
        finally:
            self._running.release()

    def _report_spells(self, now: dt.datetime) -> None:
        if self.spells is None:
            return
        spells = self.spells.got_in(now)
        if not spells:
            return
        try:
            report_spells(self.database, self.workstation, spells)
        except SQLAlchemyError as exc:
            log.warning(
                "the kiosk's sign-in problems were not reported (%s); tried again next beat", type(exc).__name__
            )
            return
        self.spells.reported(len(spells))
        log.info("reported %d spell(s) when the server refused this kiosk", len(spells))


@dataclass(frozen=True)
class WorkstationSeen:
    """One PC as the console's Kiosks tab shows it (plain values, no live database objects)."""

    name: str
    role: str  # "kiosk" or "console"
    version: str
    last_seen_at: dt.datetime
    backlog: int  # requests waiting in its local outbox, as it last reported
    sign_in_problem: str = ""  # its latest reported spell of sign-in refusals within a day, as a sentence

    def quiet_for(self, now: dt.datetime) -> dt.timedelta:
        return max(now - self.last_seen_at, dt.timedelta(0))

    def stale(self, now: dt.datetime) -> bool:
        """A kiosk that missed STALE_BEATS beats in a row. Consoles do not beat: they record their start only."""
        return self.role == "kiosk" and self.quiet_for(now) > dt.timedelta(seconds=BEAT_SECONDS * STALE_BEATS)


def workstations_seen(database: Database) -> list[WorkstationSeen]:
    """Every PC that has used this database, kiosks first, then by name."""
    from kiosk.services.outbox import backlog_by_workstation

    backlog = backlog_by_workstation(database)
    problems = sign_in_problems(database)
    with database.read() as session:
        rows = session.execute(
            select(Workstation.name, Workstation.role, Workstation.app_version, Workstation.last_seen_at)
        ).all()
    seen = [
        WorkstationSeen(
            row.name, row.role, row.app_version, row.last_seen_at, backlog.get(row.name, 0), problems.get(row.name, "")
        )
        for row in rows
    ]
    return sorted(seen, key=lambda pc: (pc.role != "kiosk", pc.name.casefold()))


def quiet_words(quiet: dt.timedelta) -> str:
    """ "3 minutes", "1 hour", "2 days": how long a PC has been quiet, in words."""
    minutes = int(quiet.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days"


def last_seen_words(quiet: dt.timedelta) -> str:
    """ "Just now", "2 min ago", "3 h ago", "5 days ago"."""
    minutes = int(quiet.total_seconds() // 60)
    if minutes < 1:
        return "Just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"
