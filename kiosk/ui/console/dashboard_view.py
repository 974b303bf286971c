"""The overview page: requests per day by type, who is waiting, time to first contact and to "Seen at the desk",
and how patients fare after their procedures (outcomes, below the fold at 1366x768)."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping
from functools import partial

from kiosk.qt import (
    QAbstractItemView,
    QBarSet,
    QBrush,
    QCategoryAxis,
    QChart,
    QChartView,
    QColor,
    QFont,
    QFontMetrics,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QPainter,
    QPen,
    QScrollArea,
    QSizePolicy,
    QStackedBarSeries,
    QStandardItem,
    QStandardItemModel,
    Qt,
    QTableView,
    QValueAxis,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.outcomes import (
    ALL_WEEKS,
    IMPROVED_SHARE,
    RELIEF_PERCENT,
    MonthGroup,
    OutcomeGroup,
    OutcomesReport,
    outcomes,
    procedure_title,
)
from kiosk.services.overview import SEEN_DAYS, DayCount, Overview, overview
from kiosk.services.store import Database, StoreError
from kiosk.services.urgent_alarm import SeenTimes
from kiosk.ui.console.off_thread import OffThreadReader
from kiosk.ui.console.theme import CONSOLE_COLOURS
from kiosk.ui.console.widgets import button, card, label

log = logging.getLogger(__name__)

DAYS = 30
LABEL_EVERY = 3  # days between date labels: 30 dates side by side would not fit at 1366 px
_TEXT_PIXELS = 14  # axis and legend text, as the console's small text
_BIG_NUMBER_PIXELS = 40
UNREADABLE = "The overview could not be read from the database: check the connection, then choose Refresh."
SEEN_COLUMNS = ("Day", "Urgent", "Seen", "Median", "90th percentile")
NONE_WORDS = "\u2014"  # a day without urgent requests, or with none seen yet: nothing to measure
# A year of follow-ups: a month holds too few per procedure and band of weeks for a median to mean much.
OUTCOME_DAYS = 365
OUTCOME_COLUMNS = (
    "Procedure",
    "Weeks after",
    "Follow-ups",
    "Pain before \u2192 now",
    "30 % better",
    "50 % relief",
    "PEG-3",
)
MONTH_COLUMNS = ("Procedure", "Month received", "Follow-ups", "Pain before \u2192 now", "Change", "50 % relief")
MONTH_HEADING = "Per month received, last 12 months (a month without follow-ups has no row)"
OUTCOME_RULES = (
    f"Medians of the 0\u201310 ratings patients gave in their follow-ups. 30 % better: pain now at least "
    f"{IMPROVED_SHARE * 100:.0f} % lower than before, of those with some pain before. 50 % relief: answered "
    f"{RELIEF_PERCENT} % relief or more. PEG-3: pain and its interference now, lower is better. No patient is named."
)


def duration_words(duration: dt.timedelta | None) -> str:
    """A wait as staff say it: "45 min", "3 h 20 min", "2 days 5 h"; "No contacts yet" when there is none."""
    if duration is None:
        return "No contacts yet"
    minutes = max(0, round(duration.total_seconds() / 60))
    if minutes < 1:
        return "Under 1 min"
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


def seen_row_words(times: SeenTimes) -> tuple[str, str, str, str, str]:
    """One row of the "Seen at the desk" table: day, urgent requests, how many were seen, median, 90th percentile."""
    day = f"{times.day:%a} {times.day.day} {times.day:%b}"
    if times.urgent == 0:
        return day, NONE_WORDS, NONE_WORDS, NONE_WORDS, NONE_WORDS
    median = duration_words(times.median) if times.median is not None else NONE_WORDS
    p90 = duration_words(times.p90) if times.p90 is not None else NONE_WORDS
    return day, str(times.urgent), str(times.seen), median, p90


def outcome_row_words(group: OutcomeGroup, titles: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """One row of the outcomes table: the procedure (its page's title) on its all-weeks row, then its bands of
    weeks under it."""

    def number(value: float | None) -> str:
        return NONE_WORDS if value is None else f"{value:g}"

    def share(count: int, of: int) -> str:
        return NONE_WORDS if not of else f"{round(100 * count / of)} % ({count} of {of})"

    whole = group.weeks == ALL_WEEKS
    return (
        procedure_title(group.procedure, titles or {}) if whole else "",
        "All" if whole else f"{group.weeks} weeks",
        str(group.follow_ups),
        f"{number(group.median_pain_before)} \u2192 {number(group.median_pain_now)}",
        share(group.improved, group.rated),
        share(group.relief_50, group.follow_ups),
        number(group.median_peg),
    )


def month_row_words(group: MonthGroup, first: bool, titles: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """One row of the per-month table: the procedure's title on its `first` (oldest) month only, as above."""
    month = dt.date.fromisoformat(f"{group.month}-01")

    def number(value: float | None) -> str:
        return NONE_WORDS if value is None else f"{value:g}"

    relief = f"{round(100 * group.relief_50 / group.follow_ups)} % ({group.relief_50} of {group.follow_ups})"
    return (
        procedure_title(group.procedure, titles or {}) if first else "",
        f"{month:%b %Y}",
        str(group.follow_ups),
        f"{number(group.median_pain_before)} \u2192 {number(group.median_pain_now)}",
        number(group.median_change),
        relief,
    )


def day_label(day: dt.date) -> str:
    """ "Nov 3": short, and the same on every PC (not the locale's numeric order, which staff misread)."""
    return f"{day:%b} {day.day}"


def nice_ceiling(value: int) -> tuple[int, int]:
    """An axis top at or above `value` and a whole-number step that divides it into at most 6 parts."""
    if value <= 0:
        return 5, 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        top = math.ceil(value / step) * step
        if top / step <= 6:
            return top, step
    step = 10 ** math.ceil(math.log10(value / 6))
    return math.ceil(value / step) * step, step


def _font(pixels: int, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


class _Tile(QWidget):
    """One big figure with its name above and a short explanation below."""

    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        frame = card(self)
        self.title = label(title, "section")
        self.value = label("—")
        self.value.setObjectName(f"{name}Value")
        self.value.setFont(_font(_BIG_NUMBER_PIXELS, bold=True))
        self.value.setStyleSheet(f"color: {CONSOLE_COLOURS['text']}; font-size: {_BIG_NUMBER_PIXELS}px;")
        self.note = label("", "muted", wrap=True)
        self.note.setObjectName(f"{name}Note")
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(18, 12, 18, 14)
        inner.setSpacing(2)
        inner.addWidget(self.title)
        inner.addWidget(self.value)
        inner.addWidget(self.note)
        inner.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        # Preferred height: the three tiles stretch to the tallest, so their cards line up.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def show_figure(self, value: str, note: str) -> None:
        self.value.setText(value)
        self.note.setText(note)
        self.setAccessibleName(f"{self.title.text()}: {value}. {note}")


class DashboardView(QWidget):
    """Read-only figures; `refresh()` reads them again (the shell calls it when the page is shown)."""

    def __init__(
        self, database: Database, parent: QWidget | None = None, *, titles: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ConsolePage")
        self.database = database
        self.titles: Mapping[str, str] = titles or {}  # procedure page id -> title, for the outcomes table
        self.reader = OffThreadReader("overview", self)
        self.figures: Overview | None = None

        self.refresh_button = button("Refresh", "DashboardRefresh")
        self.updated = label("", "muted")
        self.updated.setObjectName("DashboardUpdated")
        self.error = label("", "banner-error", wrap=True)
        self.error.setObjectName("DashboardError")
        self.error.hide()

        self.waiting = _Tile("Waiting now", "Waiting")
        self.median = _Tile("Median time to first contact", "Median")
        self.received = _Tile(f"Requests in the last {DAYS} days", "Received")

        self.appointments = QBarSet("Appointments (solid)")
        self.follow_ups = QBarSet("Follow-ups (hatched)")
        self.chart = QChart()
        self.chart_view = QChartView(self.chart)
        self._build_chart()
        self.seen_model = QStandardItemModel(0, len(SEEN_COLUMNS), self)
        self.seen_model.setHorizontalHeaderLabels(list(SEEN_COLUMNS))
        self.seen_table = QTableView()
        self._build_seen_table()
        self.outcomes: OutcomesReport | None = None
        self.outcome_model = QStandardItemModel(0, len(OUTCOME_COLUMNS), self)
        self.outcome_model.setHorizontalHeaderLabels(list(OUTCOME_COLUMNS))
        self.outcome_table = QTableView()
        self.month_model = QStandardItemModel(0, len(MONTH_COLUMNS), self)
        self.month_model.setHorizontalHeaderLabels(list(MONTH_COLUMNS))
        self.month_table = QTableView()
        self.month_heading = label(MONTH_HEADING, "heading", wrap=True)
        self.month_heading.setObjectName("OutcomesByMonthHeading")
        self.outcome_none = label("", "muted", wrap=True)
        self.outcome_none.setObjectName("OutcomesNone")
        outcome_card = self._build_outcomes()

        top = QHBoxLayout()
        top.addWidget(label("Overview", "title"))
        top.addSpacing(12)
        top.addWidget(self.updated, 1, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.refresh_button)
        tiles = QHBoxLayout()
        tiles.setSpacing(14)
        for tile in (self.waiting, self.median, self.received):
            tiles.addWidget(tile, 1)

        chart_card = card()
        chart_layout = QVBoxLayout(chart_card)
        chart_layout.setContentsMargins(14, 10, 14, 8)
        chart_layout.addWidget(label(f"Requests per day, last {DAYS} days", "heading"))
        chart_layout.addWidget(self.chart_view, 1)

        seen_card = card()
        seen_layout = QVBoxLayout(seen_card)
        seen_layout.setContentsMargins(14, 10, 14, 10)
        seen_heading = label(f"Time to \u201cSeen at the desk\u201d, last {SEEN_DAYS} days", "heading", wrap=True)
        seen_heading.setObjectName("SeenTimesHeading")
        seen_layout.addWidget(seen_heading)
        seen_layout.addWidget(self.seen_table, 1)
        figures_row = QHBoxLayout()
        figures_row.setSpacing(14)
        figures_row.addWidget(chart_card, 3)
        figures_row.addWidget(seen_card, 2)

        # The page scrolls: the figures above fill a 1366x768 console as before, the outcomes follow below them.
        page = QWidget()
        page.setObjectName("ConsolePage")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(14)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addLayout(tiles)
        layout.addLayout(figures_row, 1)
        layout.addWidget(outcome_card)
        chart_card.setMinimumHeight(380)
        seen_card.setMinimumHeight(380)
        self.page_scroll = QScrollArea()
        self.page_scroll.setObjectName("OverviewScroll")
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.page_scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.page_scroll)

        self.refresh_button.clicked.connect(self.refresh)
        self.refresh()

    def _build_chart(self) -> None:
        text = QColor(CONSOLE_COLOURS["text"])
        appointment_colour = QColor(CONSOLE_COLOURS["header"])
        self.appointments.setBrush(QBrush(appointment_colour))
        self.appointments.setPen(QPen(appointment_colour))
        # Hatched as well as coloured, so the two kinds differ for someone who cannot tell the colours apart.
        follow_up_colour = QColor(CONSOLE_COLOURS["badge"])
        self.follow_ups.setBrush(QBrush(follow_up_colour, Qt.BrushStyle.BDiagPattern))
        self.follow_ups.setPen(QPen(follow_up_colour, 1.5))
        series = QStackedBarSeries()
        series.append(self.appointments)
        series.append(self.follow_ups)
        series.setBarWidth(0.7)
        self.chart.addSeries(series)
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        # White like the card it sits on: the default grey plot reads as a disabled area.
        self.chart.setBackgroundBrush(QBrush(QColor(CONSOLE_COLOURS["surface"])))
        self.chart.setBackgroundPen(QPen(Qt.PenStyle.NoPen))
        self.chart.setBackgroundRoundness(0)
        self.chart.layout().setContentsMargins(0, 0, 0, 0)

        # A category axis on values lets a date label sit under every third bar only.
        self.x_axis = QCategoryAxis()
        self.x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%d")
        self.y_axis.setTitleText("Requests")
        for axis in (self.x_axis, self.y_axis):
            axis.setLabelsFont(_font(_TEXT_PIXELS))
            axis.setLabelsColor(text)
            axis.setGridLineColor(QColor(CONSOLE_COLOURS["border"]))
        self.y_axis.setTitleFont(_font(_TEXT_PIXELS))
        self.y_axis.setTitleBrush(QBrush(text))
        self.x_axis.setGridLineVisible(False)
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(self.x_axis)
        series.attachAxis(self.y_axis)

        legend = self.chart.legend()
        legend.setAlignment(Qt.AlignmentFlag.AlignTop)
        legend.setFont(_font(_TEXT_PIXELS + 1))
        legend.setLabelColor(text)

        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setBackgroundBrush(QBrush(QColor(CONSOLE_COLOURS["surface"])))
        self.chart_view.setMinimumHeight(260)
        self.chart_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # nothing to do in it; Tab skips it
        self.chart_view.setAccessibleName("Requests per day chart")

    def _build_seen_table(self) -> None:
        table = self.seen_table
        table.setObjectName("SeenTimesTable")
        table.setAccessibleName("Time from urgent request to seen at the desk, per day")
        table.setModel(self.seen_model)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # read-only figures, as the chart beside it
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        # Fourteen rows in the height the chart beside it gets at 768 px: small text (console.qss), tight rows.
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setMinimumSectionSize(1)
        rows.setDefaultSectionSize(QFontMetrics(_font(_TEXT_PIXELS)).height() + 6)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _build_outcomes(self) -> QWidget:
        frame = card()
        box = QVBoxLayout(frame)
        box.setContentsMargins(14, 10, 14, 10)
        heading = label("Outcomes after procedures, follow-ups of the last 12 months", "heading", wrap=True)
        heading.setObjectName("OutcomesHeading")
        box.addWidget(heading)
        rules = label(OUTCOME_RULES, "muted", wrap=True)
        rules.setObjectName("OutcomesRules")
        box.addWidget(rules)
        _figures_table(self.outcome_table, self.outcome_model)
        self.outcome_table.setObjectName("OutcomesTable")
        self.outcome_table.setAccessibleName("Outcomes after procedures, per procedure and weeks after it")
        box.addWidget(self.outcome_table)
        box.addWidget(self.outcome_none)
        # The same follow-ups per calendar month, second: the trend issue 20 asks for, under the weeks bands.
        _figures_table(self.month_table, self.month_model)
        self.month_table.setObjectName("OutcomesByMonthTable")
        self.month_table.setAccessibleName("Outcomes after procedures, per procedure and month received")
        box.addSpacing(8)
        box.addWidget(self.month_heading)
        box.addWidget(self.month_table)
        return frame

    def refresh(self) -> None:
        """Read the figures on the worker (a hung server must not freeze the console); shown when they come."""
        self.reader.ask(partial(read_figures, self.database), self._show_figures, self._unreadable)

    def _unreadable(self, exc: Exception) -> None:
        if not isinstance(exc, StoreError):
            raise exc  # a fault in the program, not the database's: the console's error hook logs it
        log.warning("dashboard: overview query failed (%s)", type(exc).__name__)
        self.error.setText(UNREADABLE)
        self.error.show()

    def _show_figures(self, answer: tuple[Overview, OutcomesReport]) -> None:
        figures, report = answer
        self.error.hide()
        self.figures = figures
        self._show_tiles(figures)
        self._show_chart(figures.per_day)
        self._show_seen_times(figures.seen_at_desk)
        self._show_outcomes(report)
        self.updated.setText(f"Updated {dt.datetime.now():%H:%M}")

    def _show_tiles(self, figures: Overview) -> None:
        urgent = figures.waiting_urgent
        if figures.waiting_now == 0:
            note = "Nobody is waiting for a first contact."
        else:
            note = f"of which {urgent} urgent" if urgent else "none of them urgent"
        self.waiting.show_figure(str(figures.waiting_now), note)
        median = figures.median_first_contact
        self.median.show_figure(
            duration_words(median),
            f"from arrival to the first status change, requests of the last {DAYS} days"
            if median is not None
            else f"No request of the last {DAYS} days has been acted on yet.",
        )
        appointments = sum(day.appointments for day in figures.per_day)
        follow_ups = sum(day.follow_ups for day in figures.per_day)
        self.received.show_figure(
            str(appointments + follow_ups),
            f"{appointments} appointment{'s' if appointments != 1 else ''}, "
            f"{follow_ups} follow-up{'s' if follow_ups != 1 else ''}",
        )

    def _show_chart(self, per_day: list[DayCount]) -> None:
        self.appointments.remove(0, self.appointments.count())
        self.follow_ups.remove(0, self.follow_ups.count())
        self.appointments.append([float(day.appointments) for day in per_day])
        self.follow_ups.append([float(day.follow_ups) for day in per_day])

        for old in list(self.x_axis.categoriesLabels()):
            self.x_axis.remove(old)
        self.x_axis.setStartValue(-0.5)
        # Label the newest day and every third day back from it, so "today" always has its date.
        last = len(per_day) - 1
        for index in range(last % LABEL_EVERY, len(per_day), LABEL_EVERY):
            self.x_axis.append(day_label(per_day[index].day), index)
        self.x_axis.setRange(-0.5, last + 0.5)

        top, step = nice_ceiling(max((day.appointments + day.follow_ups for day in per_day), default=0))
        self.y_axis.setRange(0, top)
        self.y_axis.setTickCount(top // step + 1)
        busiest = max(per_day, key=lambda day: day.appointments + day.follow_ups, default=None)
        if busiest is not None:
            self.chart_view.setAccessibleDescription(
                f"Stacked bars per day from {day_label(per_day[0].day)} to {day_label(per_day[-1].day)}; "
                f"busiest day {day_label(busiest.day)} with {busiest.appointments + busiest.follow_ups} requests."
            )

    def _show_seen_times(self, days: list[SeenTimes]) -> None:
        self.seen_model.removeRows(0, self.seen_model.rowCount())
        for times in reversed(days):  # today first: the day staff ask about
            cells = []
            for column, words in enumerate(seen_row_words(times)):
                cell = QStandardItem(words)
                if column:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if times.urgent == 0:
                    cell.setToolTip("No urgent requests this day")
                elif times.seen == 0 and column >= 3:
                    cell.setToolTip("None of this day's urgent requests has been seen at the desk yet")
                cells.append(cell)
            self.seen_model.appendRow(cells)

    def _show_outcomes(self, report: OutcomesReport) -> None:
        self.outcomes = report
        model = self.outcome_model
        model.removeRows(0, model.rowCount())
        for group in report.groups:
            cells = []
            for column, words in enumerate(outcome_row_words(group, self.titles)):
                cell = QStandardItem(words)
                if column >= 2:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                cells.append(cell)
            model.appendRow(cells)
        self.outcome_table.setVisible(bool(report.groups))
        _fit_rows(self.outcome_table, model)
        self.outcome_none.setVisible(not report.groups)
        self.outcome_none.setText("No follow-up has come in during the last 12 months: nothing to measure yet.")
        self._show_months(report)

    def _show_months(self, report: OutcomesReport) -> None:
        model = self.month_model
        model.removeRows(0, model.rowCount())
        previous = None
        for group in report.by_month:
            cells = []
            for column, words in enumerate(month_row_words(group, group.procedure != previous, self.titles)):
                cell = QStandardItem(words)
                if column >= 2:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                cells.append(cell)
            model.appendRow(cells)
            previous = group.procedure
        # With no follow-up at all, the sentence under the first table says so for both.
        self.month_heading.setVisible(bool(report.by_month))
        self.month_table.setVisible(bool(report.by_month))
        _fit_rows(self.month_table, model)

    def outcome_row(self, row: int) -> list[str]:
        """The words in one row of the outcomes table."""
        model = self.outcome_model
        return [model.item(row, column).text() for column in range(model.columnCount())]

    def month_row(self, row: int) -> list[str]:
        """The words in one row of the per-month outcomes table."""
        model = self.month_model
        return [model.item(row, column).text() for column in range(model.columnCount())]

    def seen_row(self, row: int) -> list[str]:
        """The words in one row of the "Seen at the desk" table, today's first."""
        return [self.seen_model.item(row, column).text() for column in range(self.seen_model.columnCount())]

    def day_total(self, index: int) -> tuple[int, int]:
        """(appointments, follow-ups) drawn for day `index` of the chart, oldest first."""
        return int(self.appointments.at(index)), int(self.follow_ups.at(index))


def read_figures(database: Database) -> tuple[Overview, OutcomesReport]:
    """On the reader's worker: the overview and the outcomes report, as the Overview tab shows them."""
    today = dt.date.today()
    return overview(database, days=DAYS), outcomes(
        database, received_from=today - dt.timedelta(days=OUTCOME_DAYS - 1), today=today
    )


def _figures_table(table: QTableView, model: QStandardItemModel) -> None:
    """A read-only table of outcomes as tall as its rows: the page scrolls instead of the table."""
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setMinimumSectionSize(1)
    # Every row shows: the table is as tall as its rows, and the page scrolls instead of the table.
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)


def _fit_rows(table: QTableView, model: QStandardItemModel) -> None:
    """Rows as tall as the console's text (styled by now: the page refreshes as it is shown), none cut off."""
    table.ensurePolished()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    rows = table.verticalHeader().defaultSectionSize() * model.rowCount()
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + rows + 2 * table.frameWidth())
