"""The reception queue as a Qt table: knows how many requests match, holds only the rows scrolled into view."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from kiosk.qt import (
    QAbstractTableModel,
    QBrush,
    QColor,
    QFont,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from kiosk.domain.reference import format_reference
from kiosk.domain.requests import RequestKind
from kiosk.domain.workflow import OPEN_STATUSES, STATUS_LABELS
from kiosk.services.queue import QueueFilter, QueueRow, count_requests, fetch_rows
from kiosk.storage.database import Database

log = logging.getLogger(__name__)

COLUMNS = ("Reference", "Type", "Name", "Received", "Status", "Waiting")
REFERENCE, TYPE, NAME, RECEIVED, STATUS, WAITING = range(len(COLUMNS))
KIND_WORDS = {RequestKind.APPOINTMENT: "Appointment", RequestKind.FOLLOW_UP: "Follow-up"}
# Said in words and marked in bold as well as tinted: the colour is never the only sign.
URGENT_PREFIX = "\u26a0 Urgent \u00b7 "
URGENT_BACKGROUND = QColor("#fde2e1")
URGENT_TEXT = QColor("#5c0a06")  # dark enough on the tint for WCAG AA
NOT_WAITING = "\u2014"
# A refresh reloads as many rows as were shown, so the view stays where it was, up to this many.
REFRESH_ROWS_MAX = 5000
UNREADABLE = "The requests could not be read from the database: check the network or the server, then press Refresh."


def waiting_words(waited: dt.timedelta) -> str:
    """How long a request has waited, as a receptionist says it: "45 min", "2 h 15 min", "3 days"."""
    minutes = max(0, int(waited.total_seconds() // 60))
    if minutes < 1:
        return "< 1 min"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days = minutes // (24 * 60)
    return f"{days} day{'s' if days != 1 else ''}"


def received_words(moment: dt.datetime) -> str:
    """This PC's local date and time, like "3 Mar 2025 09:05"."""
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y %H:%M}"


class QueueModel(QAbstractTableModel):
    """Requests for a filter in queue order, read `batch_size` at a time as the view scrolls (fetchMore).

    Opening the queue at a million requests reads one count and one batch. Qt.UserRole gives the request id.
    """

    failed = Signal(str)  # a sentence for staff when the database cannot be read

    def __init__(
        self,
        database: Database,
        parent: QObject | None = None,
        *,
        batch_size: int = 200,
        region: str = "US",
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.batch_size = batch_size
        self.region = region
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self.where = QueueFilter()
        self._rows: list[QueueRow] = []
        self._total = 0
        self._complete = True
        self.rows_fetched = 0  # rows read from the database since the filter last changed

    # -- what the console asks -------------------------------------------------------------------------------------
    def set_filter(self, where: QueueFilter) -> None:
        self.where = where
        self.rows_fetched = 0
        self._reload(self.batch_size)

    def refresh(self) -> None:
        """Read the count and the rows again (another desk may have changed them), keeping as many rows loaded."""
        self._reload(min(max(len(self._rows), self.batch_size), REFRESH_ROWS_MAX))

    def total(self) -> int:
        """How many requests match the filter, loaded or not."""
        return self._total

    def row_at(self, row: int) -> QueueRow:
        return self._rows[row]

    # -- Qt's side -------------------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 (Qt's name)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cell(row, index.column(), tooltip=role == Qt.ItemDataRole.ToolTipRole)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if row.urgent:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(URGENT_BACKGROUND)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(URGENT_TEXT)
            if role == Qt.ItemDataRole.FontRole:
                bold = QFont()
                bold.setBold(True)
                return bold
        return None

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802 (Qt's name)
        return not parent.isValid() and not self._complete

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802 (Qt's name)
        if parent.isValid() or self._complete:
            return
        after = self._rows[-1] if self._rows else None
        batch = self._read(after, self.batch_size)
        if not batch:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)  # `last` is inclusive
        self._rows.extend(batch)
        self.endInsertRows()

    # -- inside ----------------------------------------------------------------------------------------------------
    def _reload(self, rows: int) -> None:
        self.beginResetModel()
        try:
            self._total = count_requests(self.database, self.where, region=self.region)
            self._complete = False
            self._rows = []
            self._rows = self._read(None, rows)
        except SQLAlchemyError as exc:
            self._fail(exc)
            self._rows, self._total = [], 0
        finally:
            self.endResetModel()

    def _read(self, after: QueueRow | None, limit: int) -> list[QueueRow]:
        try:
            batch = fetch_rows(self.database, self.where, after, limit, region=self.region)
        except SQLAlchemyError as exc:
            self._fail(exc)
            return []
        self.rows_fetched += len(batch)
        if len(batch) < limit:
            self._complete = True
        return batch

    def _fail(self, exc: SQLAlchemyError) -> None:
        log.warning("queue: reading the requests failed (%s)", type(exc).__name__)
        self._complete = True  # no retry loop from the view's scrolling; Refresh tries again
        self.failed.emit(UNREADABLE)

    def _cell(self, row: QueueRow, column: int, *, tooltip: bool) -> str:
        if column == REFERENCE:
            return format_reference(row.reference)
        if column == TYPE:
            kind = KIND_WORDS.get(row.kind, row.kind.value)
            if not row.urgent:
                return kind
            if tooltip:
                return f"Urgent {kind.lower()}: the patient reported warning signs; call them now."
            return URGENT_PREFIX + kind
        if column == NAME:
            return f"{row.last_name}, {row.first_name}"
        if column == RECEIVED:
            return received_words(row.created_at)
        if column == STATUS:
            return STATUS_LABELS[row.status]
        if row.status not in OPEN_STATUSES:
            return NOT_WAITING
        return waiting_words(self._now() - row.created_at)
