"""Admins browse the audit trail (newest first, 200 rows at a time), filter it, and verify its hash chain."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from kiosk.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QComboBox,
    QDate,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QShowEvent,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.domain.audit import AuditAction, Outcome
from kiosk.domain.staff import Actor, Permission, require
from kiosk.services.audit import AuditFilter, ChainReport, verify_chain
from kiosk.services.audit_rows import AuditRow, audit_rows
from kiosk.services.queue import local_day_start
from kiosk.services.store import Database, StoreError
from kiosk.ui.console.off_thread import OffThreadReader
from kiosk.ui.console.widgets import button, label, set_role, tooltip_text

log = logging.getLogger(__name__)

BATCH = 200
COLUMNS = ("When", "Who", "Workstation", "Action", "Record", "Outcome", "Detail")
_WIDTHS = (200, 120, 150, 180, 170, 90)  # Detail takes the rest
PROBLEMS_SHOWN = 5
VERIFYING = "Checking the audit trail…"
UNREADABLE = "The audit trail could not be read from the database: check the connection, then choose Refresh."

ACTION_WORDS = {
    AuditAction.LOGIN: "Signed in",
    AuditAction.LOGIN_FAILED: "Sign-in failed",
    AuditAction.LOGOUT: "Signed out",
    AuditAction.LOCK: "Console locked",
    AuditAction.UNLOCK: "Console unlocked",
    AuditAction.VIEW_REQUEST: "Opened a request",
    AuditAction.STATUS_CHANGE: "Changed status",
    AuditAction.NOTE: "Added a note",
    AuditAction.EXPORT: "Exported",
    AuditAction.PRINT: "Printed",
    AuditAction.PURGE: "Purged requests",
    AuditAction.BACKUP: "Backed up the database",
    AuditAction.RESTORE: "Restored the database",
    AuditAction.REKEY: "Changed the database key",
    AuditAction.ENCRYPT: "Encrypted the database",
    AuditAction.USER_ADD: "Added an account",
    AuditAction.USER_DISABLE: "Disabled an account",
    AuditAction.USER_ENABLE: "Enabled an account",
    AuditAction.USER_UNLOCK: "Unlocked an account",
    AuditAction.PASSWORD_RESET: "Reset a password",
    AuditAction.ACCOUNT_LOCKED: "Account locked",
    AuditAction.PERMISSION_DENIED: "Not allowed",
    AuditAction.KIOSK_CLOSED: "Closed the kiosk app",
    AuditAction.SEEN_AT_DESK: "Seen at the desk",
}
OUTCOME_WORDS = {Outcome.OK: "OK", Outcome.DENIED: "Denied", Outcome.FAILED: "Failed"}


def action_words(action: str) -> str:
    # A row written by a newer version may carry an action this one does not know: show it as stored.
    try:
        return ACTION_WORDS[AuditAction(action)]
    except ValueError:
        return action


def outcome_words(outcome: str) -> str:
    try:
        return OUTCOME_WORDS[Outcome(outcome)]
    except ValueError:
        return outcome


def when_words(moment: dt.datetime) -> str:
    """Local time to the second, like "3 Mar 2025 14:05:09": an audit question is often "in which order"."""
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y %H:%M:%S}"


def cells(row: AuditRow) -> tuple[str, ...]:
    """What the table shows for one row, column by column."""
    return (
        when_words(row.at),
        row.actor,
        row.workstation,
        action_words(row.action),
        f"Request {row.reference}" if row.reference else row.target,
        outcome_words(row.outcome),
        row.detail.replace("->", " → "),
    )


def tooltips(row: AuditRow) -> tuple[str, ...]:
    """As the cells, but the record column names the request's id, not its reference."""
    shown = cells(row)
    return (*shown[:4], row.target, *shown[5:])


class AuditModel(QAbstractTableModel):
    """Audit rows for a filter, newest first, read in keyset batches as the table scrolls."""

    failed = Signal(str)  # a sentence for staff when the database cannot be read

    def __init__(self, database: Database, parent: QObject | None = None, *, batch_size: int = BATCH) -> None:
        super().__init__(parent)
        self.database = database
        self.batch_size = batch_size
        self.where = AuditFilter()
        self._rows: list[AuditRow] = []
        self._exhausted = False
        # Read on this worker, never on the GUI thread: a hung server must not freeze the console.
        self.reader = OffThreadReader("audit-rows", self)

    @property
    def rows_fetched(self) -> int:
        return len(self._rows)

    @property
    def complete(self) -> bool:
        """True once every row matching the filter is loaded."""
        return self._exhausted

    def row_at(self, row: int) -> AuditRow:
        return self._rows[row]

    def set_filter(self, where: AuditFilter) -> None:
        self.where = where
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self.endResetModel()
        self.reader.drop()  # a batch for the filter before is not shown under this one
        self._ask_batch()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cells(self._rows[index.row()])[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text(tooltips(self._rows[index.row()])[index.column()])
        return None

    def headerData(  # noqa: N802 (Qt's name)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802 (Qt's name)
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802 (Qt's name)
        # Qt asks again as the view scrolls; one batch at a time, read on the worker.
        if parent.isValid() or self._exhausted or self.reader.busy:
            return
        self._ask_batch()

    def _ask_batch(self) -> None:
        before = self._rows[-1].id if self._rows else None
        work = partial(audit_rows, self.database, self.where, before_id=before, limit=self.batch_size)
        self.reader.ask(work, self._batch_read, self._unreadable)

    def _unreadable(self, exc: Exception) -> None:
        if not isinstance(exc, StoreError):
            raise exc  # a fault in the program, not the database's: the console's error hook logs it
        log.warning("audit view: reading the trail failed (%s)", type(exc).__name__)
        self._exhausted = True  # no retry loop from the view's scrolling; Refresh tries again
        self.failed.emit(UNREADABLE)

    def _batch_read(self, rows: list[AuditRow]) -> None:
        if len(rows) < self.batch_size:
            self._exhausted = True
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)  # `last` is inclusive
        self._rows.extend(rows)
        self.endInsertRows()


def _date_edit(name: str, accessible: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    # The lowest date shows as "Any": no limit on that side of the range.
    edit.setMinimumDate(QDate(2000, 1, 1))
    edit.setSpecialValueText("Any")
    edit.setDate(edit.minimumDate())
    return edit


class AuditView(QWidget):
    """Admin only: the constructor refuses anyone whose role may not see the audit trail."""

    def __init__(self, database: Database, actor: Actor, parent: QWidget | None = None) -> None:
        require(actor, Permission.VIEW_AUDIT)
        super().__init__(parent)
        self.setObjectName("ConsolePage")
        self.database = database
        self.actor = actor
        self.model = AuditModel(database, self)
        self.verifier = OffThreadReader("audit-verify", self)

        self.user = QLineEdit()
        self.user.setObjectName("AuditUser")
        self.user.setAccessibleName("Filter by username")
        self.user.setPlaceholderText("Any user")
        self.user.setClearButtonEnabled(True)
        self.user.setMaxLength(64)
        self.action = QComboBox()
        self.action.setObjectName("AuditAction")
        self.action.setAccessibleName("Filter by action")
        self.action.addItem("All actions", None)
        for action in sorted(AuditAction, key=action_words):
            self.action.addItem(ACTION_WORDS[action], action.value)  # Qt hands an enum back as a plain str
        self.since = _date_edit("AuditFrom", "From date")
        self.until = _date_edit("AuditTo", "To date")
        self.clear_button = button("Clear filters", "AuditClear")
        self.refresh_button = button("Refresh", "AuditRefresh")
        self.verify_button = button("Verify chain", "AuditVerify", primary=True)
        self.message = label("", "banner-ok", wrap=True)
        self.message.setObjectName("AuditMessage")
        self.message.hide()
        self.count = label("", "muted")
        self.count.setObjectName("AuditCount")

        self.table = QTableView()
        self.table.setObjectName("AuditTable")
        self.table.setAccessibleName("Audit trail, newest first")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column, width in enumerate(_WIDTHS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self._columns_fitted = False

        filters = QGridLayout()
        filters.setHorizontalSpacing(10)
        filters.setVerticalSpacing(4)
        for column, (name, widget) in enumerate(
            (("User", self.user), ("Action", self.action), ("From", self.since), ("To", self.until))
        ):
            caption = label(name, "field-name")
            caption.setBuddy(widget)
            filters.addWidget(caption, 0, column)
            filters.addWidget(widget, 1, column)
        filters.addWidget(self.clear_button, 1, 4)
        filters.setColumnStretch(0, 2)
        filters.setColumnStretch(1, 2)
        filters.setColumnStretch(2, 1)
        filters.setColumnStretch(3, 1)

        top = QHBoxLayout()
        top.addWidget(label("Audit trail", "title"))
        top.addSpacing(12)
        top.addWidget(self.count, 1, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.refresh_button)
        top.addWidget(self.verify_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

        # Typing a name waits for a pause, so each keystroke does not query the database.
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(350)
        self._typing.timeout.connect(self.apply_filters)
        self.user.textChanged.connect(self._typing.start)
        self.user.returnPressed.connect(self.apply_filters)
        self.action.currentIndexChanged.connect(self.apply_filters)
        self.since.dateChanged.connect(self.apply_filters)
        self.until.dateChanged.connect(self.apply_filters)
        self.clear_button.clicked.connect(self.clear_filters)
        self.refresh_button.clicked.connect(self.refresh)
        self.verify_button.clicked.connect(self.verify)
        self.model.failed.connect(self._show_problem)
        self.model.rowsInserted.connect(self._show_count)
        self.model.modelReset.connect(self._show_count)
        self.apply_filters()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._columns_fitted:
            # Only once shown is the console's style sheet (and so the header font) in effect.
            self._columns_fitted = True
            header = self.table.horizontalHeader()
            for column, width in enumerate(_WIDTHS):
                self.table.setColumnWidth(column, max(width, header.sectionSizeHint(column)))

    def refresh(self) -> None:
        self.message.hide()
        self.apply_filters()

    def current_filter(self) -> AuditFilter | None:
        """The filter the controls describe; None (with the reason shown) if the dates are the wrong way round."""
        since = self._day(self.since)
        until = self._day(self.until)
        if since is not None and until is not None and since > until:
            self._show_problem("The From date is after the To date: choose a From date on or before the To date.")
            return None
        action = self.action.currentData()
        return AuditFilter(
            actor=self.user.text().strip(),
            action=AuditAction(action) if action else None,
            since=local_day_start(since) if since else None,
            until=local_day_start(until + dt.timedelta(days=1)) if until else None,
        )

    def apply_filters(self) -> None:
        self._typing.stop()
        where = self.current_filter()
        if where is None:
            return
        if self.message.property("role") == "banner-error" and self.message.isVisible():
            self.message.hide()  # the old problem was about the old filter
        self.model.set_filter(where)

    def clear_filters(self) -> None:
        for widget in (self.user, self.action, self.since, self.until):
            widget.blockSignals(True)
        self.user.clear()
        self.action.setCurrentIndex(0)
        self.since.setDate(self.since.minimumDate())
        self.until.setDate(self.until.minimumDate())
        for widget in (self.user, self.action, self.since, self.until):
            widget.blockSignals(False)
        self.apply_filters()

    def verify(self) -> None:
        """Verify the chain on its own worker (every row is read and hashed: seconds on a long trail, and a hung
        server must not freeze the console); "Checking the audit trail…" meanwhile, the report when it comes."""
        if not self.verifier.ask(partial(verify_chain, self.database), self._verified, self._unverified):
            self.verify_button.setEnabled(False)  # one check at a time
            self._show_message(VERIFYING, ok=True)

    def _unverified(self, exc: Exception) -> None:
        self.verify_button.setEnabled(True)
        if not isinstance(exc, StoreError):
            raise exc  # a fault in the program, not the database's: the console's error hook logs it
        log.warning("audit view: verifying the chain failed (%s)", type(exc).__name__)
        self._show_problem(UNREADABLE)

    def _verified(self, report: ChainReport) -> None:
        self.verify_button.setEnabled(True)
        log.info("audit view: chain verified, %d rows, %d problems", report.rows_checked, len(report.problems))
        if report.intact:
            rows = "1 row" if report.rows_checked == 1 else f"{report.rows_checked:,} rows"
            self._show_message(f"Intact: {rows} checked.", ok=True)
            return
        shown = report.problems[:PROBLEMS_SHOWN]
        more = len(report.problems) - len(shown)
        lines = [f"The audit trail was changed outside the application ({report.rows_checked} rows checked):"]
        lines += [f"• {problem[0].upper()}{problem[1:]}." for problem in shown]
        if more:
            lines.append(f"…and {more} more. Run `kiosk audit verify` for the full list, and tell clinic IT.")
        else:
            lines.append("Tell clinic IT.")
        self._show_message("\n".join(lines), ok=False)

    @staticmethod
    def _day(edit: QDateEdit) -> dt.date | None:
        if edit.date() == edit.minimumDate():
            return None
        picked = edit.date()
        return dt.date(picked.year(), picked.month(), picked.day())

    def _show_count(self) -> None:
        shown = self.model.rows_fetched
        if self.model.complete:
            self.count.setText(f"{shown} row{'s' if shown != 1 else ''}")
        else:
            self.count.setText(f"Newest {shown} rows shown; more load as you scroll")

    def _show_problem(self, sentence: str) -> None:
        self._show_message(sentence, ok=False)

    def _show_message(self, text: str, *, ok: bool) -> None:
        self.message.setText(text)
        set_role(self.message, "banner-ok" if ok else "banner-error")
        self.message.show()
