"""The drop folder's state in words, for the console's line and `kiosk doctor`: calm, and saying what to do."""

from __future__ import annotations

import datetime as dt

from kiosk.services.handoff import FolderState, HandoffStatus

# Entries older than this while the folder looks fine mean no PC is writing them (its console or service is off).
STALLED_AFTER = dt.timedelta(minutes=10)

_TROUBLE = {
    FolderState.MISSING: "cannot be reached",
    FolderState.NOT_WRITABLE: "cannot be written to",
    FolderState.FULL: "is full",
    FolderState.FAILING: "could not take a file",
    FolderState.UNREADABLE: "waits on a request from a newer version of the kiosk program",
}
_FIX = {
    FolderState.MISSING: "connect the share again or correct [handoff] drop_folder",
    FolderState.NOT_WRITABLE: "give the kiosk's account the right to write there",
    FolderState.FULL: "make room on that disk",
    FolderState.FAILING: "see the kiosk's log on that PC",
    FolderState.UNREADABLE: "update the kiosk program on the PC that writes the folder",
}


def _at(moment: dt.datetime | None) -> str:
    return "" if moment is None else f"{moment.astimezone():%H:%M}"


def waiting_words(status: HandoffStatus) -> str:
    if status.waiting == 0:
        return "nothing waits"
    if status.waiting == 1:
        return f"1 change waits since {_at(status.oldest_waiting)}"
    return f"{status.waiting:,} changes wait, the oldest since {_at(status.oldest_waiting)}"


def trouble(status: HandoffStatus) -> FolderState | None:
    """The folder's problem, or None while it takes files (or nothing is switched on)."""
    if not status.enabled or status.folder_state in (FolderState.OK, FolderState.UNKNOWN):
        return None
    return status.folder_state


def stalled(status: HandoffStatus, now: dt.datetime) -> bool:
    """Changes wait for a while, yet no writer reports a problem: no PC is writing them."""
    return (
        status.enabled
        and trouble(status) is None
        and status.oldest_waiting is not None
        and now - status.oldest_waiting > STALLED_AFTER
    )


def status_line(status: HandoffStatus, now: dt.datetime) -> str:
    """One sentence for the console (empty when no drop folder is in use: nothing to say)."""
    if not status.enabled:
        return ""
    problem = trouble(status)
    if problem is not None:
        since = f" since {_at(status.state_since)}" if status.state_since else ""
        return (
            f"⚠ The record system's drop folder {_TROUBLE[problem]}{since}: {waiting_words(status)} and nothing is"
            f" lost; they are written as soon as it works again. IT: {_FIX[problem]}."
        )
    if stalled(status, now):
        return (
            f"⚠ Drop folder for the record system: {waiting_words(status)}; no PC has written them."
            " IT: start the console or `kiosk handoff run` on the PC whose settings name the drop folder."
        )
    last = f" (last file at {_at(status.last_written_at)})" if status.last_written_at else ""
    return f"Drop folder for the record system: {waiting_words(status)}{last}."


def fix_for(problem: FolderState) -> str:
    return _FIX[problem]


def trouble_words(problem: FolderState) -> str:
    return _TROUBLE[problem]
