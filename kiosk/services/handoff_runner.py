"""Runs the drop folder's writer again and again: every few seconds while the folder works, backing off while not.

Used by `kiosk handoff run` (a service on one PC) and by the console of a PC whose settings name a drop folder
(docs/it/fhir.md says which to choose). A change of the folder's state is logged once, when it happens, with
the folder's path and the queue's length, never a patient's data; a folder that keeps failing is retried
with a growing pause (up to MAX_PAUSE_S), so a share that is away for hours costs almost nothing.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from kiosk.services.handoff import DrainResult, FolderState, HandoffWriter, switch_on
from kiosk.storage.database import Database
from kiosk.storage.output_files import InstallationFiles

log = logging.getLogger(__name__)

MAX_PAUSE_S = 300.0
_WHAT = {
    FolderState.MISSING: "is not there (a share not connected, or the folder moved or removed)",
    FolderState.NOT_WRITABLE: "cannot be written by this account (read-only, or no permission)",
    FolderState.FULL: "is full",
    FolderState.FAILING: "could not take a file",
    FolderState.UNREADABLE: (
        "waits on a request stored by a newer version of the kiosk program: update the program on this PC"
    ),
}


class HandoffRunner:
    """`step()` drains once and says how long to wait; `run(stop)` repeats it until `stop` is set."""

    def __init__(
        self,
        database: Database,
        folder: Path,
        workstation: str,
        *,
        check_seconds: float = 5.0,
        installation: InstallationFiles | None = None,
    ) -> None:
        self._database = database
        self._folder = folder
        self._writer = HandoffWriter(database, folder, workstation, installation)
        self._check_s = check_seconds
        self._failures = 0
        self._logged: FolderState | str | None = None  # what was last logged: a folder state, or "database"
        self._switched_on = False

    def step(self) -> float:
        """One pass: the seconds to wait before the next."""
        try:
            if not self._switched_on:
                switch_on(self._database)  # from now on each new request and change is queued
                self._switched_on = True
            result = self._writer.drain()
        except SQLAlchemyError as exc:
            # The class only: a driver's message may quote a statement's parameters.
            self._note("database", f": cannot reach the database ({type(exc).__name__}); entries stay queued there")
            return self._pause(failed=True)
        self._report(result)
        return self._pause(failed=result.state is not FolderState.OK and not result.busy)

    def run(self, stop: threading.Event) -> None:
        log.info("drop folder %s: writing new requests and status changes as FHIR bundles", self._folder)
        while True:
            pause = self.step()
            if stop.wait(pause):
                return

    def _pause(self, *, failed: bool) -> float:
        if not failed:
            self._failures = 0
            return self._check_s
        self._failures += 1
        return float(min(self._check_s * 2 ** min(self._failures, 10), MAX_PAUSE_S))

    def _report(self, result: DrainResult) -> None:
        if result.busy:
            return  # another PC writes them: its state is in the database for doctor and the console
        if result.state is FolderState.OK:
            if self._logged not in (None, FolderState.OK):
                log.info("drop folder %s: files are written again (%d just now)", self._folder, len(result.written))
            self._logged = FolderState.OK
            return
        cause = f" ({result.cause})" if result.cause else ""
        self._note(result.state, f" {_WHAT[result.state]}{cause}; requests stay queued and are tried again")

    def _note(self, state: FolderState | str, sentence: str) -> None:
        if self._logged == state:
            return  # once per change of state, not at every retry
        self._logged = state
        log.warning("drop folder %s%s", self._folder, sentence)


def start_in_background(runner: HandoffRunner) -> tuple[threading.Thread, threading.Event]:
    """The runner on a daemon thread of its own; set the event to stop it (then join the thread)."""
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,), name="kiosk-handoff", daemon=True)
    thread.start()
    return thread, stop
