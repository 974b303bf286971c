"""`kiosk doctor`'s "drop folder" check: this PC's folder, and the shared queue's length and oldest entry.

Read-only like every doctor check: the folder is looked at, never created or written. A failing folder is a
WARN, not a FAIL: the kiosks serve patients and keep every change queued meanwhile (as the outbox check does).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.ops.doctor import Check, not_checked, ok, warn

if TYPE_CHECKING:
    from kiosk.config.settings import Settings
    from kiosk.services.handoff import HandoffStatus

NAME = "drop folder"


def handoff_check(settings: Settings, now: dt.datetime | None = None) -> Check:
    from sqlalchemy.exc import SQLAlchemyError

    from kiosk.ops.doctor_audit import _open_as_is
    from kiosk.storage.database import DatabaseBusy
    from kiosk.storage.schema_version import at_head

    folder = settings.handoff.drop_folder
    local = _folder_problem(folder) if folder is not None else None
    try:
        database = _open_as_is(settings)
    except DatabaseBusy:
        return warn(NAME, "not checked: the database is busy", "run `kiosk doctor` again once it is free")
    if database is None:
        return not_checked(NAME, "the database does not open (see database)")
    try:
        if not at_head(database.engine):
            return warn(NAME, "not checked: the database has an older layout", "run `kiosk db upgrade`")
        from kiosk.services.handoff import handoff_status

        status = handoff_status(database)
    except SQLAlchemyError as exc:
        return not_checked(NAME, f"the database could not be read ({type(exc).__name__})")
    finally:
        database.close()
    return _verdict(folder, local, status, now or dt.datetime.now(dt.UTC))


def _folder_problem(folder: Path) -> tuple[str, str] | None:
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "is not there"
        return what, "connect the share or correct [handoff] drop_folder (the kiosk never creates it)"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "cannot be written by this account", "give the kiosk's account the right to write there"
    return None


def _verdict(folder: Path | None, local: tuple[str, str] | None, status: HandoffStatus, now: dt.datetime) -> Check:
    from kiosk.services.handoff_words import fix_for, stalled, trouble, trouble_words, waiting_words

    waiting = waiting_words(status)
    if folder is None and not status.enabled:
        return ok(NAME, "none set: requests are not written for the record system ([handoff] drop_folder)")
    if local is not None:
        return warn(NAME, f"{folder} {local[0]}; {waiting}, nothing is lost", local[1])
    if folder is not None and not status.enabled:
        return warn(NAME, f"{folder} is set but no writer has started yet", "start the console or `kiosk handoff run`")
    problem = trouble(status)
    if problem is not None:
        by = f" (seen by {status.checked_by})" if status.checked_by else ""
        return warn(NAME, f"the folder {trouble_words(problem)}{by}; {waiting}, nothing is lost", fix_for(problem))
    if stalled(status, now):
        return warn(
            NAME,
            f"{waiting}, and no PC has written them",
            "start the console or `kiosk handoff run` on the PC whose settings name the drop folder",
        )
    where = f"{folder} is writable" if folder is not None else "written by another PC"
    last = f", last file at {status.last_written_at.astimezone():%H:%M}" if status.last_written_at else ""
    return ok(NAME, f"{where}; {waiting}{last}")
