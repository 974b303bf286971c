"""The drop folder in the console: a calm line on the Kiosks tab, and the writer while a console is open.

The line is read on a worker, on a bounded connection of its own (as the Kiosks tab's list is), every
REFRESH_MS while it is in sight, so a slow server never freezes the console; it is hidden while the clinic
uses no drop folder. The writer (kiosk.services.handoff_runner) runs on a thread of its own from the moment a
console opens on a PC whose settings name a drop folder, until it closes.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from kiosk.qt import QBoxLayout, QShowEvent, QTimer, QVBoxLayout, QWidget

from kiosk.services.bounded_reads import BoundedReads
from kiosk.services.handoff import HandoffStatus, handoff_status
from kiosk.services.handoff_runner import HandoffRunner, start_in_background
from kiosk.services.handoff_words import stalled, status_line, trouble
from kiosk.services.store import Database
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.widgets import label

REFRESH_MS = 10_000
COLLECT_MS = 50  # how often the GUI thread looks for the worker's answer, only while a read is pending
UNREAD = "⚠ How the record system's drop folder is could not be read from the database; it is read again by itself."


class HandoffLine(QWidget):
    """One sentence: what waits for the drop folder, and whether it takes files; a warning sign when not."""

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("HandoffLine")
        self.database = database
        self.clock = clock
        # Two labels with fixed roles, one shown at a time: a role changed later would keep the old padding.
        self.calm = label("", "muted", wrap=True)
        self.calm.setObjectName("HandoffText")
        # A notice, not the alarm: the desk's patients are not at risk, and the sign says it without the colour.
        self.warning = label("", "banner-error", wrap=True)
        self.warning.setObjectName("HandoffWarning")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.calm)
        layout.addWidget(self.warning)
        self.hide()  # until a read says a drop folder is in use
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="handoff-line")
        self._reading: Future[HandoffStatus] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self._collector = QTimer(self)
        self._collector.setInterval(COLLECT_MS)
        self._collector.timeout.connect(self._collect)
        reader = self._reader  # not self: the lambda must not keep the widget alive
        self.destroyed.connect(lambda *_: reader.shutdown(wait=False, cancel_futures=True))

    def start(self) -> None:
        self.refresh()
        self.timer.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        if self._reading is not None and not self._reading.done():
            return
        parent = self.parentWidget()
        if parent is not None and not parent.isVisible():
            return  # only while its tab is in sight
        self._reading = self._reader.submit(_read, self.database)
        self._collector.start()

    def _collect(self) -> None:
        reading = self._reading
        if reading is None or not reading.done():
            return
        self._collector.stop()
        self._reading = None
        try:
            status = reading.result()
        except Exception:  # the database is away: the Kiosks tab's own line says so too
            self.show_text(UNREAD, warning=True)
            return
        self.show_status(status)

    def show_status(self, status: HandoffStatus) -> None:
        sentence = status_line(status, self.clock())
        warning = trouble(status) is not None or stalled(status, self.clock())
        self.show_text(sentence, warning=warning)

    @property
    def sentence(self) -> str:
        return self.warning.text() if self.warning.isVisibleTo(self) else self.calm.text()

    def show_text(self, sentence: str, *, warning: bool) -> None:
        shown, hidden = (self.warning, self.calm) if warning else (self.calm, self.warning)
        shown.setText(sentence)
        shown.show()
        hidden.hide()
        self.setVisible(bool(sentence))


def _read(database: Database) -> HandoffStatus:
    """On the worker: on a bounded connection opened and closed here (never the shared pool)."""
    reads = BoundedReads(database)
    try:
        return handoff_status(reads.reads())
    finally:
        reads.close()


def add_handoff_line(view: QWidget, database: Database, at: int = 2) -> HandoffLine:
    """Put the line into a tab's column (the Kiosks tab: under its summary and warning) and start reading."""
    line = HandoffLine(database, view)
    layout = view.layout()
    if isinstance(layout, QBoxLayout):
        layout.insertWidget(at, line)
    line.start()
    return line


class ConsoleHandoff:
    """The drop folder's writer while this console is open, if this PC's settings name a drop folder."""

    def __init__(self, context: ConsoleContext) -> None:
        self._thread: threading.Thread | None = None
        self._stop: threading.Event | None = None
        folder = context.settings.handoff.drop_folder
        if folder is None:
            return
        runner = HandoffRunner(
            context.database,
            folder,
            context.workstation,
            check_seconds=context.settings.handoff.check_seconds,
            installation=context.own_files,
        )
        self._thread, self._stop = start_in_background(runner)

    def stop(self) -> None:
        """Stops after the file being written (if any) is in place; the queue keeps the rest."""
        if self._stop is not None and self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=5)
