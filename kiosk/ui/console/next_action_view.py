"""The "Next to do" tab: the receptionist's to-do list (kiosk.services.next_actions), worked from the keyboard.

Up and Down move through the list, Enter opens the request in the Queue tab, Tab leaves the list in one step.
Moving through the list opens nothing, so nothing is logged as opened until Enter.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from kiosk.qt import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QModelIndex,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)

from kiosk.domain.reference import format_reference
from kiosk.services.next_actions import NextAction, next_actions
from kiosk.services.store import Database, StoreError
from kiosk.services.waiting import WaitTargets
from kiosk.ui.console.off_thread import OffThreadReader
from kiosk.ui.console.widgets import button, label

log = logging.getLogger(__name__)

COLUMNS = ("To do", "Patient", "Reference", "Why")
SHORTCUT = "Ctrl+N"
EMPTY = "Nothing waits for the desk right now: no urgent, new or call-back requests are due."
READING = "Reading the list…"
UNREADABLE = "The list could not be read from the database. Press Refresh to try again; if it keeps failing, call IT."
INTRO = (
    "What needs doing next, most pressing first: urgent requests nobody has seen, then those past their answer "
    "target, new ones oldest first, calls to try again, and patients contacted but not yet booked. "
    "Enter opens the highlighted request."
)


class NextActionView(QWidget):
    """`open_requested(request_id)` when Enter (or a double click) picks a request to work on."""

    open_requested = Signal(str)

    def __init__(self, database: Database, targets: WaitTargets | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NextActionView")
        self.database = database
        self.targets = targets or WaitTargets()
        self.to_do: list[NextAction] = []
        # Read on a worker thread, as every console read is: a hung server never freezes the window.
        self.reader = OffThreadReader("next-to-do", self)
        heading = label("Next to do", "title")
        self.intro = label(INTRO, "muted", wrap=True)
        self.refresh_button = button("Refresh", "RefreshNextActions")
        self.refresh_button.setToolTip("Read the list again (F5)")
        self.message = label("", wrap=True)
        self.message.setObjectName("NextActionMessage")
        self.message.hide()
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.list = QTableView()
        self.list.setObjectName("NextActionList")
        self.list.setAccessibleName("Next to do")
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setTabKeyNavigation(False)  # Tab leaves the list in one step, as in the queue
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(False)
        self.list.verticalHeader().hide()
        self.list.horizontalHeader().setStretchLastSection(True)
        self.list.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.list.activated.connect(self._activated)  # Enter, or a double click
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.intro)
        layout.addWidget(self.message)
        layout.addWidget(self.list, 1)
        self.refresh_button.clicked.connect(self.refresh)
        again = QShortcut(QKeySequence("F5"), self)
        again.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        again.activated.connect(self.refresh)

    def refresh(self, now: dt.datetime | None = None) -> None:
        """Read the list again on the worker; the highlighted request stays highlighted if it is still listed."""
        work = partial(next_actions, self.database, now=now, targets=self.targets)
        if not self.reader.ask(work, self._show, self._failed):
            self._say(READING)  # a slow or unreachable server: the tab says so and the window stays usable

    def _failed(self, exc: Exception) -> None:
        if not isinstance(exc, StoreError):
            raise exc  # a fault in the program, not the database's: the console's error hook logs it
        log.warning("next to do: list not read (%s)", type(exc).__name__)
        self._say(UNREADABLE)

    def _show(self, to_do: list[NextAction]) -> None:
        chosen = self.chosen_id()
        self.to_do = to_do
        self.model.removeRows(0, self.model.rowCount())
        for action in self.to_do:
            cells = [
                QStandardItem(text)
                for text in (
                    action.what_to_do,
                    f"{action.last_name}, {action.first_name}",
                    format_reference(action.reference),
                    action.reason,
                )
            ]
            cells[0].setData(action.id, Qt.ItemDataRole.UserRole)
            cells[3].setToolTip(action.reason)
            self.model.appendRow(cells)
        self.list.resizeColumnsToContents()
        self._say(EMPTY if not self.to_do else "")
        ids = [action.id for action in self.to_do]
        if self.to_do:
            self.list.selectRow(ids.index(chosen) if chosen in ids else 0)

    def _say(self, sentence: str) -> None:
        self.message.setText(sentence)
        self.message.setVisible(bool(sentence))

    def chosen_id(self) -> str | None:
        index = self.list.currentIndex()
        return self._id_at(index) if index.isValid() else None

    def focus_list(self) -> None:
        self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _id_at(self, index: QModelIndex) -> str:
        return str(self.model.index(index.row(), 0).data(Qt.ItemDataRole.UserRole))

    def _activated(self, index: QModelIndex) -> None:
        self.open_requested.emit(self._id_at(index))
