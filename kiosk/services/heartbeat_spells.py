"""A kiosk that cannot sign in to the server keeps a note of it, and tells the desk once it gets in.

While the server refuses a kiosk (a wrong password, a missing role, no TLS, no rights on the tables), the kiosk cannot
write anything there, so the console can only see it fall quiet. The kiosk therefore notes each spell locally (the
reason's category and when it began and ended: no patient data) in a small owner-only file beside its outbox, and
once a beat gets through it writes each finished spell to the audit trail ("could not sign in 10:02-10:40: password
refused"), where the Kiosks tab reads it (a failed authentication belongs in the trail). A server that is simply
unreachable is not noted: the Kiosks tab already says "not seen" and "unknown since" for that.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from kiosk.domain.audit import AuditAction, Outcome
from kiosk.services.audit import record
from kiosk.storage.database import Database
from kiosk.storage.models import AuditEntry
from kiosk.storage.pg_security import is_tls_refusal

log = logging.getLogger(__name__)

# Who writes the rows: not a staff account (usernames hold no colon), so no one's sign-in waits count them.
SPELL_ACTOR = "kiosk:database"
SPELL_TARGET = "database server"
SPELLS_FILE = "sign-in-problems.json"  # beside the outbox
SHOWN_FOR = dt.timedelta(hours=24)  # the Kiosks tab shows a kiosk's sign-in problem for a day after it ended

PASSWORD_REFUSED = "password refused"
NOT_ALLOWED = "account not allowed (no such role, or no pg_hba.conf entry)"
TLS_REFUSED = "encrypted connection refused"
NO_RIGHTS = "no rights on the tables"
NO_DATABASE = "no such database"


def refusal_reason(exc: BaseException) -> str | None:
    """Why the server refused this kiosk, as a category (no names, no addresses), or None when it did not refuse
    (stopped, cut off, hung: the Kiosks tab says "not seen" for those)."""
    original = getattr(exc, "orig", None) or exc
    sqlstate = getattr(original, "sqlstate", None) or getattr(getattr(original, "diag", None), "sqlstate", None)
    text = str(original).lower()
    if is_tls_refusal(exc):
        return TLS_REFUSED
    if sqlstate == "28P01" or "password authentication failed" in text:
        return PASSWORD_REFUSED
    if sqlstate == "28000" or "no pg_hba.conf entry" in text or ("role" in text and "does not exist" in text):
        return NOT_ALLOWED
    if sqlstate == "42501":
        return NO_RIGHTS
    if sqlstate == "3D000":
        return NO_DATABASE
    return None


@dataclass(frozen=True)
class Spell:
    began: dt.datetime
    ended: dt.datetime
    reason: str

    def sentence(self) -> str:
        """ "Could not sign in 10:02-10:40: password refused", in this PC's time (the date too if not today)."""
        began, ended = self.began.astimezone(), self.ended.astimezone()
        day = "" if began.date() == dt.datetime.now().astimezone().date() else f"{began.day} {began:%b} "
        return f"Could not sign in {day}{began:%H:%M}\u2013{ended:%H:%M}: {self.reason}"


class SpellBook:
    """The kiosk's own note of sign-in refusals, kept in `path` (JSON, readable by the kiosk's account only)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def refused(self, reason: str, now: dt.datetime) -> bool:
        """A beat was refused for `reason`; True when this starts a new spell (the first, or another reason)."""
        state = self._load()
        current = state.get("current")
        if current is not None and current["reason"] == reason:
            current["last"] = now.isoformat()
            self._save(state)
            return False
        if current is not None:
            state["finished"].append(_ended(current, now))
        state["current"] = {"reason": reason, "began": now.isoformat(), "last": now.isoformat()}
        self._save(state)
        return True

    def got_in(self, now: dt.datetime) -> list[Spell]:
        """A beat got through: the spell going on ends now; every spell not yet reported, oldest first."""
        state = self._load()
        if state.get("current") is not None:
            state["finished"].append(_ended(state["current"], now))
            state["current"] = None
            self._save(state)
        return [
            Spell(dt.datetime.fromisoformat(s["began"]), dt.datetime.fromisoformat(s["ended"]), s["reason"])
            for s in state["finished"]
        ]

    def reported(self, count: int) -> None:
        """The first `count` finished spells are in the server's trail: forget them here."""
        state = self._load()
        state["finished"] = state["finished"][count:]
        self._save(state)

    def current(self) -> tuple[str, dt.datetime] | None:
        """The refusal going on now (its reason and since when), for this kiosk's own log and doctor."""
        current = self._load().get("current")
        return None if current is None else (current["reason"], dt.datetime.fromisoformat(current["began"]))

    def _load(self) -> dict:  # type: ignore[type-arg]
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"current": None, "finished": []}
        if not isinstance(state, dict) or not isinstance(state.get("finished"), list):
            return {"current": None, "finished": []}
        return state

    def _save(self, state: dict) -> None:  # type: ignore[type-arg]
        # Written whole then renamed, owner-only: a power cut leaves the old note or the new, never half of one.
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(self.path.name + ".new")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(state, file)
            os.replace(partial, self.path)
        except OSError as exc:
            log.warning("the kiosk's note of sign-in problems could not be written (%s)", type(exc).__name__)


def _ended(current: dict, now: dt.datetime) -> dict:  # type: ignore[type-arg]
    # It ended when the refusals stopped: the last refused beat, or now if the reason changed at once.
    return {"began": current["began"], "ended": current.get("last") or now.isoformat(), "reason": current["reason"]}


def report_spells(database: Database, workstation: str, spells: list[Spell]) -> None:
    """Write each finished spell to the audit trail, in one transaction (the kiosk got in: it may write again)."""
    with database.transaction() as session:
        for spell in spells:
            record(
                session,
                actor=SPELL_ACTOR,
                workstation=workstation,
                action=AuditAction.LOGIN_FAILED,
                target=SPELL_TARGET,
                outcome=Outcome.FAILED,
                detail=spell.sentence() + f" (UTC {spell.began:%Y-%m-%d %H:%M}\u2013{spell.ended:%H:%M})",
                now=spell.ended,
            )


def sign_in_problems(database: Database, now: dt.datetime | None = None) -> dict[str, str]:
    """Each PC's latest reported sign-in refusal that ended within SHOWN_FOR, as its sentence."""
    since = (now or dt.datetime.now(dt.UTC)) - SHOWN_FOR
    with database.read() as session:
        rows = session.execute(
            select(AuditEntry.workstation, AuditEntry.detail)
            .where(
                AuditEntry.actor == SPELL_ACTOR,
                AuditEntry.action == AuditAction.LOGIN_FAILED.value,
                AuditEntry.at >= since,
            )
            .order_by(AuditEntry.id)
        ).all()
    # The detail ends with the UTC times for the trail; the tab shows the sentence in this PC's time before it.
    return {row.workstation: row.detail.rsplit(" (UTC ", 1)[0] for row in rows}


def note_refusal(book: SpellBook | None, exc: SQLAlchemyError, now: dt.datetime) -> str | None:
    """Note a failed beat; the reason when it is a refusal (logged by the caller once per spell), else None."""
    reason = refusal_reason(exc)
    if reason is not None and book is not None:
        with contextlib.suppress(OSError):
            book.refused(reason, now)
    return reason
