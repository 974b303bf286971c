"""The Kiosks tab: every PC that uses this database, when each was last seen, and what waits in its outbox."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from kiosk.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QBrush,
    QColor,
    QHBoxLayout,
    QHeaderView,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QShowEvent,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n.review import UnreviewedTranslation
from kiosk.services.heartbeat import (
    BEAT_SECONDS,
    STALE_BEATS,
    WorkstationSeen,
    last_seen_words,
    quiet_words,
    workstations_seen,
)
from kiosk.services.store import Database, StoreError
from kiosk.ui.console.theme import CONSOLE_COLOURS
from kiosk.ui.console.widgets import button, label

log = logging.getLogger(__name__)

COLUMNS = ("PC", "Role", "Version", "Last seen", "Waiting to send")
ROLE_WORDS = {"kiosk": "Patient kiosk", "console": "Front desk"}
REFRESH_MS = 30_000  # while the tab is in sight
UNREADABLE = "The list of PCs could not be read from the database: check the connection, then choose Refresh."
EXPLAINED = (
    "Each patient kiosk reports every minute. One not seen for more than "
    f"{BEAT_SECONDS * STALE_BEATS // 60} minutes may be switched off, frozen or cut off from the database: "
    "check its screen and its network cable. Front-desk PCs are shown as last started."
)
TRANSLATIONS_TITLE = "Translations on the patient screens"
ALL_REVIEWED = "No translation on the patient screens is waiting for clinical review."
REVIEW_EXPLAINED = (
    "Patients see these translations now. Once a clinician has checked one, clear its flag "
    "(needs_clinical_review = false in its strings file or page)."
)


def last_seen_text(pc: WorkstationSeen, now: dt.datetime) -> str:
    quiet = pc.quiet_for(now)
    if pc.stale(now):
        return f"⚠ Not seen for {quiet_words(quiet)}"  # words and a sign, never colour alone
    return last_seen_words(quiet)


def backlog_text(pc: WorkstationSeen) -> str:
    if pc.backlog == 0:
        return "Nothing waiting"
    return f"{pc.backlog:,} request{'s' if pc.backlog != 1 else ''} waiting"


class WorkstationsModel(QAbstractTableModel):
    def __init__(self, clock: Callable[[], dt.datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.pcs: list[WorkstationSeen] = []
        self.now = clock()

    def set_pcs(self, pcs: list[WorkstationSeen]) -> None:
        self.beginResetModel()
        self.pcs = pcs
        self.now = self.clock()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.pcs)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def text(self, row: int, column: int) -> str:
        pc = self.pcs[row]
        return (
            pc.name,
            ROLE_WORDS.get(pc.role, pc.role.capitalize()),
            pc.version,
            last_seen_text(pc, self.now),
            backlog_text(pc),
        )[column]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        pc = self.pcs[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return f"{pc.last_seen_at.astimezone():%d %b %Y, %H:%M:%S} (this PC's time)"
        warn = (index.column() == 3 and pc.stale(self.now)) or (index.column() == 4 and pc.backlog > 0)
        if warn and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(CONSOLE_COLOURS["urgent_background"]))
        if warn and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(CONSOLE_COLOURS["urgent_text"]))
        return None

    def headerData(  # noqa: N802 (Qt's name)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


class KiosksView(QWidget):
    """Reads the list when it comes into sight, then every 30 s while it stays in sight."""

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        translations: Sequence[UnreviewedTranslation] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("KiosksView")
        self.database = database
        self.model = WorkstationsModel(clock, self)
        self.summary = label("", "heading", wrap=True)
        self.summary.setObjectName("KiosksSummary")
        self.warning = label("", "urgent", wrap=True)
        self.warning.setObjectName("KiosksWarning")
        self.warning.hide()
        self.message = label("", "banner-error", wrap=True)
        self.message.hide()
        self.refresh_button = button("Refresh", "KiosksRefresh")
        self.refresh_button.clicked.connect(self.refresh)

        self.table = QTableView()
        self.table.setObjectName("KiosksTable")
        self.table.setAccessibleName("Kiosks and front-desk PCs")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)  # nothing to act on here
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.warning)
        layout.addWidget(label(EXPLAINED, "muted", wrap=True))
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        # What the kiosks show patients belongs with the kiosks: both roles open this tab, and it stays in sight.
        layout.addWidget(label(TRANSLATIONS_TITLE, "section"))
        self.translations = label("", "banner-error" if translations else "banner-ok", wrap=True)
        self.translations.setObjectName("TranslationsReview")
        # A sign as well as the colour, as everywhere in the console.
        lines = [f"⚠ {translation.sentence()}." for translation in translations]
        self.translations.setText("\n".join(lines) or f"✓ {ALL_REVIEWED}")
        layout.addWidget(self.translations)
        if translations:
            layout.addWidget(label(REVIEW_EXPLAINED, "muted", wrap=True))

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._refresh_if_shown)

    def _refresh_if_shown(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.refresh()
        self.timer.start()

    def refresh(self) -> None:
        try:
            pcs = workstations_seen(self.database)
        except StoreError as exc:
            log.warning("kiosks view: listing workstations failed (%s)", type(exc).__name__)
            self.message.setText(UNREADABLE)
            self.message.show()
            return
        self.message.hide()
        self.model.set_pcs(pcs)
        self._summarise()

    def _summarise(self) -> None:
        now = self.model.now
        kiosks = [pc for pc in self.model.pcs if pc.role == "kiosk"]
        quiet = [pc for pc in kiosks if pc.stale(now)]
        waiting = sum(pc.backlog for pc in self.model.pcs)
        seen = len(kiosks) - len(quiet)
        self.summary.setText(
            f"{len(kiosks)} patient kiosk{'s' if len(kiosks) != 1 else ''}, {seen} seen in the last "
            f"{BEAT_SECONDS * STALE_BEATS // 60} minutes."
        )
        problems = []
        if quiet:
            names = ", ".join(pc.name for pc in quiet)
            problems.append(f"Not seen for more than {BEAT_SECONDS * STALE_BEATS // 60} minutes: {names}.")
        if waiting:
            problems.append(
                f"{waiting:,} request{'s' if waiting != 1 else ''} waiting on kiosks to reach the database; "
                "they are sent by themselves when the connection returns."
            )
        self.warning.setText("⚠ " + " ".join(problems))
        self.warning.setVisible(bool(problems))
