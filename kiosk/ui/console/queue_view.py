"""The queue: filters, search, a count, the lazily loaded table, a "new" badge, and export."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from pathlib import Path

from kiosk.qt import (
    QAbstractItemView,
    QApplication,
    QEvent,
    QFont,
    QFontMetrics,
    QHBoxLayout,
    QHeaderView,
    QItemSelectionModel,
    QKeyEvent,
    QKeySequence,
    QLineEdit,
    QModelIndex,
    QObject,
    QShortcut,
    QShowEvent,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.domain.staff import Actor, Permission, PermissionDenied
from kiosk.domain.workflow import RequestStatus
from kiosk.qt_filters import teardown_safe
from kiosk.services.authority import AccountRevoked
from kiosk.services.export import export_csv
from kiosk.services.queue import COUNT_CAP, QueueFilter
from kiosk.services.store import StoreError
from kiosk.services.waiting import WaitTargets
from kiosk.ui.console.context import ConsoleContext
from kiosk.ui.console.off_thread import OffThreadReader
from kiosk.ui.console.queue_empty import date_range_problem, empty_sentence
from kiosk.ui.console.queue_filters import QueueFilters
from kiosk.ui.console.queue_model import COLUMNS, RECEIVED, SEEN_MARK, WAITING, QueueModel
from kiosk.ui.console.queue_table import DWELL_MS, QueueTable
from kiosk.ui.console.queue_watch import POLL_MS, QueueWatch
from kiosk.ui.console.widgets import button, label, save_file_name, set_role

log = logging.getLogger(__name__)

ALL_STATUSES = frozenset(RequestStatus)
EXPORTING = "Exporting…"
EXPORT_UNREACHABLE = (
    "Nothing was exported: the database cannot be reached. Try again in a moment, or call IT if this goes on."
)
SEARCH_PAUSE_MS = 350  # search once typing pauses, not on every key
CLOCK_MS = 30_000  # waiting times and their "due soon"/"overdue" move on with the clock, not only on changes
# The widest text each column shows (urgent rows are bold); Name takes what is left. A username longer
# than the sample's is elided in the Status cell; its tooltip and the detail view say it in full.
COLUMN_SAMPLES = {
    0: "HHH HHH",
    1: "Appointment",  # wider than URGENT_WORDS
    3: "28 Nov 23:59",  # wider than "28 Nov 2025", a date of another year
    4: SEEN_MARK + "Seen 23:59 (sam.d)",  # a longer username is elided; the tooltip says it in full
    5: "23 h 59 min",
}
NAME_COLUMN = 2
CELL_PADDING = 16


def count_words(total: int) -> str:
    """The count over the queue; one the worker stopped counting (COUNT_CAP) is said as "more than 10,000"."""
    if total > COUNT_CAP:
        return f"more than {COUNT_CAP:,} requests"
    return f"{total:,} request{'s' if total != 1 else ''}"


class QueueView(QWidget):
    """`request_chosen(id)` when the receptionist selects a row; `account_revoked(sentence)` when the account
    was disabled or demoted since sign-in (the window signs out)."""

    request_chosen = Signal(str)
    account_revoked = Signal(str)

    def __init__(self, context: ConsoleContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.actor = actor
        self.can_export = context.may(actor, Permission.EXPORT)
        self.model = QueueModel(
            context.database,
            self,
            region=context.settings.clinic.phone_region,
            targets=WaitTargets.from_settings(context.settings.urgent),
            actor=actor,
        )
        self.last_seen = dt.datetime.now(dt.UTC)  # arrivals after this make the "N new" badge
        # Asks the database off the GUI thread: a hung server must not freeze this window or the urgent banner.
        self.watch = QueueWatch(context.database, self, since=self.last_seen, poll_ms=POLL_MS)
        # Exports run on their own worker: the audit row and a hundred thousand rows must not freeze the window.
        self.export_reader = OffThreadReader("queue-export", self)
        self._restoring = False
        self._keep_id: str | None = None  # the request to select again once a reload's answer comes
        self._listed_before: set[str] | None = None  # rows listed before a reload that counts new arrivals
        self.arrivals = 0

        self.search = QLineEdit()
        self.search.setObjectName("QueueSearch")
        self.search.setAccessibleName("Search")
        self.search.setPlaceholderText("Search name, phone or reference  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(80)
        self.filters = QueueFilters()
        self.count = label("", "heading")
        self.count.setObjectName("QueueCount")
        self.badge = button("", "NewBadge")
        set_role(self.badge, "badge")
        self.badge.setToolTip("New requests arrived: show the top of the queue")
        self.badge.hide()
        self.refresh_button = button("Refresh", "RefreshQueue")
        self.export_button = button("Export CSV…", "ExportCsv") if self.can_export else None
        self.message = label("", "muted", wrap=True)
        self.message.setObjectName("QueueMessage")
        self.message.hide()
        # While a read is out (a slow or hung server) the queue says so in words and stays usable meanwhile.
        self.reading = label("Reading the requests…", "muted")
        self.reading.setObjectName("QueueReading")
        self.reading.hide()
        # Said instead of an empty table: why nothing is listed (a date range backwards, a search, the filters).
        self.empty = label("", "muted", wrap=True)
        self.empty.setObjectName("QueueEmpty")
        self.empty.hide()
        # A search looks inside the Status filter; this says when other statuses hold matches, one click away.
        self.search_all = button("", "SearchAllStatuses")
        self.search_all.hide()
        self._out_of_touch_since: dt.datetime | None = None  # while the database cannot be reached

        self.table = QueueTable()
        self.table.setObjectName("QueueTable")
        self.table.setAccessibleName("Requests")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        # Urgent first, then oldest (the next to act on); Received or Waiting in the header turns it newest first.
        self.table.setSortingEnabled(False)  # the model sorts by what its indexes can page (QueueModel.sort)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(RECEIVED, Qt.SortOrder.AscendingOrder)
        header.setToolTip("Click Received or Waiting to list the oldest or the newest first; urgent stay on top")

        self._build_layout()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self._dwell = QTimer(self)  # a row reached by arrow keys opens once the receptionist stops on it
        self._dwell.setSingleShot(True)
        self._dwell.setInterval(DWELL_MS)
        self._dwell.timeout.connect(self.open_current)
        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(CLOCK_MS)
        self.clock_timer.timeout.connect(self.table.viewport().update)  # cells read the clock as they paint

        self.search.textEdited.connect(self._search_edited)
        self.search.returnPressed.connect(self._search_entered)
        self.search.installEventFilter(self)  # Down goes from the search box into the results
        self.table.open_now.connect(self.open_current)
        self.filters.changed.connect(self.apply_filter)
        self.refresh_button.clicked.connect(self.refresh_now)
        self.badge.clicked.connect(self.show_newest)
        header.sortIndicatorChanged.connect(self._sort_chosen)
        self.search_all.clicked.connect(self.filters.show_all_statuses)
        if self.export_button is not None:
            self.export_button.clicked.connect(self.export)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.watch.changed.connect(self._changed)
        self.watch.failed.connect(self._cannot_check)
        self.model.failed.connect(self._show_error)
        self.model.reloaded.connect(self._reloaded)
        self.model.loading_changed.connect(self.reading.setVisible)
        self.model.revoked.connect(self.account_revoked)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self.focus_search)
        self.apply_filter()

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.search, 1)
        top.addWidget(self.filters.dates)
        second = QHBoxLayout()
        second.setSpacing(8)
        second.addWidget(self.filters)
        second.addStretch(1)
        second.addWidget(self.count)
        second.addWidget(self.reading)
        second.addWidget(self.badge)
        second.addWidget(self.refresh_button)
        if self.export_button is not None:
            second.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 8, 8)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addWidget(self.search_all)
        layout.addWidget(self.table, 1)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Widths from the text each column can hold, measured in the styled font (15 or 16 px), never cut."""
        bold = QFont(self.table.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        header = self.table.horizontalHeader()
        for column, sample in COLUMN_SAMPLES.items():
            widest = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(COLUMNS[column]))
            header.resizeSection(column, widest + CELL_PADDING)
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(metrics.height() + 10)  # about 17 rows at 1366x768, none cramped

    # -- filter and refresh --------------------------------------------------------------------------------------
    def current_filter(self) -> QueueFilter:
        return self.filters.current(self.search.text())

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self._keep_id = None
        self.model.set_filter(self.current_filter())

    def refresh_now(self) -> None:
        self.refresh(keep_selection=True)
        self._clear_badge()

    def refresh(self, *, keep_selection: bool = True) -> None:
        """Reload the rows for the same filter, keeping the selected request selected if it is still listed.

        The rows are read on the model's worker; they show (and the selection comes back) when the answer comes.
        """
        chosen = self.selected_id() if keep_selection else None
        if chosen is not None or not self.model.loading:  # a reload already out keeps the row it was to keep
            self._keep_id = chosen
        self.model.refresh()

    def _reloaded(self) -> None:
        """An answer from the model's worker was shown: the row chosen before comes back, and the count."""
        chosen, self._keep_id = self._keep_id, None
        if chosen is not None and not self.model.loading:
            self._restoring = True
            try:
                self._select_id(chosen)
            finally:
                self._restoring = False
        if self._listed_before is not None and not self.model.loading:
            self._count_arrivals(self._listed_before)
            self._listed_before = None
        self._show_count()

    def start_polling(self) -> None:
        self.watch.start()
        self.clock_timer.start()

    def stop_polling(self) -> None:
        self.watch.pause()
        self.clock_timer.stop()

    @property
    def polling(self) -> bool:
        """True while the watcher looks for changes (not before sign-in, while locked, or after closing)."""
        return self.watch.active

    def poll(self) -> None:
        """Look for changes now; the answer comes back by signal, so this never waits on the database."""
        self.watch.wake()

    def _changed(self, _arrived_after: int, _since: dt.datetime) -> None:
        """Requests changed (from another console or the kiosk): reload, and count arrivals for the badge.

        The watcher's own count (by the time the patient sent them, over every request) is not used: see below.
        """
        if self._out_of_touch_since is not None:
            self._out_of_touch_since = None
            log.info("the queue can check for changes again")
            self.message.hide()
        if self._listed_before is None:  # a reload already out for an earlier change counts from its own start
            self._listed_before = self.model.listed_ids()
        self.refresh(keep_selection=True)

    def _count_arrivals(self, before: set[str]) -> None:
        # "New" is what appeared in this view since the receptionist last looked, whenever the patient sent it:
        # a request forwarded late from a kiosk's outbox counts, one outside the filters does not (issue 24).
        listed = self.model.listed_ids()
        self.model.fresh_ids = (self.model.fresh_ids | (listed - before)) & listed
        arrived = len(self.model.fresh_ids)
        if arrived > self.arrivals:
            if self.context.settings.staff.new_request_sound:
                QApplication.beep()
            self.badge.setText(f"{arrived:,} new")
            self.badge.setAccessibleName(f"{arrived:,} new requests")
            self.badge.show()
        self.arrivals = arrived

    def _cannot_check(self, name: str) -> None:
        # Said once on screen and once in the log (class only: a driver's message may quote a statement);
        # the rows stay as they were, and the urgent banner above says since when nothing could be checked.
        if self._out_of_touch_since is not None:
            return
        self._out_of_touch_since = dt.datetime.now()
        log.warning("the queue cannot check for changes: %s", name)
        self._show_message(
            f"The queue has not been updated since {self._out_of_touch_since:%H:%M}: the database cannot"
            " be reached. Call IT; what is shown may be out of date.",
            error=True,
        )

    def _clear_badge(self) -> None:
        self.last_seen = dt.datetime.now(dt.UTC)
        self.watch.since = self.last_seen
        self.arrivals = 0
        self.model.fresh_ids = set()
        self.badge.hide()

    def show_newest(self) -> None:
        """The "N new" badge: the newest first, from the top, so the new arrivals are the first rows."""
        self._clear_badge()
        self.set_newest_first(True)
        self.table.scrollToTop()

    def set_newest_first(self, newest: bool) -> None:
        header = self.table.horizontalHeader()
        order = Qt.SortOrder.DescendingOrder if newest else Qt.SortOrder.AscendingOrder
        if header.sortIndicatorSection() != RECEIVED or header.sortIndicatorOrder() != order:
            header.setSortIndicator(RECEIVED, order)  # sortIndicatorChanged sorts the model
        self._show_count()

    def _sort_chosen(self, column: int, order: Qt.SortOrder) -> None:
        if column in (RECEIVED, WAITING):
            self.model.sort(column, order)
            self._show_count()
            return
        # Other columns keep the arrival order (a million rows cannot page by them): the indicator goes back.
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        newest = Qt.SortOrder.DescendingOrder if self.model.newest_first else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(RECEIVED, newest)
        header.blockSignals(False)

    def _show_count(self) -> None:
        words = count_words(self.model.total())
        # "more than" on a line of its own: on one line it is wider than "9,999 requests" and, at 1366x768, would
        # push the queue past the window's edge; a screen reader hears it as one phrase.
        self.count.setText(words.replace("more than ", "more than\n"))
        self.count.setAccessibleName(words)
        nothing = self.model.total() == 0 and not self.model.read_failed and self._out_of_touch_since is None
        self.empty.setText(empty_sentence(self.model.where) if nothing else "")
        set_role(self.empty, "banner-error" if nothing and date_range_problem(self.model.where) else "muted")
        self.empty.setVisible(nothing)
        self._offer_other_statuses()

    def _offer_other_statuses(self) -> None:
        where = self.model.where
        others = 0
        everywhere = self.model.total_everywhere  # read with the rows, on the model's worker
        total = self.model.total()
        if where.search and where.statuses != ALL_STATUSES and not self.model.read_failed and everywhere is not None:
            # Both counts stop past COUNT_CAP: beyond it only "more" is known, and nothing when the filter's is too.
            others = 0 if total > COUNT_CAP else max(0, everywhere - total)
        if others:
            many = everywhere is not None and everywhere > COUNT_CAP
            self.search_all.setText(
                ("More matches" if many else f"{others:,} more match{'es' if others != 1 else ''}")
                + " in other statuses (closed ones too): search all statuses"
            )
        self.search_all.setVisible(bool(others))

    # -- selection -----------------------------------------------------------------------------------------------
    def selected_id(self) -> str | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row()).id

    def _select_id(self, request_id: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).id == request_id:
                self.select_row(row)
                return True
        return False

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._restoring or not current.isValid():
            return
        self._clear_badge()  # they are looking at the queue
        if self.table.keyed:
            self._dwell.start()  # passing over rows with the arrows opens (and audits) only where they stop
            return
        self._dwell.stop()
        self.request_chosen.emit(self.model.row_at(current.row()).id)

    def open_current(self) -> None:
        """Open the current row now (Enter, or the end of a dwell)."""
        self._dwell.stop()
        chosen = self.selected_id()
        if chosen is not None:
            self.request_chosen.emit(chosen)

    def focus_results(self) -> None:
        """From the search box into the rows: the first one is chosen if none is."""
        self.table.setFocus(Qt.FocusReason.TabFocusReason)
        if self.selected_id() is None and self.model.rowCount():
            self.select_row(0)

    def _search_entered(self) -> None:
        self.apply_filter()
        self.focus_results()

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            if self._search_timer.isActive():
                self.apply_filter()  # the search typed so far, not the rows from before it
            self.focus_results()
            return True
        return super().eventFilter(watched, event)

    def _selection_changed(self, *_changes: object) -> None:
        # A screen reader or switch chooses a row through the table's selection interface, which selects it but
        # leaves Qt's current row where it was: the one row selected is the request they asked to see.
        selection = self.table.selectionModel()
        rows = selection.selectedRows()
        if len(rows) == 1 and rows[0].row() != selection.currentIndex().row():
            selection.setCurrentIndex(rows[0], QItemSelectionModel.SelectionFlag.NoUpdate)

    # -- export --------------------------------------------------------------------------------------------------
    def export(self) -> None:
        suggested = str(Path.home() / "requests.csv")
        path = save_file_name(self, "Export requests as CSV", suggested, "CSV files (*.csv)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> int | None:
        """Export the queue's filter to `path` on the export's worker (the audit row, then the file).

        Returns how many rows were written when the answer came at once; None when it was refused, or is still out
        (the queue then says "Exporting…", and the result in a sentence when it comes).
        """
        if not self.isVisible():
            # Locked or signed out since the export was asked for (this view is hidden then): nothing leaves;
            # the receptionist starts the export again after unlocking.
            return None
        work = partial(
            export_csv,
            self.context.database,
            self.current_filter(),
            path,
            actor=self.actor,
            reception_can_export=self.context.settings.staff.reception_can_export,
            region=self.context.settings.clinic.phone_region,
            installation=self.context.own_files,  # never over the database, key, settings, backups...
        )
        written: list[int] = []

        def done(count: int) -> None:
            written.append(count)
            self._exported(path, count)

        if not self.export_reader.ask(work, done, self._export_failed):
            if self.export_button is not None:
                self.export_button.setEnabled(False)  # one export at a time: a second would supersede the first
            self._show_message(EXPORTING, error=False)
        return written[0] if written else None

    def _exported(self, path: Path, written: int) -> None:
        if self.export_button is not None:
            self.export_button.setEnabled(True)
        rows = f"{written:,} request{'s' if written != 1 else ''}"
        self._show_message(f"Exported {rows} to {path.name}.", error=False)

    def _export_failed(self, exc: Exception) -> None:
        if self.export_button is not None:
            self.export_button.setEnabled(True)
        if isinstance(exc, (PermissionDenied, OSError)):
            self._show_message(str(exc), error=True)
            if isinstance(exc, AccountRevoked):
                self.account_revoked.emit(str(exc))
        elif isinstance(exc, StoreError):
            # Class name only: a driver's message may quote a statement.
            log.warning("the queue could not be exported (%s)", type(exc).__name__)
            self._show_message(EXPORT_UNREACHABLE, error=True)
        else:
            raise exc  # a fault in the program, not the database's: the console's error hook logs it

    def _search_edited(self, _text: str) -> None:
        self._search_timer.start()  # filter once typing pauses

    def _show_error(self, sentence: str) -> None:
        self._show_message(sentence, error=True)

    def _show_message(self, sentence: str, *, error: bool) -> None:
        self.message.setText(sentence)
        set_role(self.message, "banner-error" if error else "banner-ok")
        self.message.show()

    def close_watcher(self) -> None:
        """Stop the watcher's thread (joined, at most its join_s) and close its connections."""
        self.clock_timer.stop()
        self.watch.stop()
