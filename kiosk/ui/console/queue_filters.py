"""The queue's filter bar: status, type, urgency and received dates, read back as one QueueFilter."""

from __future__ import annotations

import datetime as dt

from kiosk.qt import (
    QApplication,
    QComboBox,
    QDate,
    QDateEdit,
    QEvent,
    QHBoxLayout,
    QKeyEvent,
    QMouseEvent,
    QObject,
    QPointF,
    QShowEvent,
    QSize,
    QSizePolicy,
    Qt,
    QTableView,
    QWidget,
    Signal,
)

from kiosk.domain.requests import RequestKind
from kiosk.domain.workflow import OPEN_STATUSES, STATUS_LABELS, RequestStatus
from kiosk.qt_filters import teardown_safe
from kiosk.services.queue import QueueFilter
from kiosk.ui.console.widgets import button

_FOCUS_BORDER = 2  # px: a focused table's border in resources/styles/console.qss
# A date before any request: the date edits show "Any day" at this value.
NO_DATE = QDate(2000, 1, 1)

STATUS_CHOICES: list[tuple[str, frozenset[RequestStatus]]] = [
    ("Open requests", OPEN_STATUSES),
    *((STATUS_LABELS[status], frozenset({status})) for status in RequestStatus),
    ("All statuses", frozenset(RequestStatus)),
]
KIND_CHOICES: list[tuple[str, frozenset[RequestKind]]] = [
    ("All types", frozenset(RequestKind)),
    ("Appointments", frozenset({RequestKind.APPOINTMENT})),
    ("Follow-ups", frozenset({RequestKind.FOLLOW_UP})),
]
URGENCY_CHOICES: list[tuple[str, bool | None]] = [("Any urgency", None), ("Urgent only", True), ("Not urgent", False)]


def _combo(name: str, accessible: str, choices: list[str]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    combo.addItems(choices)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # never cut a choice short
    return combo


def _date_edit(name: str, accessible: str, word: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    # The word is part of the shown date ("from 3 Mar 2025"), so no separate label takes room.
    edit.setDisplayFormat(f"'{word}' d MMM yyyy")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText(f"{word} any day")
    edit.setDate(NO_DATE)
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return edit


def _opens_calendar(event: QKeyEvent) -> bool:
    """F4 or Alt+Down, the keys that open a drop-down list elsewhere (QDateEdit itself opens its calendar only
    for a click, so a keyboard user could never see it)."""
    if event.type() != QEvent.Type.KeyPress:
        return False
    alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
    return event.key() == Qt.Key.Key_F4 or (alt and event.key() == Qt.Key.Key_Down)


def _open_calendar(edit: QDateEdit) -> None:
    # A click on the drop-down arrow, the one way QDateEdit opens its popup; the arrow is at the right-hand end in
    # every style, and the filter below starts the calendar at today as it does for a real click.
    where = QPointF(edit.width() - 4, edit.height() / 2)
    for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
        click = QMouseEvent(
            kind,
            where,
            edit.mapToGlobal(where),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(edit, click)
    edit.calendarWidget().setFocus(Qt.FocusReason.PopupFocusReason)


def _calendar_size(calendar: QWidget) -> QSize:
    """Room for the month bar, the day names and six weeks at the styled font, borders included.

    The calendar's own size hint leaves out the border the console's style gives every table (2 px when it has
    the focus), which cut the sixth week in half at 1366x768; each row gets the font's height and some air.
    """
    hint = calendar.sizeHint()
    days = calendar.findChild(QTableView)
    bar = calendar.findChild(QWidget, "qt_calendar_navigationbar")
    if days is None or bar is None:
        return hint  # another Qt's insides: its own hint is the best there is
    days.ensurePolished()
    metrics = days.fontMetrics()
    rows = 7 * (metrics.height() + 6) + 2 * _FOCUS_BORDER
    columns = 7 * (metrics.horizontalAdvance("Wed") + 12) + 2 * _FOCUS_BORDER
    return QSize(max(hint.width(), columns), max(hint.height(), bar.sizeHint().height() + rows))


class QueueFilters(QWidget):
    """`changed()` whenever a choice changes; `current(search)` is the filter they describe."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = _combo("StatusFilter", "Status", [text for text, _ in STATUS_CHOICES])
        self.kind = _combo("TypeFilter", "Type", [text for text, _ in KIND_CHOICES])
        self.urgency = _combo("UrgencyFilter", "Urgency", [text for text, _ in URGENCY_CHOICES])
        self.received_from = _date_edit("FromDate", "Received from", "from")
        self.received_to = _date_edit("ToDate", "Received to", "to")
        self.clear_dates = button("Clear dates", "ClearDates")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.status)
        layout.addWidget(self.kind)
        layout.addWidget(self.urgency)
        # The dates are a widget of their own, placed beside the search box by the queue: one row of all five
        # filters was the queue's minimum width and left the detail pane too narrow at 1366x768 (issue 24).
        self.dates = QWidget(self)
        dates = QHBoxLayout(self.dates)
        dates.setContentsMargins(0, 0, 0, 0)
        dates.setSpacing(6)
        dates.addWidget(self.received_from)
        dates.addWidget(self.received_to)
        dates.addWidget(self.clear_dates)
        for combo in (self.status, self.kind, self.urgency):
            combo.currentIndexChanged.connect(self.changed)
        for edit in (self.received_from, self.received_to):
            edit.dateChanged.connect(self._date_changed)
            edit.installEventFilter(self)
        self.clear_dates.clicked.connect(self.reset_dates)
        self._date_changed()

    @teardown_safe
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            isinstance(watched, QDateEdit)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        ):
            # A date edit spends Tab on its own day/month/year parts, a trap for keyboard users (issue 24):
            # Tab leaves it in one step; Left and Right still move between the parts.
            if event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.focusNextChild()
            else:
                self.focusPreviousChild()
            return True
        if isinstance(watched, QDateEdit) and isinstance(event, QKeyEvent) and _opens_calendar(event):
            _open_calendar(watched)
            return True
        # "Any day" is a date in 2000; start the calendar at today instead of there.
        if (
            isinstance(watched, QDateEdit)
            and event.type() == QEvent.Type.MouseButtonPress
            and watched.date() == NO_DATE
        ):
            watched.setDate(QDate.currentDate())
        return False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        # The popup takes the calendar's size before the console's larger styled font is applied to it, which cut
        # off its last column and row (issue 24): size it from the polished calendar instead.
        for edit in (self.received_from, self.received_to):
            calendar = edit.calendarWidget()
            calendar.ensurePolished()
            calendar.setMinimumSize(_calendar_size(calendar))

    def show_all_statuses(self) -> None:
        self.status.setCurrentIndex(len(STATUS_CHOICES) - 1)  # "All statuses"

    def reset_dates(self) -> None:
        for edit in (self.received_from, self.received_to):
            edit.blockSignals(True)
            edit.setDate(NO_DATE)
            edit.blockSignals(False)
        self._date_changed()

    def _date_changed(self) -> None:
        self.clear_dates.setEnabled(
            self._day(self.received_from) is not None or self._day(self.received_to) is not None
        )
        self.changed.emit()

    @staticmethod
    def _day(edit: QDateEdit) -> dt.date | None:
        value = edit.date()
        if value == NO_DATE:
            return None
        return dt.date(value.year(), value.month(), value.day())

    def current(self, search: str = "") -> QueueFilter:
        return QueueFilter(
            statuses=STATUS_CHOICES[self.status.currentIndex()][1],
            kinds=KIND_CHOICES[self.kind.currentIndex()][1],
            urgency=URGENCY_CHOICES[self.urgency.currentIndex()][1],
            received_from=self._day(self.received_from),
            received_to=self._day(self.received_to),
            search=search.strip(),
        )
