"""A kiosk's submit with a deadline: the server stores the request in time, or the encrypted outbox does.

A patient is promised a confirmation within `database.confirm_within_seconds` whatever the network does. A
refused connection fails fast, but a silent link, a hung server or a held lock make the server's answer
arrive late or never, so the server is given a share of the promise on a thread of its own and, when it has
not committed by then, the request goes to the outbox with the same id and time. Should the server's late
attempt commit after all, forwarding finds the row already there and keeps the code the patient was shown
(kiosk/services/outbox.py, `_forward`): stored once, never lost.

No Qt: the kiosk form's RequestSender (kiosk/ui/forms/request_sender.py) calls this on its submit worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from functools import partial

from kiosk.domain.requests import AppointmentRequest, FollowUpRequest
from kiosk.services.outbox import keep_in_outbox, server_unreachable, uses_server
from kiosk.services.requests import Receipt, SubmitFailed, submit_request
from kiosk.storage.database import Database, DatabaseError

log = logging.getLogger(__name__)

# Kept back from the promise for the outbox's own commit (an encrypted SQLite write: tens of milliseconds).
OUTBOX_SHARE_S = 1.0
# Server attempts that may hang at once (each up to the connect or statement timeout): beyond that a submit
# waits in line, times out like the rest and goes to the outbox, so no patient waits longer.
SERVER_ATTEMPTS = 4


def _late_answer(request_id: object, attempt: Future[Receipt]) -> None:
    """What became of a server attempt the patient stopped waiting for (the request is in the outbox either way)."""
    if attempt.cancelled():
        return
    error = attempt.exception()
    if error is None:
        log.info("request %s: the server stored it late; forwarding keeps the code shown from the outbox", request_id)
    else:
        log.info("request %s: the server's late attempt failed (%s); the outbox holds it",
                 request_id, getattr(error, "reason", type(error).__name__))  # fmt: skip


class SharedOutbox:
    """Opens the outbox once, whichever thread asks first (the submit worker or the forwarder), then shares it."""

    def __init__(self, opener: Callable[[], Database]) -> None:
        self._opener = opener
        self._lock = threading.Lock()
        self._outbox: Database | None = None

    def __call__(self) -> Database:
        with self._lock:
            if self._outbox is None:
                self._outbox = self._opener()
            return self._outbox

    def close(self) -> None:
        with self._lock:
            outbox, self._outbox = self._outbox, None
        if outbox is not None:
            outbox.close()


class DeadlineSubmitter:
    """`submit(request)` returns a committed receipt within `confirm_within_s` (plus the outbox's own commit)."""

    def __init__(self, outbox: Callable[[], Database], workstation: str, *, confirm_within_s: float) -> None:
        self._outbox = outbox
        self._workstation = workstation
        self.server_deadline_s = max(confirm_within_s - OUTBOX_SHARE_S, 0.5)
        self._attempts = ThreadPoolExecutor(max_workers=SERVER_ATTEMPTS, thread_name_prefix="kiosk-server-submit")

    def submit(
        self, server: Database, request: AppointmentRequest | FollowUpRequest, now: dt.datetime | None = None
    ) -> Receipt:
        """Store on the server if it commits within the deadline, else in the outbox. Raises SubmitFailed when
        neither stored it (the patient may try again)."""
        created_at = (dt.datetime.now(dt.UTC) if now is None else now).astimezone(dt.UTC)
        if not uses_server(server):  # SQLite: no outbox to fall back on; its busy timeout bounds the wait
            return submit_request(server, request, self._workstation, now=created_at)
        receipt = self._from_server(server, request, created_at)
        if receipt is not None:
            return receipt
        try:
            outbox = self._outbox()
        except DatabaseError as exc:
            log.error("request %s was not stored: the server is unreachable and the outbox cannot be opened: %s",
                      request.request_id, exc)  # fmt: skip
            raise SubmitFailed.not_stored(request.request_id, "server unreachable, outbox unavailable") from None
        return keep_in_outbox(outbox, request, self._workstation, created_at)

    def _from_server(
        self, server: Database, request: AppointmentRequest | FollowUpRequest, created_at: dt.datetime
    ) -> Receipt | None:
        """The server's receipt if it committed within the deadline; None when the outbox should take the request.

        Raises SubmitFailed when the server refused the request itself (it would fail again when forwarded)."""
        try:
            attempt: Future[Receipt] = self._attempts.submit(
                partial(submit_request, log_failure=False), server, request, self._workstation, created_at
            )
        except RuntimeError:  # closed (the kiosk is shutting down): the outbox keeps it, nothing is lost
            log.info("request %s: the kiosk is closing; the outbox takes it", request.request_id)
            return None
        try:
            return attempt.result(timeout=self.server_deadline_s)
        except FutureTimeout:
            if not attempt.cancel():  # cancelled if not started yet (every attempt thread hung): it never runs
                attempt.add_done_callback(partial(_late_answer, request.request_id))
            log.warning(
                "request %s: the server did not answer within %.1f s; the outbox takes it",
                request.request_id,
                self.server_deadline_s,
            )
        except SubmitFailed as failed:
            if not server_unreachable(failed.error_class):
                log.error("request %s was not stored: %s", request.request_id, failed.reason)
                raise
            log.info("request %s: the server cannot be reached (%s); the outbox takes it",
                     request.request_id, failed.reason)  # fmt: skip
        return None

    def close(self) -> None:
        """Attempts still hanging finish (or time out) on their own threads; none waits for them, none is dropped."""
        self._attempts.shutdown(wait=False)
