"""The queue's watcher: asks, off the GUI thread and once a second, whether any request changed and how many arrived.

Its own thread makes its own connection and its own ChangeWatcher (SQLite connections belong to the thread that
made them), bounds every read in time, and hands each answer (or the failure's class name) to the GUI thread by
signal, so a slow, hung or unreachable database never freezes the console or the urgent banner above the queue.

A read the server never answers (a pulled cable: no error, no reply) cannot report its own failure, so a GUI-thread
timer notices that no look has succeeded for STALE_AFTER_S and reports that as a failure too, as the urgent banner
does; the next look that succeeds counts again, so the queue hears it is back even when nothing changed.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from kiosk.qt import QObject, QTimer, Signal

from kiosk.services.bounded_reads import BoundedReads
from kiosk.services.changes import ChangeWatcher, arrivals_since
from kiosk.services.store import Database

log = logging.getLogger(__name__)

POLL_MS = 1000  # new requests show within two seconds
AFTER_FAILURE_S = 2.0  # a failing database is asked again this often, not in a tight loop
JOIN_S = 5.0  # how long closing the console waits for the thread (a read is bounded well within this)
STALE_AFTER_S = 6.0  # no look succeeded for this long (a hung read included): said, as the urgent banner's rule
NO_ANSWER = "NoAnswer"  # the failure's name when the database simply does not answer

# (the watcher, reads on the watcher's own connection, count arrivals after) -> None if nothing changed, else the count
Look = Callable[[ChangeWatcher, Database, dt.datetime], int | None]


def look_for_changes(watcher: ChangeWatcher, reads: Database, since: dt.datetime) -> int | None:
    """None while nothing was committed since the last look; otherwise how many requests arrived after `since`."""
    if not watcher.changed():
        return None
    return arrivals_since(reads, since)


class QueueWatch(QObject):
    """`changed(arrivals, since)` when requests changed (arrivals counted after `since`), `failed(class name)`
    after each failed look.

    `start()` looks every `poll_ms` (and resumes after `pause()`, which closes the connections while the console is
    locked); `wake()` looks now; `recount()` counts arrivals again from the current `since`; `stop()` joins the
    thread (at most `join_s`) and closes its connections. `since` is set from the GUI thread when the badge is cleared.
    """

    changed = Signal(int, object)
    failed = Signal(str)

    def __init__(
        self,
        database: Database,
        parent: QObject | None = None,
        *,
        since: dt.datetime,
        poll_ms: int = POLL_MS,
        look: Look = look_for_changes,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.poll_s = poll_ms / 1000
        self.join_s = JOIN_S
        self._look = look
        self._since = since
        self._since_lock = threading.Lock()
        self._stopping = threading.Event()
        self._active = threading.Event()
        self._wake = threading.Event()
        self._recount = threading.Event()
        self._emit_lock = threading.Lock()  # held while emitting, so stop() knows no signal follows it
        self._thread: threading.Thread | None = None
        self._connection: BoundedReads | None = None  # made and used on the watcher's thread only
        self._reads: Database | None = None
        self._watcher: ChangeWatcher | None = None
        self.clock: Callable[[], float] = time.monotonic
        self._ok_at = self.clock()  # written by the worker after each look that succeeded, read by the GUI thread
        self._silent = False  # GUI thread: a stale look was reported and not yet answered
        self._stale_timer = QTimer(self)
        self._stale_timer.setInterval(1000)
        self._stale_timer.timeout.connect(self._check_stale)

    # -- the GUI thread's side -------------------------------------------------------------------------------------
    @property
    def since(self) -> dt.datetime:
        with self._since_lock:
            return self._since

    @since.setter
    def since(self, moment: dt.datetime) -> None:
        with self._since_lock:
            self._since = moment

    def start(self) -> None:
        """Look now and then every `poll_ms`; the first call starts the thread."""
        if not self._active.is_set():
            self._ok_at = self.clock()  # a resumed console has not been out of touch while locked
        self._active.set()
        self._wake.set()
        self._stale_timer.start()
        if self._thread is None and not self._stopping.is_set():
            self._thread = threading.Thread(target=self._run, name="queue-watch", daemon=True)
            self._thread.start()

    def pause(self) -> None:
        self._active.clear()
        self._stale_timer.stop()
        self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    def recount(self) -> None:
        self._recount.set()
        self._wake.set()

    def stop(self) -> None:
        """Stop and join the thread; it closes its own connections on its way out."""
        with self._emit_lock:
            self._stopping.set()
        self._stale_timer.stop()
        self._active.clear()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(self.join_s)
            if thread.is_alive():  # a read the server never answers: the thread closes up when it returns
                log.warning("the queue watcher did not stop within %.1f s; it is left to finish alone", self.join_s)

    @property
    def active(self) -> bool:
        """True while it looks every `poll_ms` (started, not paused or stopped)."""
        return self._active.is_set() and self.running

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _check_stale(self) -> None:
        """Once a second on the GUI thread: a look stuck in a read the server never answers is a failure too."""
        if not self.active or self.clock() - self._ok_at < STALE_AFTER_S:
            self._silent = False
            return
        if not self._silent:
            self._silent = True
            self._recount.set()  # when it answers again, the queue hears so even if nothing changed
            self._emit(self.failed, NO_ANSWER)

    # -- the worker thread ---------------------------------------------------------------------------------------
    def _emit(self, signal: Any, *values: object) -> None:
        with self._emit_lock:
            if self._stopping.is_set():
                return
            try:
                signal.emit(*values)
            except RuntimeError:  # the queue (and this object with it) is gone
                self._stopping.set()

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                if not self._active.is_set():
                    self._close_connections()  # a locked console holds no connection
                    self._wake.wait()
                    self._wake.clear()
                    continue
                ok = self._look_once()
                self._wake.wait(self.poll_s if ok else AFTER_FAILURE_S)
                self._wake.clear()
        finally:
            self._close_connections()

    def _look_once(self) -> bool:
        try:
            # A fresh watcher cannot know what changed before it was made: count, and let the queue reload once.
            must_count = self._watcher is None or self._recount.is_set()
            self._recount.clear()
            watcher, reads = self._open()
            since = self.since
            arrivals = self._look(watcher, reads, since)
            if arrivals is None and must_count:
                arrivals = arrivals_since(reads, since)
        except Exception as exc:  # any failure is a look that did not happen: the queue says so (class name only)
            self._close_connections()
            self._emit(self.failed, type(exc).__name__)
            return False
        self._ok_at = self.clock()
        if arrivals is not None:
            self._emit(self.changed, arrivals, since)
        return True

    def _open(self) -> tuple[ChangeWatcher, Database]:
        if self._watcher is None or self._reads is None:
            connection = BoundedReads(self.database)
            try:
                reads = connection.reads()
                # On SQLite data_version is read on this same connection, under the same busy limit.
                self._watcher = ChangeWatcher(reads, connection=connection.sqlite_connection())
            except Exception:
                connection.close()
                raise
            self._connection, self._reads = connection, reads
        return self._watcher, self._reads

    def _close_connections(self) -> None:
        watcher, self._watcher = self._watcher, None
        connection, self._connection, self._reads = self._connection, None, None
        if watcher is not None:
            try:
                watcher.close()  # its LISTEN connection; the SQLite connection is ours, closed below
            except Exception as exc:
                log.debug("closing the queue's change watcher: %s", type(exc).__name__)
        if connection is not None:
            connection.close()
