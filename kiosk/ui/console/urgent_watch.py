"""The console's urgent watcher: asks, off the GUI thread and about twice a second, what urgent requests still wait.

Its own thread and its own database connection, every read bounded in time, each answer (or the failure's
class name) handed to the GUI thread by signal. On PostgreSQL it also LISTENs on the channel every stored
request is announced on (kiosk/services/requests.py, also for requests forwarded from a kiosk's outbox),
so a new urgent request wakes it at once; without LISTEN it simply asks more often.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.qt import QObject, Signal

from kiosk.domain.staff import Actor, PermissionDenied
from kiosk.services.authority import AccountRevoked
from kiosk.services.bounded_reads import BoundedReads, listen_for_new_requests
from kiosk.services.store import Database
from kiosk.services.urgent_alarm import UrgentWaiting, mark_seen_at_desk, urgent_waiting

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

POLL_S = 0.5  # SQLite, or PostgreSQL without LISTEN: a new urgent request shows within about a second
LISTENING_POLL_S = 1.0  # with LISTEN a new request wakes the watcher at once; this catches "seen" elsewhere
AFTER_FAILURE_S = 1.0  # a failing database is asked again this often, not in a tight loop
RELISTEN_S = 15.0  # how often to try LISTEN again after it failed or dropped
WAIT_SLICE_S = 0.1  # how long one wait for a notice lasts, so stop() and wake() are answered quickly
JOIN_S = 5.0  # how long closing the console waits for the thread (a read is bounded well within this)


class UrgentWatch(QObject):
    """`checked(UrgentWaiting)` after each successful look, `failed(class name)` after each failed one.

    `start()` once; `wake()` asks for a look now (after "Seen at the desk"); `stop()` joins the thread and closes
    both of its connections. `seen(SeenAtDesk)` or `seen_failed(sentence)` answers `mark_seen(...)`, and
    `revoked(sentence)` follows when the account was disabled or demoted since it signed in.
    """

    checked = Signal(object)
    failed = Signal(str)
    seen = Signal(object)
    seen_failed = Signal(str)
    revoked = Signal(str)

    def __init__(
        self,
        database: Database,
        parent: QObject | None = None,
        *,
        poll_s: float = POLL_S,
        look: Callable[[Database], UrgentWaiting] = urgent_waiting,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.poll_s = poll_s
        self._look = look
        self._postgresql = database.engine.dialect.name == "postgresql"
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._emit_lock = threading.Lock()  # held while emitting, so stop() knows no signal follows it
        self._thread: threading.Thread | None = None
        self._connection: BoundedReads | None = None  # made and used on the watcher's thread only
        self._listener: psycopg.Connection[Any] | None = None
        self._listen_tried_at = -RELISTEN_S
        self._failing = False
        self.listening = False  # True while PostgreSQL announces new requests to this watcher
        self.join_s = JOIN_S

    # -- the GUI thread's side -------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="urgent-watch", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Stop and join the thread; it closes its own connections on its way out."""
        with self._emit_lock:
            self._stopping.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(self.join_s)
            if thread.is_alive():  # a read the server never answers: the thread closes up when it returns
                log.warning("the urgent watcher did not stop within %.1f s; it is left to finish alone", self.join_s)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def mark_seen(self, request_id: str, actor: Actor) -> None:
        """Record "Seen at the desk" as `actor` on a short-lived thread: a small write, but a busy database may wait."""

        def work() -> None:
            try:
                done = mark_seen_at_desk(self.database, request_id, actor)
            except (LookupError, ValueError, PermissionDenied) as exc:
                self._emit(self.seen_failed, str(exc))
                if isinstance(exc, AccountRevoked):
                    self._emit(self.revoked, str(exc))
                return
            except Exception as exc:  # the database: the sentence says what to do, the log has the class only
                log.error("Seen at the desk was not recorded: %s", type(exc).__name__)
                self._emit(self.seen_failed, "Seen at the desk was not saved: the database did not answer. Try again.")
                return
            self._emit(self.seen, done)
            self._wake.set()

        threading.Thread(target=work, name="urgent-seen", daemon=True).start()

    # -- the worker thread ---------------------------------------------------------------------------------------
    def _emit(self, signal: Any, value: object) -> bool:
        with self._emit_lock:
            if self._stopping.is_set():
                return False
            try:
                signal.emit(value)
            except RuntimeError:  # the window (and this object with it) is gone
                self._stopping.set()
                return False
        return True

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                if self._postgresql and self._listener is None:
                    self._try_listen()
                ok = self._look_once()
                interval = (LISTENING_POLL_S if self._listener is not None else self.poll_s) if ok else AFTER_FAILURE_S
                self._wait(interval)
        finally:
            self._close_connections()

    def _look_once(self) -> bool:
        try:
            waiting = self._look(self._reader())
        except Exception as exc:  # any failure is a check that did not happen: the banner must say so
            name = type(exc).__name__
            if not self._failing:
                log.warning("cannot check for urgent requests: %s", name)  # once per outage, not twice a second
            self._failing = True
            self._drop_connection()
            self._emit(self.failed, name)
            return False
        if self._failing:
            log.info("checking for urgent requests again")
            self._failing = False
        self._emit(self.checked, waiting)
        return True

    def _reader(self) -> Database:
        if self._connection is None:
            self._connection = BoundedReads(self.database)
        reads = self._connection.reads()
        self._connection.check_file()
        return reads

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _try_listen(self) -> None:
        now = time.monotonic()
        if now - self._listen_tried_at < RELISTEN_S:
            return
        self._listen_tried_at = now
        import psycopg

        try:
            listener = listen_for_new_requests(self.database)
        except psycopg.Error as exc:
            log.warning("new urgent requests are not announced (%s); asking every %.1f s", type(exc).__name__,
                        self.poll_s)  # fmt: skip
            return
        self._listener = listener
        self.listening = True

    def _wait(self, seconds: float) -> None:
        """Until `seconds` pass, a notice arrives, wake() or stop()."""
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or self._wake.is_set():
                break
            if self._listener is None:
                self._wake.wait(left)
                continue
            if self._heard(min(WAIT_SLICE_S, left)):
                break
        self._wake.clear()

    def _heard(self, timeout: float) -> bool:
        import psycopg

        assert self._listener is not None
        try:
            return any(True for _ in self._listener.notifies(timeout=timeout))
        except psycopg.Error as exc:
            log.warning("the connection announcing new requests dropped (%s); asking every %.1f s",
                        type(exc).__name__, self.poll_s)  # fmt: skip
            self._close_listener()
            return True  # something may have been missed: look now

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        self.listening = False
        if listener is not None:
            try:
                listener.close()
            except Exception as exc:
                log.debug("closing the LISTEN connection: %s", type(exc).__name__)

    def _close_connections(self) -> None:
        self._drop_connection()
        self._close_listener()
