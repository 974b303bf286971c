"""Send a request off the GUI thread and hand the result back by a queued signal; forward the outbox there too.

A locked SQLite file (up to the busy timeout) or a dead server must not freeze the
screen, so the commit runs on a worker thread and the form only hears the outcome, as
a signal emitted on the GUI thread, after the commit returned. Submits and the outbox
forwarder have a worker each: a send never waits behind a forwarding pass or a code
reservation on a slow server, and with PostgreSQL a server that has not committed
within the promised time is passed over for the outbox (kiosk/services/submission.py).
Both may write the outbox; SQLite serialises those short transactions.

The worker never touches a Qt object. The GUI thread collects finished sends with a
short timer that runs only while a send is pending: a worker emitting on a QObject
could find it deleted (the form closed or reset mid-send) and crash the process.

In ui because it is a Qt worker (a QObject with timers and a signal); the storing itself is
kiosk.services.outbox's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from kiosk.qt import QObject, QTimer, Signal

from kiosk.config.settings import Settings
from kiosk.domain.requests import AppointmentRequest, FollowUpRequest
from kiosk.services.outbox import FORWARD_INTERVAL_MS, forwarding_pass, open_outbox, uses_server
from kiosk.services.requests import Receipt, SubmitFailed
from kiosk.services.store import Database
from kiosk.services.submission import DeadlineSubmitter, SharedOutbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubmitOutcome:
    """What came back for one send: a committed receipt, or the failure to show ("we could not save")."""

    ticket: int
    receipt: Receipt | None = None
    failure: SubmitFailed | None = None


# How often the GUI thread looks for a finished send while one is pending (never when idle).
COLLECT_MS = 20


class RequestSender(QObject):
    """Runs each send on the worker; `finished(SubmitOutcome)` arrives on the GUI thread after the commit."""

    finished = Signal(object)  # SubmitOutcome

    def __init__(
        self,
        settings: Settings,
        database: Callable[[], Database | None],
        workstation: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._database = database
        self._workstation = workstation
        # One submit worker keeps sends in ticket order; the forwarder has its own, so neither waits on the other.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-submit")
        self._forwarder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-forward")
        self._tickets = 0
        # Opened by whichever worker needs it first, only when the server is PostgreSQL.
        self._outbox = SharedOutbox(lambda: open_outbox(settings))
        self._submitter = DeadlineSubmitter(
            self._outbox, workstation, confirm_within_s=settings.database.confirm_within_seconds
        )
        self._forwarding: Future[None] | None = None
        self._pending: dict[int, Future[SubmitOutcome]] = {}
        self._collector = QTimer(self)
        self._collector.setInterval(COLLECT_MS)
        self._collector.timeout.connect(self._collect)
        self.forward_timer = QTimer(self)
        self.forward_timer.setInterval(FORWARD_INTERVAL_MS)
        self.forward_timer.timeout.connect(self.forward_soon)
        server = database()
        if server is not None and uses_server(server):
            self.forward_timer.start()
            QTimer.singleShot(0, self, self.forward_soon)  # open the outbox and reserve codes while the server is up

    def send(self, request: AppointmentRequest | FollowUpRequest) -> int:
        """Start storing the request; returns the ticket its SubmitOutcome will carry."""
        self._tickets += 1
        ticket = self._tickets
        server = self._database()
        self._pending[ticket] = self._executor.submit(self._work, ticket, server, request)
        self._collector.start()
        return ticket

    def _work(
        self, ticket: int, server: Database | None, request: AppointmentRequest | FollowUpRequest
    ) -> SubmitOutcome:
        # On the worker thread: only the database, never a Qt object.
        try:
            if server is None:
                raise SubmitFailed("no database is open", request_id=request.request_id)
            receipt = self._submitter.submit(server, request)
            outcome = SubmitOutcome(ticket, receipt=receipt)
        except SubmitFailed as failed:
            outcome = SubmitOutcome(ticket, failure=failed)
        except Exception as exc:  # a bug must still end the patient's wait with "we could not save"
            log.error("request %s was not stored: unexpected %s", request.request_id, type(exc).__name__)
            outcome = SubmitOutcome(ticket, failure=SubmitFailed.not_stored(request.request_id, type(exc).__name__))
        return outcome

    def _collect(self) -> None:
        """On the GUI thread: hand on every finished send, in ticket order; stop looking when none is left."""
        for ticket in sorted(self._pending):
            future = self._pending[ticket]
            if not future.done():
                continue
            del self._pending[ticket]
            self.finished.emit(future.result())
        if not self._pending:
            self._collector.stop()

    def forward_soon(self) -> None:
        """Start one forwarding pass on the forwarder's worker, unless one is already waiting or running."""
        server = self._database()
        if server is None or not uses_server(server):
            return
        if self._forwarding is not None and not self._forwarding.done():
            return
        self._forwarding = self._forwarder.submit(self._forward, server)

    def _forward(self, server: Database) -> None:
        try:
            outbox = self._outbox()
        except Exception as exc:
            log.error("outbox: cannot be opened: %s", exc)
            return
        forwarding_pass(outbox, server, self._workstation)

    def close(self) -> None:
        """Stop the forwarder; a send already running still finishes (and stores) on its own."""
        self.forward_timer.stop()
        self._forwarder.shutdown(wait=False, cancel_futures=True)
        self._submitter.close()
        threading.Thread(target=self._close_outbox, name="kiosk-outbox-close", daemon=True).start()
        self._executor.shutdown(wait=False)

    def _close_outbox(self) -> None:
        # After the send and the forwarding pass running now, off the GUI thread (either may wait on a server).
        self._executor.shutdown(wait=True)
        self._forwarder.shutdown(wait=True)
        self._outbox.close()
