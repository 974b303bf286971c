"""The reception queue as a Qt table: knows how many requests match, holds only the rows scrolled into view."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from kiosk.qt import (
    QAbstractTableModel,
    QBrush,
    QColor,
    QFont,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from kiosk.domain.reference import format_reference
from kiosk.domain.requests import RequestKind
from kiosk.domain.staff import Actor, Permission, PermissionDenied
from kiosk.domain.workflow import STATUS_LABELS, RequestStatus
from kiosk.services.authority import confirm as confirm_authority
from kiosk.services.queue import COUNT_CAP, QueueFilter, QueueRow, count_requests, fetch_rows
from kiosk.services.store import Database, StoreError
from kiosk.services.waiting import WAIT_WORDS, WaitState, WaitTargets, request_wait_state, seen_words, target_words
from kiosk.ui.console.off_thread import OffThreadReader
from kiosk.ui.console.widgets import tooltip_text

log = logging.getLogger(__name__)

COLUMNS = ("Reference", "Type", "Name", "Received", "Status", "Waiting")
REFERENCE, TYPE, NAME, RECEIVED, STATUS, WAITING = range(len(COLUMNS))
KIND_WORDS = {RequestKind.APPOINTMENT: "Appointment", RequestKind.FOLLOW_UP: "Follow-up"}
# Said in words and marked in bold as well as tinted: the colour is never the only sign. Only follow-ups carry
# warning signs, so the Type cell's "Urgent" stands for "urgent follow-up" (the tooltip says it in full).
URGENT_WORDS = "\u26a0 Urgent"
URGENT_BACKGROUND = QColor("#fde2e1")
URGENT_TEXT = QColor("#5c0a06")  # dark enough on the tint for WCAG AA
URGENT_BADGE = QColor("#8a130c")  # the Type cell of an urgent row: white on this is 9:1
ON_BADGE = QColor("#ffffff")
# A wait past the target or half of it: the Status cell says "overdue" or "due soon", and both cells are tinted.
DUE_SOON_BACKGROUND, DUE_SOON_TEXT = QColor("#ffe9a8"), QColor("#4d3300")
OVERDUE_BACKGROUND, OVERDUE_TEXT = QColor("#fbd3cf"), QColor("#7a0c05")
SEEN_BACKGROUND, SEEN_TEXT = QColor("#e6f2ea"), QColor("#1d5b33")
SEEN_MARK = "\u2713 "
FRESH_MARK = "\u2605 "  # before the name of a request that appeared since the receptionist last looked
NOT_WAITING = "\u2014"
# A refresh reloads as many rows as were shown, so the view stays where it was, up to this many.
REFRESH_ROWS_MAX = 5000
ALL_STATUSES = frozenset(RequestStatus)
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


def received_words(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """This PC's local date and time, like "3 Mar 09:05"; from another year "3 Mar 2025", the hour no longer matters.

    The year is left out for this year's requests: the column's width goes to the patient's name instead.
    """
    local = moment.astimezone()
    if local.year == (now or dt.datetime.now(dt.UTC)).astimezone().year:
        return f"{local.day} {local:%b %H:%M}"
    return f"{local.day} {local:%b %Y}"


@dataclass(frozen=True)
class QueueRead:
    """One answer from the worker: rows in queue order, and for a reload the count (and in every status)."""

    rows: list[QueueRow]
    total: int  # how many match the filter (a reload's; a further batch leaves it as it was)
    complete: bool  # nothing follows the last row
    everywhere: int | None = None  # how many match the search in every status, when asked
    revoked: str | None = None  # the account may no longer list requests: why, and nothing is read


def read_queue(
    database: Database,
    actor: Actor | None,
    where: QueueFilter,
    limit: int,
    *,
    after: QueueRow | None = None,
    region: str = "US",
    everywhere: bool = False,
) -> QueueRead:
    """On the reader's worker: whether the account may still list requests, then the count (for a reload, from the
    top) and up to `limit` rows after `after`. Raises StoreError when the database cannot be read."""
    if actor is not None:
        try:
            confirm_authority(database, actor, Permission.WORK_REQUESTS)
        except StoreError:
            pass  # the read that follows fails the same way and says so
        except PermissionDenied as exc:
            return QueueRead([], 0, complete=True, revoked=str(exc))
    total = count_requests(database, where, region=region, cap=COUNT_CAP) if after is None else 0
    rows = fetch_rows(database, where, after, limit, region=region)
    others = None
    if everywhere:
        try:
            others = count_requests(
                database, dataclasses.replace(where, statuses=ALL_STATUSES), region=region, cap=COUNT_CAP
            )
        except StoreError:
            others = None  # the queue's own rows were read; only the offer of other statuses is left out
    return QueueRead(rows, total, complete=len(rows) < limit, everywhere=others)


class QueueModel(QAbstractTableModel):
    """Requests for a filter in queue order, read `batch_size` at a time as the view scrolls (fetchMore).

    Opening the queue at a million requests reads one count and one batch. Qt.UserRole gives the request id.
    """

    failed = Signal(str)  # a sentence for staff when the database cannot be read
    revoked = Signal(str)  # the account was disabled or demoted since sign-in: nothing more is listed
    reloaded = Signal()  # an answer was handled (rows, or a failure): the view restores its selection and count
    loading_changed = Signal(bool)  # a read went out (True) or every read came back (False)

    def __init__(
        self,
        database: Database,
        parent: QObject | None = None,
        *,
        batch_size: int = 200,
        region: str = "US",
        now: Callable[[], dt.datetime] | None = None,
        targets: WaitTargets | None = None,
        actor: Actor | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.actor = actor  # when set, each read first checks the account may still see requests
        self.batch_size = batch_size
        self.region = region
        self.targets = targets or WaitTargets()
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self.fresh_ids: set[str] = set()  # rows to mark as new arrivals (QueueView counts and clears them)
        self.newest_first = False  # within urgent and then the rest: oldest first (the next to act on) or newest
        self.where = QueueFilter()
        self._rows: list[QueueRow] = []
        self._total = 0
        self._complete = True
        self.rows_fetched = 0  # rows read from the database since the filter last changed
        self._revoked_with = ""  # the sentence revoked() carries, once the model's reset has finished
        self.read_failed = False  # the last reload could not read the database (an empty list means nothing then)
        self.total_everywhere: int | None = None  # a narrowed search's matches in every status, when read
        # Every read is made on this worker, never on the GUI thread: a hung server must not freeze the console.
        self.reader = OffThreadReader("queue-rows", self)

    # -- what the console asks -------------------------------------------------------------------------------------
    def set_filter(self, where: QueueFilter) -> None:
        # The order is the table's (a header click), kept when the filters or the search change.
        self.where = dataclasses.replace(where, newest_first=self.newest_first)
        self.rows_fetched = 0
        self._reload(self.batch_size)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: Received (or Waiting) oldest or newest first, urgent requests always on top.

        Only the order of arrival is offered: it pages from the queue's indexes at any size, where sorting a
        million rows by name or status would not (the Status filter and the search narrow those instead).
        """
        if column == RECEIVED:
            newest = order == Qt.SortOrder.DescendingOrder
        elif column == WAITING:
            newest = order == Qt.SortOrder.AscendingOrder  # the shortest wait is the newest arrival
        else:
            return
        self.set_order(newest_first=newest)

    def set_order(self, *, newest_first: bool) -> None:
        if newest_first == self.newest_first:
            return
        self.newest_first = newest_first
        self.set_filter(self.where)

    def refresh(self) -> None:
        """Read the count and the rows again (another desk may have changed them), keeping as many rows loaded."""
        self._reload(min(max(len(self._rows), self.batch_size), REFRESH_ROWS_MAX))

    def total(self) -> int:
        """How many requests match the filter, loaded or not."""
        return self._total

    def row_at(self, row: int) -> QueueRow:
        return self._rows[row]

    def listed_ids(self) -> set[str]:
        """The ids of the rows loaded now."""
        return {row.id for row in self._rows}

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
        if role == Qt.ItemDataRole.DisplayRole:  # item views draw display text as plain text
            return self._cell(row, index.column(), tooltip=False)
        if role == Qt.ItemDataRole.ToolTipRole:  # tooltips are not: a name typed as HTML must not render
            return tooltip_text(self._cell(row, index.column(), tooltip=True))
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            colours = self._colours(row, index.column())
            if colours is None:
                return None
            return QBrush(colours[0] if role == Qt.ItemDataRole.BackgroundRole else colours[1])
        fresh = row.id in self.fresh_ids and index.column() == NAME
        if role == Qt.ItemDataRole.FontRole and (row.urgent or fresh or self._marked(row, index.column())):
            bold = QFont()
            bold.setBold(True)
            return bold
        return None

    def wait_state(self, row: QueueRow) -> WaitState | None:
        """How the request's wait stands against its target now; None when it no longer waits for the desk."""
        return request_wait_state(
            status=row.status,
            urgent=row.urgent,
            seen_at_desk_at=row.seen_at_desk_at,
            created_at=row.created_at,
            now=self._now(),
            targets=self.targets,
        )

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802 (Qt's name)
        return not parent.isValid() and not self._complete

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802 (Qt's name)
        # Qt asks again as the view scrolls; one batch at a time, read on the worker like every other read.
        if parent.isValid() or self._complete or self.reader.busy:
            return
        after = self._rows[-1] if self._rows else None
        work = partial(
            read_queue, self.database, self.actor, self.where, self.batch_size, after=after, region=self.region
        )
        if not self.reader.ask(work, self._fetched, self._fetch_failed):
            self.loading_changed.emit(True)

    # -- inside ----------------------------------------------------------------------------------------------------
    def _reload(self, rows: int) -> None:
        """Ask the worker for the count and the first `rows` rows; the table changes when the answer comes."""
        where, actor = self.where, self.actor
        # A search that the Status filter narrows also counts its matches in every status (the view offers them).
        everywhere = bool(where.search) and where.statuses != ALL_STATUSES
        work = partial(read_queue, self.database, actor, where, rows, region=self.region, everywhere=everywhere)
        if not self.reader.ask(work, self._reloaded, self._reload_failed):
            self.loading_changed.emit(True)

    def _reloaded(self, answer: QueueRead) -> None:
        self.beginResetModel()
        self.read_failed = False
        self._rows, self._total, self.total_everywhere = answer.rows, answer.total, answer.everywhere
        self._complete = answer.complete
        self.rows_fetched += len(answer.rows)
        self.endResetModel()
        if answer.revoked is not None:
            # After the model's reset has finished: the window signs out and drops this model in answer.
            self._revoked_with = answer.revoked
            QTimer.singleShot(0, self, self._say_revoked)
        self._answered()

    def _reload_failed(self, exc: Exception) -> None:
        if not isinstance(exc, StoreError):
            raise exc  # a fault in the program, not the database's: the console's error hook logs it
        self.beginResetModel()
        self._rows, self._total, self.total_everywhere = [], 0, None
        self.endResetModel()
        self._fail(exc)
        self._answered()

    def _fetched(self, answer: QueueRead) -> None:
        if answer.revoked is not None:
            self._complete = True
            self._revoked_with = answer.revoked
            QTimer.singleShot(0, self, self._say_revoked)
        elif answer.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(answer.rows) - 1)  # `last` is inclusive
            self._rows.extend(answer.rows)
            self.endInsertRows()
            self.rows_fetched += len(answer.rows)
        if answer.complete:
            self._complete = True
        self._answered()

    def _fetch_failed(self, exc: Exception) -> None:
        if not isinstance(exc, StoreError):
            raise exc  # a fault in the program, not the database's: the console's error hook logs it
        self._fail(exc)
        self._answered()

    def _answered(self) -> None:
        self.reloaded.emit()
        if not self.reader.busy:
            self.loading_changed.emit(False)

    @property
    def loading(self) -> bool:
        """A read is out (the view says "Reading the requests…" meanwhile)."""
        return self.reader.busy

    def _say_revoked(self) -> None:
        self.revoked.emit(self._revoked_with)

    def _fail(self, exc: StoreError) -> None:
        log.warning("queue: reading the requests failed (%s)", type(exc).__name__)
        self._complete = True  # no retry loop from the view's scrolling; Refresh tries again
        self.read_failed = True
        self.failed.emit(UNREADABLE)

    def _seen(self, row: QueueRow) -> bool:
        return row.urgent and row.seen_at_desk_at is not None

    def _marked(self, row: QueueRow, column: int) -> bool:
        """Whether the cell carries a state of its own (a wait against its target, or "seen at the desk")."""
        if column == STATUS and row.status is RequestStatus.NEW and self._seen(row):
            return True
        return column in (STATUS, WAITING) and self.wait_state(row) not in (None, WaitState.WITHIN)

    def _colours(self, row: QueueRow, column: int) -> tuple[QColor, QColor] | None:
        """(background, text) for the cell, or None for the table's own."""
        if row.urgent and column == TYPE:
            return URGENT_BADGE, ON_BADGE
        if column in (STATUS, WAITING):
            state = self.wait_state(row)
            if state is WaitState.OVERDUE:
                # An urgent request past its target is as pressing as its badge: the same solid red.
                return (URGENT_BADGE, ON_BADGE) if row.urgent else (OVERDUE_BACKGROUND, OVERDUE_TEXT)
            if state is WaitState.DUE_SOON:
                return DUE_SOON_BACKGROUND, DUE_SOON_TEXT
            if column == STATUS and row.status is RequestStatus.NEW and self._seen(row):
                return SEEN_BACKGROUND, SEEN_TEXT
        if row.urgent:
            return URGENT_BACKGROUND, URGENT_TEXT
        return None

    def _cell(self, row: QueueRow, column: int, *, tooltip: bool) -> str:
        if column == REFERENCE:
            return format_reference(row.reference)
        if column == TYPE:
            kind = KIND_WORDS.get(row.kind, row.kind.value)
            if not row.urgent:
                return kind
            if tooltip:
                return f"Urgent {kind.lower()}: the patient reported warning signs; call them now."
            return URGENT_WORDS
        if column == NAME:
            if row.id in self.fresh_ids:
                if tooltip:
                    return f"New since you last looked at the queue: {row.last_name}, {row.first_name}"
                return f"{FRESH_MARK}{row.last_name}, {row.first_name}"
            return f"{row.last_name}, {row.first_name}"
        if column == RECEIVED:
            return received_words(row.created_at, self._now())
        if column == STATUS:
            return self._status_words(row, tooltip=tooltip)
        if row.status is not RequestStatus.NEW:
            # Only a request nobody at the desk has acted on waits, as Overview's "Waiting now" counts them:
            # a scheduled or could-not-reach request does not keep "waiting" from its arrival (issue 24).
            return f"Not waiting: it is {STATUS_LABELS[row.status].lower()}." if tooltip else NOT_WAITING
        waited = waiting_words(self._now() - row.created_at)
        return self._wait_tooltip(row, waited) if tooltip else waited

    def _status_words(self, row: QueueRow, *, tooltip: bool) -> str:
        status = STATUS_LABELS[row.status]
        seen_at, seen_by = row.seen_at_desk_at, row.seen_at_desk_by or ""
        if self._seen(row) and seen_at is not None:
            if tooltip:
                local = seen_at.astimezone()
                who = f" by {seen_by}" if seen_by else ""
                return f"Seen at the desk at {local:%H:%M} on {local.day} {local:%b}{who}. Status: {status}."
            if row.status is RequestStatus.NEW:
                return SEEN_MARK + seen_words(seen_at, seen_by, today=self._now().astimezone().date(), short=True)
            return status
        state = self.wait_state(row)
        if state is None or state is WaitState.WITHIN:
            return status
        words = f"{status} \u00b7 {WAIT_WORDS[state]}"
        return self._wait_tooltip(row, waiting_words(self._now() - row.created_at)) if tooltip else words

    def _wait_tooltip(self, row: QueueRow, waited: str) -> str:
        state = self.wait_state(row)
        if state is None:
            return f"Received {waited} ago; someone at the desk has dealt with it."
        kind = "urgent requests" if row.urgent else "requests that are not urgent"
        target = target_words(self.targets.for_request(row.urgent))
        if state is WaitState.OVERDUE:
            return f"Waiting {waited}: past the {target} target for {kind}."
        if state is WaitState.DUE_SOON:
            return f"Waiting {waited}: past half the {target} target for {kind}."
        return f"Waiting {waited}, within the {target} target for {kind}."
