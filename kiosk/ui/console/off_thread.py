"""Database reads for the console's screens, made on a worker thread and answered on the GUI thread.

A screen asks (`ask(work, done, failed)`); the work runs on this reader's one worker thread; `done(answer)` or
`failed(error)` then runs on the GUI thread, where widgets may be touched. A hung or cut-off server therefore never
freezes the window: the screen says it is reading and stays usable meanwhile.

Only the newest question counts: asking again while a read is out drops the older answer when it comes (a request
the receptionist has moved on from must not replace the one now chosen) and runs the new work next. Questions asked
meanwhile do not pile up behind a hung read: only the newest waits.

An answer that comes within `answer_wait_ms` is handled at once, before `ask` returns, so a fast database shows no
"reading" flicker and a click shows its result in the same frame; the GUI thread waits no longer than that (well
inside the 100 ms a screen may stall), then the answer is collected by a short timer.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar, TypeVar

from kiosk.qt import QObject, QTimer

T = TypeVar("T")
log = logging.getLogger(__name__)

ANSWER_WAIT_MS = 30  # a read answered within this is shown at once; a slower one is collected later
COLLECT_MS = 20  # how often the GUI thread looks for the worker's answer, only while a read is out


@dataclass
class _Question:
    work: Callable[[], Any]
    done: Callable[[Any], None] | None  # None once dropped: the answer is thrown away
    failed: Callable[[Exception], None] | None


class OffThreadReader(QObject):
    """One worker thread for one screen's reads; `busy` while a read is out (the screen says it is reading)."""

    # Tests that drive the console click by click raise it, so each click's answer is there before they look
    # (tests/ui/console/conftest.py); the outage tests keep this one.
    answer_wait_ms: ClassVar[int] = ANSWER_WAIT_MS

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        executor = self._executor  # not self: the lambda must not keep the reader alive
        self.destroyed.connect(lambda *_: executor.shutdown(wait=False, cancel_futures=True))
        self._out: tuple[Future[Any], _Question] | None = None
        self._next: _Question | None = None
        self._sent: Future[object] | None = None
        self._collector = QTimer(self)
        self._collector.setInterval(COLLECT_MS)
        self._collector.timeout.connect(self._collect)

    @classmethod
    @contextlib.contextmanager
    def answering_within(cls, milliseconds: int) -> Iterator[None]:
        """Wait up to `milliseconds` for each answer meanwhile: a picture of the console drawn from a local demo
        database shows the rows, not "Reading…" (kiosk staff --screenshot)."""
        before, cls.answer_wait_ms = cls.answer_wait_ms, milliseconds
        try:
            yield
        finally:
            cls.answer_wait_ms = before

    @property
    def busy(self) -> bool:
        """A question is out (or waits to go out) and not answered yet."""
        return self._out is not None or self._next is not None

    def ask(self, work: Callable[[], T], done: Callable[[T], None], failed: Callable[[Exception], None]) -> bool:
        """Run `work` on the worker; then `done(answer)` or `failed(error)` on the GUI thread.

        Returns True when it was answered (and handled) before returning, False while it is still out.
        """
        question = _Question(work, done, failed)
        if self._out is not None:
            self._out[1].done = self._out[1].failed = None  # superseded: its answer is dropped
            self._next = question  # and only the newest waits for the worker
            return False
        future = self._executor.submit(work)
        self._out = (future, question)
        try:
            future.exception(timeout=self.answer_wait_ms / 1000)
        except concurrent.futures.TimeoutError:
            self._collector.start()
            return False
        self._collect()
        return True

    def send(self, work: Callable[[], object], what: str) -> None:
        """A write nobody waits on (an audit line): run after whatever is out, in the order sent, never dropped.

        It fails alone: the failure is logged with `what` and the class name (a driver's message may quote data).
        """
        future = self._executor.submit(work)
        future.add_done_callback(partial(_log_failure, what))
        self._sent = future
        with contextlib.suppress(concurrent.futures.TimeoutError):
            future.exception(timeout=self.answer_wait_ms / 1000)

    def settle(self, seconds: float) -> None:
        """Wait up to `seconds` for what was sent (closing the window), so an audit line is not cut off."""
        if self._sent is not None:
            with contextlib.suppress(concurrent.futures.TimeoutError):
                self._sent.exception(timeout=seconds)

    def drop(self) -> None:
        """Forget every question out (sign-out, lock): no answer reaches the screen any more."""
        if self._out is not None:
            self._out[1].done = self._out[1].failed = None
        self._next = None

    def _collect(self) -> None:
        if self._out is None:
            self._collector.stop()
            return
        future, question = self._out
        if not future.done():
            return
        self._out = None
        waiting, self._next = self._next, None
        if waiting is not None:  # the newest question goes out before this answer is handled
            self._out = (self._executor.submit(waiting.work), waiting)
            self._collector.start()
        else:
            self._collector.stop()
        error = future.exception()
        if error is None:
            if question.done is not None:
                question.done(future.result())
        elif question.failed is not None:
            if isinstance(error, Exception):
                question.failed(error)
            else:  # not a database's failure (KeyboardInterrupt, SystemExit): not ours to swallow
                raise error


def _log_failure(what: str, future: Future[object]) -> None:
    error = future.exception() if not future.cancelled() else None
    if error is not None:
        log.warning("%s was not recorded (%s)", what, type(error).__name__)
