"""The Kiosks tab: every PC that uses this database, when each was last seen, and what waits in its outbox.

The list is read on a worker thread, on a connection of its own whose statements give up within seconds
(kiosk.services.bounded_reads), and collected by a short GUI timer while a read is pending: a hung or cut-off
server never freezes the console, and the tab says since when it could not read the list.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from functools import partial

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
from kiosk.services.bounded_reads import BoundedReads
from kiosk.services.expected_kiosks import (
    NEVER_SEEN,
    NEVER_SEEN_SENTENCE,
    NEVER_SEEN_WHY,
    never_seen,
    never_seen_warning,
)
from kiosk.services.heartbeat import (
    BEAT_SECONDS,
    STALE_BEATS,
    WorkstationSeen,
    last_seen_words,
    quiet_words,
    workstations_seen,
)
from kiosk.services.outbox import uses_server
from kiosk.services.store import Database
from kiosk.ui.console.off_thread import OffThreadReader
from kiosk.ui.console.theme import CONSOLE_COLOURS
from kiosk.ui.console.widgets import button, label

log = logging.getLogger(__name__)

COLUMNS = ("PC", "Role", "Version", "Last seen", "Waiting to send", "Server sign-in")
ROLE_WORDS = {"kiosk": "Patient kiosk", "console": "Front desk"}
REFRESH_MS = 10_000  # while the tab is in sight: a kiosk that reconnects is seen within seconds (it reports every 10)
# A kiosk reports its backlog at every forwarding pass (10 s) and beats every minute: quieter than this, and what
# it last reported may no longer be true.
BACKLOG_KNOWN_S = BEAT_SECONDS + 30


def unreadable_sentence(since: dt.datetime) -> str:
    return (
        f"⚠ The list of PCs could not be read from the database since {since.astimezone():%H:%M}: check the"
        " connection; the list below may be out of date. It is read again by itself."
    )


EXPLAINED = (
    "Each patient kiosk reports every minute. One not seen for more than "
    f"{BEAT_SECONDS * STALE_BEATS // 60} minutes may be switched off, frozen or cut off from the database: "
    "check its screen and its network cable. A kiosk the server refuses (a wrong password, say) falls quiet too: "
    "kiosk doctor run on it says why at once, and it reports here why and when once it gets in. "
    "One refused from its very first start shows here only if IT lists it in the settings (expected_kiosks). "
    "Front-desk PCs are shown as last started."
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


def backlog_known(pc: WorkstationSeen, now: dt.datetime, *, outboxes: bool = True) -> bool:
    """False for a kiosk quiet long enough that its outbox may hold more than it last said (server setups only:
    on one SQLite file no PC has an outbox)."""
    return not outboxes or pc.role != "kiosk" or pc.quiet_for(now) <= dt.timedelta(seconds=BACKLOG_KNOWN_S)


def backlog_text(pc: WorkstationSeen, now: dt.datetime | None = None, *, outboxes: bool = True) -> str:
    count = "nothing" if pc.backlog == 0 else f"{pc.backlog:,} request{'s' if pc.backlog != 1 else ''}"
    if now is not None and not backlog_known(pc, now, outboxes=outboxes):
        # Cut off, it cannot tell us: never "Nothing waiting" while it may be holding requests.
        return f"⚠ Unknown since {pc.last_seen_at.astimezone():%H:%M} ({count} then)"
    return "Nothing waiting" if pc.backlog == 0 else f"{count} waiting"


class WorkstationsModel(QAbstractTableModel):
    def __init__(
        self, clock: Callable[[], dt.datetime], parent: QObject | None = None, *, outboxes: bool = True
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.outboxes = outboxes
        self.pcs: list[WorkstationSeen] = []
        # Expected kiosks the server has never heard from: the first rows, as there is nothing else to show of them.
        self.missing: list[str] = []
        self.now = clock()

    def set_pcs(self, pcs: list[WorkstationSeen], missing: Sequence[str] = ()) -> None:
        self.beginResetModel()
        self.pcs = pcs
        self.missing = list(missing)
        self.now = self.clock()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.missing) + len(self.pcs)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def text(self, row: int, column: int) -> str:
        if row < len(self.missing):
            # Words and a sign in each column that warns, never colour alone.
            name = self.missing[row]
            return (
                name,
                ROLE_WORDS["kiosk"],
                "",
                f"\u26a0 {NEVER_SEEN}",
                "\u26a0 Unknown",
                f"\u26a0 {NEVER_SEEN_WHY}",
            )[column]
        pc = self.pcs[row - len(self.missing)]
        return (
            pc.name,
            ROLE_WORDS.get(pc.role, pc.role.capitalize()),
            pc.version,
            last_seen_text(pc, self.now),
            backlog_text(pc, self.now, outboxes=self.outboxes),
            f"\u26a0 {pc.sign_in_problem}" if pc.sign_in_problem else "",
        )[column]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if index.row() < len(self.missing):
            return self._missing_data(index, role)
        pc = self.pcs[index.row() - len(self.missing)]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return f"{pc.last_seen_at.astimezone():%d %b %Y, %H:%M:%S} (this PC's time)"
        unsure = pc.backlog > 0 or not backlog_known(pc, self.now, outboxes=self.outboxes)
        warn = (
            (index.column() == 3 and pc.stale(self.now))
            or (index.column() == 4 and unsure)
            or (index.column() == 5 and bool(pc.sign_in_problem))
        )
        if warn and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(CONSOLE_COLOURS["urgent_background"]))
        if warn and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(CONSOLE_COLOURS["urgent_text"]))
        return None

    def _missing_data(self, index: QModelIndex | QPersistentModelIndex, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{NEVER_SEEN_SENTENCE} (Listed in [database] expected_kiosks in the settings.)"
        if index.column() >= 3 and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(CONSOLE_COLOURS["urgent_background"]))
        if index.column() >= 3 and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(CONSOLE_COLOURS["urgent_text"]))
        return None

    def headerData(  # noqa: N802 (Qt's name)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


class KiosksView(QWidget):
    """Reads the list when it comes into sight, then every 10 s while it stays in sight, always off the GUI thread.

    `loaded` counts the answers handled (a list or a failure), so a test can wait for the next one.
    """

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        translations: Sequence[UnreviewedTranslation] = (),
        expected: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("KiosksView")
        self.database = database
        self.expected = tuple(expected)  # [database] expected_kiosks: listed as "never seen" until they report
        self.clock = clock
        self.loaded = 0
        self.reader = OffThreadReader("kiosks-list", self)
        self._failing_since: dt.datetime | None = None
        self.model = WorkstationsModel(clock, self, outboxes=uses_server(database))
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
        """Read the list on the worker (unless a read is still pending); the answer is shown when it comes."""
        if self.reader.busy:
            return
        self.reader.ask(partial(read_workstations, self.database), self._show, self._unreadable)

    def _unreadable(self, exc: Exception) -> None:
        # Any failure is a list not read: said once, with since when (class name only).
        self.loaded += 1
        if self._failing_since is None:
            self._failing_since = self.clock()
            log.warning("kiosks view: the list of PCs cannot be read (%s)", type(exc).__name__)
        self.message.setText(unreadable_sentence(self._failing_since))
        self.message.show()

    def _show(self, pcs: list[WorkstationSeen]) -> None:
        self.loaded += 1
        if self._failing_since is not None:
            self._failing_since = None
            log.info("kiosks view: the list of PCs can be read again")
        self.message.hide()
        self.model.set_pcs(pcs, never_seen(self.expected, (pc.name for pc in pcs)))
        self._summarise()

    def _summarise(self) -> None:
        now = self.model.now
        kiosks = [pc for pc in self.model.pcs if pc.role == "kiosk"]
        missing = self.model.missing
        quiet = [pc for pc in kiosks if pc.stale(now)]
        outboxes = self.model.outboxes
        waiting = sum(pc.backlog for pc in self.model.pcs if backlog_known(pc, now, outboxes=outboxes))
        unknown = [pc.name for pc in kiosks if not backlog_known(pc, now, outboxes=outboxes)]
        seen = len(kiosks) - len(quiet)
        total = len(kiosks) + len(missing)
        self.summary.setText(
            f"{total} patient kiosk{'s' if total != 1 else ''}, {seen} seen in the last "
            f"{BEAT_SECONDS * STALE_BEATS // 60} minutes."
        )
        problems = []
        if missing:
            problems.append(never_seen_warning(missing))
        if quiet:
            names = ", ".join(pc.name for pc in quiet)
            problems.append(f"Not seen for more than {BEAT_SECONDS * STALE_BEATS // 60} minutes: {names}.")
        if waiting:
            problems.append(
                f"{waiting:,} request{'s' if waiting != 1 else ''} waiting on kiosks to reach the database; "
                "they are sent by themselves when the connection returns."
            )
        refused = [
            f"{pc.name} {pc.sign_in_problem[0].lower()}{pc.sign_in_problem[1:]}." for pc in kiosks if pc.sign_in_problem
        ]
        if refused:
            problems.append(" ".join(refused) + " Check database.url on that kiosk with IT.")
        if unknown:
            problems.append(
                f"Not known what waits on {', '.join(unknown)}: do not delete a kiosk's outbox until it has"
                " reported again."
            )
        self.warning.setText("⚠ " + " ".join(problems))
        self.warning.setVisible(bool(problems))


def read_workstations(database: Database) -> list[WorkstationSeen]:
    """On the worker: the list, read on a bounded connection opened and closed here (never the shared pool)."""
    reads = BoundedReads(database)
    try:
        return workstations_seen(reads.reads())
    finally:
        reads.close()
